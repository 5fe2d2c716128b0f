/**
 * The memory of `npm start`'s service process (issue 21), reproducibly:
 *
 *   npx tsx scripts/measure-memory.ts [--episodes 1000] [--concurrency 8] [--idle 20] [--settle 10]
 *                                     [--restart] [--threads] [--hold 0] [--variant 'label: VAR=value VAR2="a b"'] …
 *
 * For each variant (default: one, `npm start` as package.json has it) the service is started as
 * `npm start` starts it after setup — package.json's `start` script without its `node
 * scripts/setup.mjs &&` prefix, run by sh in the project root — with a fresh DATA_DIR and free
 * ports. `idle` seconds after /health first answers, the VmRSS of the service process (the one
 * listening on the API port) is read, with the other processes `npm start` leaves running beside
 * it (e.g. tsx's CLI and esbuild; the Temporal dev server separately). Then `--episodes` episodes
 * are started and given their admission notice through the API (`POST /api/episodes`, `POST
 * …/admission-notice`), `--concurrency` at a time, so they are all open and waiting, and `settle`
 * seconds later the same readings, with the worker's cache (the Temporal core's sticky cache
 * metrics). The load average is printed with each reading: the machine may be shared.
 * `--restart` starts the service once, stops it and measures the second start on the same
 * DATA_DIR, as a daily `npm start` is (the first start also creates the ledger: PGlite's initdb
 * leaves a few hundred MB of garbage that only a later garbage collection returns).
 *
 * A variant sets environment variables of the service, e.g. `'cache 100: WORKER_MAX_CACHED_WORKFLOWS=100'`,
 * `'semi 1: NODE_OPTIONS="--max-semi-space-size=1"'`; `START="node dist/src/main.js"` replaces the
 * command. `--threads` loads a small probe into every thread of the service (NODE_OPTIONS
 * --require) that reports each V8 heap (the main thread's, the workflow thread's, tsx's loader
 * threads') and process.memoryUsage(); it costs about a megabyte itself. `--hold` keeps the
 * service running that many seconds after the readings (e.g. for a heap snapshot).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { keepAlivePoster } from './lib/http-post';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '../src/auth/tokens';
import { localDateOf } from '../src/domain/calendar';
import { projectRoot } from '../src/temporal/tools';
import { freePorts, serviceEnv } from './lib/service';

// ---- arguments -----------------------------------------------------------------------------------

interface Variant { label: string; env: Record<string, string> }

function parseArgs(argv: string[]) {
  const o = { episodes: 1000, concurrency: 8, idle: 20, settle: 10, hold: 0, threads: false, restart: false, variants: [] as Variant[] };
  const num = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs an integer >= ${min} (got ${JSON.stringify(v)})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--episodes') o.episodes = num(a, argv[++i], 0);
    else if (a === '--concurrency') o.concurrency = num(a, argv[++i], 1);
    else if (a === '--idle') o.idle = num(a, argv[++i], 0);
    else if (a === '--settle') o.settle = num(a, argv[++i], 0);
    else if (a === '--hold') o.hold = num(a, argv[++i], 0);
    else if (a === '--threads') o.threads = true;
    else if (a === '--restart') o.restart = true;
    else if (a === '--variant') {
      const spec = argv[++i] ?? '';
      const colon = spec.indexOf(':');
      const label = (colon >= 0 ? spec.slice(0, colon) : spec).trim();
      const env: Record<string, string> = {};
      for (const m of (colon >= 0 ? spec.slice(colon + 1) : '').matchAll(/([A-Z_][A-Z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)) env[m[1]!] = m[3] ?? m[4] ?? m[5] ?? '';
      o.variants.push({ label: label || 'npm start', env });
    } else if (a === '--help' || a === '-h') {
      console.log(readFileSync(__filename, 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (--help)`);
  }
  if (!o.variants.length) o.variants.push({ label: 'npm start', env: {} });
  return o;
}

// ---- processes -----------------------------------------------------------------------------------

/** `npm start`'s command after setup: package.json's start script without the setup step. */
export function startCommand(): string {
  const start = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  return start.replace(/^node scripts\/setup\.mjs\s*&&\s*/, '');
}

const mb = (kb: number) => kb / 1024;
const vmRssKb = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; } };
const comm = (pid: number) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return '?'; } };
const ppidOf = (pid: number) => { try { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]); } catch { return 0; } };
const pids = () => readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);

