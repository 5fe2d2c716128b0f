/**
 * `npm run bench:billing`: close a month of BENCH_EPISODES (default 100 000) episodes across 290
 * municipalities, the way the monthly close's activities do it (freeze: read the ledger, compute,
 * store the basis; finalise: recompute from the frozen rows, write the invoices), and report time
 * and peak memory into its own section of BENCHMARKS.md. Also runs ¼ and ½ the size to show how
 * it grows. Temporal is not involved: the workflow only passes per-municipality summaries.
 *
 * Two ledger backends, each filled with bulk inserts (creating it and loading the episodes is not
 * measured): PostgreSQL (production, `DATABASE_URL`; the machine's own PostgreSQL is started as a
 * throwaway server when no DATABASE_URL is given) runs first, so the process's memory is the
 * close's own; then the in-memory PGlite (the embedded default), whose database lives in the
 * process and whose WebAssembly heap never shrinks. Rule set: gavleborg-2019 (individual invoices and
 * averages — every branch of the average engine) in 2019, a year with a known daily amount.
 */
import { cpus, totalmem } from 'node:os';
import { openLedger, type LedgerStore } from '../src/db/ledger';
import { finaliseClose, freezeClose } from '../src/db/billing-close';
import { computeMonth, ruleSet } from '../src/domain/billing';
import { frozenEpisodes } from '../src/db/billing';
import { postgresBinDir, startLocalPostgres, type LocalPostgres } from './lib/local-postgres';
import { freePorts } from './lib/service';
import { writeBenchmarkSection } from './lib/benchmarks';

const TOTAL = Number(process.env.BENCH_EPISODES ?? 100_000);
const MUNICIPALITIES = 290;
const REGION = 'bench';
const municipalities = Array.from({ length: MUNICIPALITIES }, (_, i) => String(1000 + i));
const agreements = [{ ruleSetId: 'gavleborg-2019', from: '2019-01-01' }];

/** Deterministic pseudo-random numbers, so every run closes the same month. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (month: string, d: number) => `${month}-${pad(d)}`;
const minus = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

async function load(ledger: LedgerStore, month: string, n: number): Promise<void> {
  const rand = rng(n);
  const BATCH = 1000;
  for (let i = 0; i < n; i += BATCH) {
    const episodes = [];
    const periods = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const id = `${month}-${j}`;
      const end = day(month, 1 + Math.floor(rand() * 28));
      const ready = Math.floor(rand() * rand() * 12); // mostly short, some above 7 days
      const withdrawn = rand() < 0.05;
      episodes.push({
        episode_id: id, version: 1, region: REGION, residence_municipality: municipalities[j % MUNICIPALITIES]!, inpatient_unit_hsa: 'SE-BENCH-1',
        psychiatric: rand() < 0.1, out_of_county: false, patient_ref: `p${j}`, status: 'discharged', admitted_at: `${minus(end, ready + 5)}T08:00:00Z`,
        ready_date: minus(end, ready), discharged_at: `${end}T10:00:00Z`, discharge_date: end, outpatient_services_unavailable: false, downtime: false,
        planning_basis_date: minus(end, ready), treatment_plan_at: `${minus(end, ready + 1)}T10:00:00Z`,
      });
      if (withdrawn) periods.push({ episode_id: id, seq: 1, ready_date: minus(end, ready + 6), ended_date: minus(end, ready + 4), end_reason: 'WITHDRAWN', withdrawal_reason: 'worse' });
      periods.push({ episode_id: id, seq: withdrawn ? 2 : 1, ready_date: minus(end, ready), ended_date: end, end_reason: 'DISCHARGED', withdrawal_reason: null });
    }
    await ledger.db.insertInto('episodes').values(episodes).execute();
    await ledger.db.insertInto('episode_ready_periods').values(periods).execute();
  }
}

interface Sample { peakRss: number; peakHeap: number }
/** Samples RSS and heap every 20 ms while `fn` runs. */
async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number } & Sample> {
  const s: Sample = { peakRss: process.memoryUsage().rss, peakHeap: process.memoryUsage().heapUsed };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    s.peakRss = Math.max(s.peakRss, m.rss);
    s.peakHeap = Math.max(s.peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0, ...s };
  } finally {
    clearInterval(timer);
    const m = process.memoryUsage();
    s.peakRss = Math.max(s.peakRss, m.rss);
  }
}

interface Row { episodes: number; freezeMs: number; finaliseMs: number; engineMs: number; peakRssMb: number; peakHeapMb: number; baselineRssMb: number; invoices: number; totalKr: number }

async function closeOnce(ledger: LedgerStore, month: string, n: number): Promise<Row> {
  await load(ledger, month, n);
  global.gc?.();
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const freeze = await measure(() => freezeClose(ledger.db, { region: REGION, month, municipalities, agreements }));
  const fin = await measure(() => finaliseClose(ledger.db, `${REGION}-${month}`, [], [], new Date().toISOString()));
  // the pure engine alone, over the same frozen input
  const frozen = await frozenEpisodes(ledger.db, `${REGION}-${month}`);
  const t0 = performance.now();
  computeMonth(ruleSet('gavleborg-2019'), frozen, { month, municipalities, dailyAmountOre: 7_800_00 });
  const engineMs = performance.now() - t0;
  if (freeze.value.episodeCount !== n) throw new Error(`expected ${n} lines, froze ${freeze.value.episodeCount}`);
  if (fin.value.totalOre !== freeze.value.totalOre) throw new Error('final total differs from the preliminary without corrections');
  return {
    episodes: n, freezeMs: freeze.ms, finaliseMs: fin.ms, engineMs,
    peakRssMb: Math.max(freeze.peakRss, fin.peakRss) / 2 ** 20, peakHeapMb: Math.max(freeze.peakHeap, fin.peakHeap) / 2 ** 20, baselineRssMb,
    invoices: fin.value.invoices.length, totalKr: fin.value.totalOre / 100,
  };
}

