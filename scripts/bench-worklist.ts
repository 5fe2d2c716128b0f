/**
 * `npm run bench:worklist`: load tens of thousands of open worklist items into an in-memory
 * PGlite ledger (the embedded default; bulk inserts, not measured) and measure the p50/p95 of
 * the worklist queries the API runs (src/db/worklist.ts, src/db/escalation.ts): a unit's first
 * page of every section, later pages by cursor, filters, and a coordinator's inbox. Writes its
 * figures into its own section of BENCHMARKS.md (between the bench:worklist markers).
 *
 * BENCH_WORKLIST_EPISODES (default 20 000) episodes × 4 messages × 2 recipients: 160 000
 * acknowledgements, of which each health centre and municipality holds tens of thousands open.
 */
import { cpus, totalmem } from 'node:os';
import { sql } from 'kysely';
import { openLedger } from '../src/db/ledger';
import { unitInbox } from '../src/db/worklist';
import { coordinatorInbox } from '../src/db/escalation';
import { OrganisationSchema } from '../src/domain/escalation';
import { loadWorklist } from './lib/worklist-data';
import { writeBenchmarkSection } from './lib/benchmarks';

const EPISODES = Number(process.env.BENCH_WORKLIST_EPISODES ?? 20_000);
const RUNS = Number(process.env.BENCH_WORKLIST_RUNS ?? 60);
const PC = 'SE2321000115-BVC01';
const UNITS = Array.from({ length: 20 }, (_, i) => `SE2321000115-BAVD${String(i).padStart(2, '0')}`);
const MUNICIPALITIES = ['1315', '1380', '1381', '1382', '1383', '1384'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function measure(name: string, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await fn(i); // warm-up: plans cached, pages in memory
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { name, p50: pct(ms, 50), p95: pct(ms, 95), max: Math.max(...ms) };
}

async function main(): Promise<void> {
  const started = Date.now();
  const ledger = await openLedger({});
  const loadStart = Date.now();
  const loaded = await loadWorklist(ledger.db, { prefix: 'bench', episodes: EPISODES, units: UNITS, municipalities: MUNICIPALITIES, messagesPerEpisode: 4, from: new Date('2026-03-02T07:00:00Z'), readyDate: '2026-03-02', primaryCareUnit: PC });
  await sql`analyze`.execute(ledger.db); // fresh statistics, as autovacuum would have after a bulk load
  const loadS = (Date.now() - loadStart) / 1000;
  const openAtPc = loaded.obligations / 2;
  const org = OrganisationSchema.parse({ id: 'region-bench', name: 'Region', unitPrefixes: ['SE2321000115-'], coordinators: [] });

  // a cursor deep into the list: the 100th page of 50
  let deep: string | null = null;
  for (let i = 0; i < 100; i++) deep = (await unitInbox(ledger.db, PC, { section: 'acknowledgements', limit: 50, ...(deep ? { cursor: deep } : {}) })).next.acknowledgements ?? null;

  const today = '2026-03-02';
  const results = [
    await measure('health centre: first page of all four sections (limit 50)', () => unitInbox(ledger.db, PC, { limit: 50, today })),
    await measure('municipality 1380: first page of all four sections (limit 50)', () => unitInbox(ledger.db, '1380', { limit: 50, today })),
    await measure('health centre: acknowledgements, page 101 by cursor', () => unitInbox(ledger.db, PC, { section: 'acknowledgements', limit: 50, cursor: deep! })),
    await measure('health centre: acknowledgements filtered by municipality 1383', () => unitInbox(ledger.db, PC, { section: 'acknowledgements', limit: 50, municipality: '1383' })),
    await measure('health centre: acknowledgements due before a deadline', () => unitInbox(ledger.db, PC, { section: 'acknowledgements', limit: 50, dueBefore: '2026-03-20T00:00:00Z' })),
    await measure('health centre: invitations to answer', () => unitInbox(ledger.db, PC, { section: 'invitations', limit: 50 })),
    await measure('inpatient unit: incomplete checklists of patients ready today', (i) => unitInbox(ledger.db, UNITS[i % UNITS.length]!, { section: 'checklists', limit: 50, today })),
    await measure('health centre: open deviations', () => unitInbox(ledger.db, PC, { section: 'deviations', limit: 50 })),
    await measure('coordinator inbox: open escalations of the organisation', () => coordinatorInbox(ledger.db, org, { limit: 50 })),
  ];
  await ledger.close();

  const lines = [
    '## Worklists (`npm run bench:worklist`)',
    '',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} · ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · in-memory PGlite · whole run ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    `Ledger: ${loaded.episodes.toLocaleString('en-US')} open episodes, ${loaded.obligations.toLocaleString('en-US')} open acknowledgements (${openAtPc.toLocaleString('en-US')} of them the one health centre's, ${Math.round(loaded.obligations / 2 / MUNICIPALITIES.length).toLocaleString('en-US')} per municipality), ${loaded.deviations.toLocaleString('en-US')} open deviations, ${loaded.checklists.toLocaleString('en-US')} incomplete checklists of ready patients; loaded in ${loadS.toFixed(1)} s (bulk inserts, not measured). Each query: ${RUNS} runs after 5 warm-up runs; pages of 50 in (deadline, id) keyset order using the partial indexes of migration 0005.`,
    '',
    '| query | p50 | p95 | max |',
    '|---|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${r.p50.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(1)} ms |`),
    '',
    'Run: `npm run bench:worklist` (`BENCH_WORKLIST_EPISODES`, default 20000; `BENCH_WORKLIST_RUNS`, default 60).',
  ];
  console.log(writeBenchmarkSection('worklist', lines));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