/** The pid of the process listening on 127.0.0.1/0.0.0.0/:: `port` (from /proc/net/tcp* and the fds). */
function listenerPid(port: number, candidates: number[]): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]!.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  for (const pid of candidates) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      }
    } catch { /* gone or not ours */ }
  }
  return undefined;
}

/** `root` and its descendants. */
function tree(root: number): number[] {
  const all = pids().map((p) => [p, ppidOf(p)] as const);
  const set = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [p, pp] of all) if (!set.has(p) && set.has(pp)) { set.add(p); grew = true; }
  }
  return [...set];
}

// ---- the probe (--threads) -----------------------------------------------------------------------

/** Loaded with --require into every thread: writes its heap figures to MEMORY_PROBE_DIR every 2 s. */
const PROBE = `
const v8 = require('node:v8'), fs = require('node:fs'), wt = require('node:worker_threads');
const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  v8.setFlagsFromString('--expose-gc');
  const gc = require('node:vm').runInNewContext('gc');
  let gcSeen = 0;
  const write = (suffix) => {
    const h = v8.getHeapStatistics();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
    const what = process.argv.slice(1, 2).join(' ');
    try { fs.writeFileSync(dir + '/' + process.pid + '-' + wt.threadId + suffix + '.json', JSON.stringify({ pid: process.pid, threadId: wt.threadId, main: wt.isMainThread, what, mem: process.memoryUsage(), heap: h, spaces })); } catch {}
  };
  setInterval(() => {
    write('');
    // a full collection on request (the file 'gc' holds a request number), then the figures of what is live
    try { const n = Number(fs.readFileSync(dir + '/gc', 'utf8')); if (n > gcSeen) { gcSeen = n; gc(); write('-gc'); } } catch {}
  }, 1000).unref();
  write('');
}
`;

interface ThreadFigures { pid: number; threadId: number; main: boolean; what: string; mem: NodeJS.MemoryUsage; heap: { total_heap_size: number; used_heap_size: number; external_memory: number }; spaces: Record<string, number> }

function readProbe(dir: string, pid: number, afterGc: boolean): ThreadFigures[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => new RegExp(`^${pid}-\\d+${afterGc ? '-gc' : ''}\\.json$`).test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ThreadFigures)
    .sort((a, b) => a.threadId - b.threadId);
}

const M = (bytes: number) => (bytes / 1048576).toFixed(1);

function threadText(threads: ThreadFigures[]): string {
  return threads.map((t) => {
    const name = t.main ? 'main' : /workflow-worker-thread/.test(t.what) ? 'workflow thread' : /esbuild/.test(t.what) ? 'esbuild thread' : t.what ? t.what.split('/').slice(-2).join('/') : `thread ${t.threadId} (e.g. tsx's loader)`;
    return `${name}: heap ${M(t.heap.used_heap_size)}/${M(t.heap.total_heap_size)} MB (large objects ${M(t.spaces.large_object_space ?? 0)}), external ${M(t.mem.external)} (array buffers ${M(t.mem.arrayBuffers)})`;
  }).join('; ');
}

// ---- the core's metrics: the worker's cache ------------------------------------------------------