interface BackendRun { backend: 'postgres' | 'pglite'; rows: Row[]; openRssMb: number }

async function runBackend(backend: BackendRun['backend'], databaseUrl?: string): Promise<BackendRun> {
  const ledger = await openLedger(databaseUrl ? { databaseUrl } : {});
  const openRssMb = process.memoryUsage().rss / 2 ** 20;
  const sizes = [Math.round(TOTAL / 4), Math.round(TOTAL / 2), TOTAL];
  const rows: Row[] = [];
  try {
    for (const [i, n] of sizes.entries()) {
      const row = await closeOnce(ledger, `2019-0${i + 1}`, n);
      rows.push(row);
      console.log(`${backend}: ${n} episodes: freeze ${row.freezeMs.toFixed(0)} ms, finalise ${row.finaliseMs.toFixed(0)} ms, engine ${row.engineMs.toFixed(0)} ms, peak RSS ${row.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    await ledger.close();
  }
  return { backend, rows, openRssMb };
}

async function main(): Promise<void> {
  const started = Date.now();
  const runs: BackendRun[] = [];
  let local: LocalPostgres | undefined;
  try {
    let url = process.env.DATABASE_URL;
    if (!url && postgresBinDir()) {
      local = startLocalPostgres((await freePorts(1))[0]!);
      url = local.url;
    }
    if (url) runs.push(await runBackend('postgres', url));
    else console.warn('No DATABASE_URL and no PostgreSQL installed: measuring the embedded PGlite only');
  } finally {
    local?.stop();
  }
  global.gc?.();
  runs.push(await runBackend('pglite'));
  report(runs, (Date.now() - started) / 1000);
}

function report(runs: BackendRun[], wallS: number): void {
  const verdict = (ok: boolean) => `**${ok ? 'met' : 'NOT met'}**`;
  const table = (r: BackendRun) => {
    const per = r.rows.map((x) => ((x.freezeMs + x.finaliseMs) / x.episodes) * 1000);
    return [
      `| ${r.backend} | episodes | freeze | finalise | close total | engine alone | µs / episode | peak RSS (process) | RSS growth during the close | peak JS heap | RSS before |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...r.rows.map((x, i) => `| | ${x.episodes.toLocaleString('en-US')} | ${(x.freezeMs / 1000).toFixed(2)} s | ${(x.finaliseMs / 1000).toFixed(2)} s | **${((x.freezeMs + x.finaliseMs) / 1000).toFixed(2)} s** | ${x.engineMs.toFixed(0)} ms | ${per[i]!.toFixed(0)} | ${x.peakRssMb.toFixed(0)} MB | ${(x.peakRssMb - x.baselineRssMb).toFixed(0)} MB | ${x.peakHeapMb.toFixed(0)} MB | ${x.baselineRssMb.toFixed(0)} MB |`),
      '',
    ];
  };
  const targets = (r: BackendRun) => {
    const full = r.rows[r.rows.length - 1]!;
    const closeS = (full.freezeMs + full.finaliseMs) / 1000;
    const per = r.rows.map((x) => ((x.freezeMs + x.finaliseMs) / x.episodes) * 1000);
    const where = r.backend === 'postgres'
      ? 'the database is a separate process, so this is the close\'s own process'
      : `the embedded database is inside the process: PGlite alone takes it to ${r.openRssMb.toFixed(0)} MB as soon as it is opened, before any episode is loaded`;
    return `- **${r.backend}**: ${full.episodes.toLocaleString('en-US')} episodes in ${closeS.toFixed(1)} s (under 10 s: ${verdict(closeS < 10)}); whole process peaks at ${full.peakRssMb.toFixed(0)} MB (under 500 MB: ${verdict(full.peakRssMb < 500)}; ${where}); the close itself grows it by ${(full.peakRssMb - full.baselineRssMb).toFixed(0)} MB. Linear growth: ${per.map((p) => p.toFixed(0)).join(' / ')} µs per episode at ¼ / ½ / full size. Result check: ${full.invoices} invoices, ${full.totalKr.toLocaleString('en-US')} kr; the final total equals the preliminary total.`;
  };
  const lines = [
    '## Monthly close (`npm run bench:billing`)',
    '',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} · ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · rule set gavleborg-2019 · ${MUNICIPALITIES} municipalities · backends: ${runs.map((r) => r.backend).join(', ')} · whole run ${wallS.toFixed(0)} s (loading the episodes not measured).`,
    '',
    'One close = **freeze** (read the region-month\'s episodes and ready periods from the ledger, compute every municipality\'s basis, store the frozen episodes, one JSON row per municipality) + **finalise** (read the frozen episodes back, recompute with the stored rule set, write the immutable invoices and their lines) — the two activities of `workflows/monthly-close/workflow.ts`; the workflow itself carries only per-municipality summaries. "Engine" is the pure computation alone. Peak memory is the process\'s RSS, sampled every 20 ms. PostgreSQL (production, `DATABASE_URL`; here a throwaway local server from the machine\'s `postgresql-15` package) runs first; PGlite (the embedded default of `npm start`) second, because its WebAssembly heap never shrinks.',
    '',
    ...runs.flatMap(table),
    'Targets (a month of 100,000 episodes under 10 s and under 500 MB, growing linearly):',
    '',
    ...runs.map(targets),
    '',
    'Run: `npm run bench:billing` (`BENCH_EPISODES`, default 100000; `DATABASE_URL` to measure against an existing PostgreSQL). Memory grows with the episodes of one month because the close holds them at once.',
  ];
  console.log(writeBenchmarkSection('billing', lines));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