async function stickyCache(metricsBind: string): Promise<{ size?: number; forcedEvictions?: number; hits?: number; misses?: number }> {
  try {
    const text = await (await fetch(`http://${metricsBind}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const sum = (name: string) => {
      const lines = text.split('\n').filter((l) => l.startsWith(name) && /^[a-z_]+(\{[^}]*\})?\s/.test(l) && l.split(/[{\s]/)[0] === name);
      return lines.length ? lines.reduce((a, l) => a + Number(l.trim().split(/\s+/).at(-1)), 0) : undefined;
    };
    return {
      size: sum('temporal_sticky_cache_size'),
      forcedEvictions: sum('temporal_sticky_cache_total_forced_eviction'),
      hits: sum('temporal_sticky_cache_hit'),
      misses: sum('temporal_sticky_cache_miss'),
    };
  } catch {
    return {};
  }
}

// ---- one variant ---------------------------------------------------------------------------------

interface Reading {
  at: string;
  load: string;
  serviceMb: number;
  othersMb: number;
  others: string;
  devServerMb: number;
  threads: ThreadFigures[];
  /** --threads: after a full collection in every thread, requested once the VmRSS was read */
  gcThreads: ThreadFigures[];
  gcServiceMb?: number;
  cache: Awaited<ReturnType<typeof stickyCache>>;
}

interface Result { variant: Variant; command: string; idle: Reading; after?: Reading; episodesSeconds?: number; failed?: number; firstError?: string }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const utc = () => new Date().toISOString().slice(11, 16);
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

async function runVariant(v: Variant, o: ReturnType<typeof parseArgs>): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'utskrivning-memory-'));
  const probeDir = join(dataDir, 'probe');
  const [port, dev, ui, metrics] = (await freePorts(4)) as [number, number, number, number];
  const metricsBind = `127.0.0.1:${metrics}`;
  const { START, ...vars } = v.env;
  const command = START ?? startCommand();
  const env: Record<string, string> = {
    PORT: String(port),
    DATA_DIR: dataDir,
    TEMPORAL_DEV_PORT: String(dev),
    TEMPORAL_UI_PORT: String(ui),
    TEMPORAL_METRICS_BIND: metricsBind,
    ...vars,
  };
  if (o.threads) {
    writeFileSync(join(dataDir, 'probe.cjs'), PROBE);
    mkdirSync(probeDir);
    env.MEMORY_PROBE_DIR = probeDir;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${join(dataDir, 'probe.cjs')}`.trim();
  }
  const base = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let output = '';
  let exited = false;
  let service: number | undefined;
  let devServer: number | undefined;
  let gcRequests = 0;
  /** npm start's command in its own process group; resolves once /health answers */
  const launch = async () => {
    output = '';
    exited = false;
    devServer = undefined;
    const child = spawn('sh', ['-c', command], { cwd: projectRoot, env: serviceEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc = child;
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (exited) throw new Error(`the service exited during start-up:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`no answer from /health within 180 s:\n${output.slice(-3000)}`);
      const ok = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status === 200, () => false);
      if (ok) break;
      await sleep(250);
    }
    service = listenerPid(port, tree(child.pid!));
    if (!service) throw new Error(`no process of the service listens on ${port}`);
    devServer = tree(child.pid!).find((p) => comm(p) === 'temporal');
  };
  /** SIGTERM to the service (it stops its dev server, src/main.ts), then whatever is left is killed */
  const stop = async () => {
    if (service) try { process.kill(service, 'SIGTERM'); } catch { /* gone */ }
    const until = Date.now() + 30_000;
    while (Date.now() < until && !exited) await sleep(250);
    if (proc) try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    if (devServer) try { process.kill(-devServer, 'SIGKILL'); } catch { /* gone */ }
  };
  const reading = async (): Promise<Reading> => {
    const all = tree(proc!.pid!);
    const devTree = devServer ? new Set(tree(devServer)) : new Set<number>();
    const others = all.filter((p) => p !== service && !devTree.has(p) && vmRssKb(p) > 0);
    const r: Reading = {
      at: utc(),
      load: load(),
      serviceMb: mb(vmRssKb(service!)),
      othersMb: mb(others.reduce((a, p) => a + vmRssKb(p), 0)),
      others: others.map((p) => `${comm(p)} ${mb(vmRssKb(p)).toFixed(0)}`).join(', '),
      devServerMb: mb([...devTree].reduce((a, p) => a + vmRssKb(p), 0)),
      threads: o.threads ? readProbe(probeDir, service!, false) : [],
      gcThreads: [],
      cache: await stickyCache(metricsBind),
    };
    if (o.threads) {
      writeFileSync(join(probeDir, 'gc'), String(++gcRequests));
      await sleep(5000);
      r.gcThreads = readProbe(probeDir, service!, true);
      r.gcServiceMb = mb(vmRssKb(service!));
    }
    return r;
  };
  try {
    await launch();
    if (o.restart) {
      console.error(`[${v.label}] first start answered at ${utc()} (pid ${service}); stopping it and starting again on the same DATA_DIR`);
      await stop();
      await launch();
    }
    console.error(`[${v.label}] /health answered at ${utc()} (pid ${service}); reading in ${o.idle} s`);
    await sleep(o.idle * 1000);
    const idle = await reading();
    const result: Result = { variant: v, command, idle };
    if (o.episodes > 0) {
      const token = await mintDevToken(join(dataDir, 'auth', 'dev-signing-key.json'), {
        userId: 'memory', role: 'inpatientStaff', organisation: 'SE2321000115-AVD1', region: 'halland', audience: 'utskrivning-api',
      });
      const send = keepAlivePoster(base, o.concurrency, 120_000);
      const post = (path: string, body: unknown) => send(path, { 'content-type': 'application/json', authorization: `Bearer ${token}` }, JSON.stringify(body));
      const ready = localDateOf(new Date(Date.now() + 3 * 86_400_000));
      let next = 0;
      let done = 0;
      let failed = 0;
      let firstError: string | undefined;
      const t0 = Date.now();
      const one = async () => {
        const started = await post('/api/episodes', {
          region: 'halland', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '1380',
          inpatientUnit: 'SE2321000115-AVD1', primaryCareUnit: 'SE2321000115-VC01',
        });
        if (started.status >= 300) throw new Error(`POST /api/episodes: ${started.status} ${started.text.slice(0, 200)}`);
        const { episodeId } = JSON.parse(started.text) as { episodeId: string };
        const notice = await post(`/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate: ready });
        if (notice.status >= 300) throw new Error(`admission-notice: ${notice.status} ${notice.text.slice(0, 200)}`);
      };
      await Promise.all(Array.from({ length: o.concurrency }, async () => {
        while (next < o.episodes) {
          next++;
          await one().catch((err: Error) => { failed++; firstError ??= err.message; });
          if (++done % 100 === 0) console.error(`[${v.label}] ${done} episodes, ${((Date.now() - t0) / 1000).toFixed(0)} s, service ${mb(vmRssKb(service!)).toFixed(0)} MB`);
        }
      }));
      send.close();
      result.episodesSeconds = (Date.now() - t0) / 1000;
      result.failed = failed;
      result.firstError = firstError;
      await sleep(o.settle * 1000);
      result.after = await reading();
    }
    if (o.hold) {
      console.error(`[${v.label}] holding the service (pid ${service}, API ${base}, DATA_DIR ${dataDir}) for ${o.hold} s`);
      await sleep(o.hold * 1000);
    }
    return result;
  } finally {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- the table -----------------------------------------------------------------------------------

function cacheText(c: Reading['cache']): string {
  if (c.size === undefined) return '';
  return `cache ${c.size}${c.forcedEvictions ? `, ${c.forcedEvictions} forced evictions` : ''}`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const results: Result[] = [];
  for (const v of o.variants) results.push(await runVariant(v, o));
  const day = new Date().toISOString().slice(0, 10);
  console.log(`\nMemory of npm start's service process, ${day} (UTC), node ${process.version}; ${o.restart ? 'started twice on one DATA_DIR, read in the second run' : 'a fresh DATA_DIR'}; idle: ${o.idle} s after /health answered; after: ${o.episodes} episodes started + admission notice through the API, ${o.concurrency} at a time, read ${o.settle} s later.\n`);
  console.log('| variant | idle: service VmRSS (time, load average) | beside it (dev server) | after episodes: service VmRSS (time, load average) | episodes |');
  console.log('|---|---:|---|---:|---|');
  for (const r of results) {
    const vars = Object.entries(r.variant.env).map(([k, val]) => `${k}=${val}`).join(' ');
    const after = r.after ? `**${r.after.serviceMb.toFixed(0)} MB** (${r.after.at}, ${r.after.load})` : '';
    const eps = r.after ? `${r.episodesSeconds!.toFixed(0)} s, ${r.failed} failed${r.firstError ? ` (${r.firstError.slice(0, 120)})` : ''}; ${cacheText(r.after.cache)}` : '';
    console.log(`| ${r.variant.label}${vars ? ` (\`${vars}\`)` : ''} | **${r.idle.serviceMb.toFixed(0)} MB** (${r.idle.at}, ${r.idle.load}) | ${r.idle.othersMb.toFixed(0)} MB: ${r.idle.others || '–'} (dev server ${r.idle.devServerMb.toFixed(0)} MB) | ${after} | ${eps} |`);
  }
  if (o.threads) {
    console.log('\nBy thread (V8 heap used/total; the main thread also external memory, e.g. PGlite\'s WebAssembly memory), as read, then after a full garbage collection in every thread (and the service\'s VmRSS then):');
    for (const r of results) {
      for (const [when, x] of [['idle', r.idle], ['after', r.after]] as const) {
        if (!x) continue;
        console.log(`- ${r.variant.label}, ${when}: ${threadText(x.threads)}`);
        console.log(`  - after a full GC (VmRSS ${x.gcServiceMb?.toFixed(0)} MB): ${threadText(x.gcThreads)}`);
      }
    }
  }
  console.log(`\nCommand: ${results.map((r) => r.command).filter((c, i, a) => a.indexOf(c) === i).join('; ')}`);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
