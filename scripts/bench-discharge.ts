/**
 * `npm run bench:discharge` — throughput and latency of complete discharge episodes.
 *
 * Starts the service exactly as `npm start` does (`tsx src/main.ts`: Temporal dev server, worker,
 * PGlite ledger, HTTP API) with a temporary DATA_DIR and free ports, then:
 *   1. drives N complete episodes, C at a time, through the HTTP API;
 *   2. drives N more with the same actions issued directly as Temporal Updates (no API) against
 *      the same server and worker — the API/direct ratio is the API's overhead;
 * and writes the figures to BENCHMARKS.md (its discharge section; other sections are kept).
 *
 * Environment: BENCH_EPISODES (default 40), BENCH_CONCURRENCY (8), BENCH_WARMUP (2 per path,
 * not measured), BENCH_HISTORY_SAMPLE (10 per path and round), BENCH_ROUNDS (3: rounds of API then
 * direct phase, alternating, so that drift of the machine's speed affects both), BENCH_SETUP (`embedded`, the
 * default: npm start as it is; or `production`: API and worker as separate processes with the
 * ledger on a throwaway local PostgreSQL, as docker-compose runs them; or `cluster`: `npm run cluster`,
 * the Temporal server itself on PostgreSQL with two workers and two API processes, issue 20); BENCH_SERVICE_NODE_OPTIONS becomes the service's NODE_OPTIONS (e.g. `--require` a
 * profiler).
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { keepAlivePoster } from './lib/http-post';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ACTION_BODIES } from '../src/api/schemas/discharge';
import type { DischargeAction, DischargeActionType } from '../src/domain/discharge/actions';
import type { Message, StartEpisodeInput } from '../src/domain/discharge/types';
import { localDateOf } from '../src/domain/calendar';
import { patientAge, pseudonymousPatientRef, validatePatientIdentifier } from '../src/domain/identifiers';
import type { Party } from '../src/domain/obligations';
import { agreementOn, DEFAULT_REGIONS, findRegion } from '../src/domain/regions';
import { dataConverter } from '../src/temporal/codec';
import { toolVersions } from '../src/temporal/tools';
import { freePorts, portOpen, serviceEnv, spawnService } from './lib/service';
import { mintDevToken } from '../src/auth/tokens';
import type { Role } from '../src/auth/principal';
import { cmdlineOf, f1, f2, machineCpu, median, percentile, processCpu, type ProcessCpu, withDescendants, writeBenchmarkSection } from './lib/benchmarks';
import { postgresBinDir, startLocalPostgres } from './lib/local-postgres';
import { clusterPlan, temporalInternalPorts } from './lib/cluster-config';
import { loadOrCreateDevKey } from '../src/auth/tokens';
import { projectRoot } from '../src/temporal/tools';
import { dischargeStartAttributes, dischargeWorkflowType, type DischargeWorkflow, dischargeUpdates, dischargeWorkflowId, episodeQuery, type EpisodeView } from '../workflows/discharge/contract';

// ---- parameters ----------------------------------------------------------------------------------

function intEnv(name: string, def: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${name} must be an integer >= ${min} (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

const N = intEnv('BENCH_EPISODES', 40, 1);
const C = intEnv('BENCH_CONCURRENCY', 8, 1);
const WARMUP = intEnv('BENCH_WARMUP', 2, 0);
const HISTORY_SAMPLE = intEnv('BENCH_HISTORY_SAMPLE', 10, 1);
/** rounds of (API phase, direct phase), alternating; figures are over all rounds */
const ROUNDS = intEnv('BENCH_ROUNDS', 3, 1);
/**
 * What runs the service: `embedded` — `npm start` as it is (one process: API, worker, dev server,
 * PGlite ledger); `production` — the docker-compose layout on this machine: the ledger on
 * PostgreSQL (a throwaway local server from the machine's postgresql package) and the API and
 * the worker as separate processes (ROLE=api, ROLE=worker), on the same dev server.
 */
const SETUP = process.env.BENCH_SETUP || 'embedded';
if (SETUP !== 'embedded' && SETUP !== 'production' && SETUP !== 'cluster') {
  console.error(`BENCH_SETUP must be embedded, production or cluster (got ${JSON.stringify(SETUP)})`);
  process.exit(2);
}
const SETUP_TEXT =
  SETUP === 'cluster'
    ? `npm run cluster (issue 20): Temporal server ${clusterPlan({ PATH: process.env.PATH, CLUSTER_LOCAL_IDP: '1' }).versions.temporalServer} (built from the Go module) on PostgreSQL ${postgresVersion()} (persistence, SQL visibility and the ledger; local, throwaway, fsync off), two worker processes and two API processes behind one port (Node's cluster module)`
    : SETUP === 'production'
    ? `production layout: API and worker as separate processes (ROLE=api, ROLE=worker), ledger on PostgreSQL ${postgresVersion()} (the machine's package, local, throwaway, fsync off) as DATABASE_URL`
    : 'embedded (npm start): API and worker in one process, ledger on PGlite in that process';

const REGION = findRegion(DEFAULT_REGIONS, 'halland')!;
const MUNICIPALITY = '1380';
const INPATIENT = 'SE2321000115-AVD1';
const PRIMARY_CARE = 'SE2321000115-VC01';
const PATIENT = { kind: 'personnummer' as const, value: '19121212-1212' };
const PSEUDONYM_KEY = 'benchmark-only-pseudonym-key-0123456789';
// every service this benchmark starts, and its own client, use one payload key (the cluster runs as
// production, which refuses the public development key); PAYLOAD_KEYS from the environment wins
process.env.PAYLOAD_KEYS ||= `bench-1:${createHash('sha256').update('benchmark-only payload key').digest('base64')}`;
const TASK_QUEUE = 'utskrivning';
const NAMESPACE = 'default';
const ACTOR = { userId: 'bench', organisation: 'benchmark' };

const TARGET_RATIO = 1.3;
const TARGET_ACTIONS_PER_S = 50;
const TARGET_HISTORY_EVENTS = 300;

function postgresVersion(): string {
  const bin = postgresBinDir();
  return bin ? bin.split('/').at(-2)! : '(not installed)';
}

// ---- the service under test ----------------------------------------------------------------------

interface ServiceProcess {
  /** `cluster`: the supervisor of `npm run cluster` */
  role: 'all' | 'worker' | 'api' | 'cluster';
  proc: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

interface Service {
  /** `all` (embedded), or `worker` then `api` (production), or `cluster` */
  procs: ServiceProcess[];
  dataDir: string;
  /** the signing key of the development tokens the API accepts */
  keyFile: string;
  base: string;
  temporalAddress: string;
  output: () => string;
}

/**
 * embedded: one `tsx src/main.ts` (ROLE=all): dev server, worker, PGlite ledger and API.
 * production: the ledger on `databaseUrl`; a ROLE=worker process (it starts the dev server, as
 * npm start would) and a ROLE=api process using that dev server (TEMPORAL_ADDRESS).
 */
async function startService(databaseUrl: string | undefined): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'utskrivning-bench-'));
  const [port, dev, ui, metrics] = await freePorts(4);
  const common = {
    PORT: String(port),
    DATA_DIR: dataDir,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    TEMPORAL_NAMESPACE: NAMESPACE,
    PSEUDONYM_KEY,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    // profiling aid, e.g. BENCH_SERVICE_NODE_OPTIONS='--require ./profiler.cjs'
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
  };
  const devServerEnv = { TEMPORAL_DEV_PORT: String(dev), TEMPORAL_UI_PORT: String(ui), TEMPORAL_METRICS_BIND: `127.0.0.1:${metrics}` };
  const spawnRole = (role: ServiceProcess['role'], env: Record<string, string>): ServiceProcess => {
    const child = spawnService({ ...common, ...env, ROLE: role });
    return { role, proc: child.proc, exited: child.exited.then((x) => x.code), output: () => (child.out() + child.err()).slice(-20_000) };
  };
  const procs: ServiceProcess[] = [];
  const svc: Service = {
    procs,
    dataDir,
    keyFile: join(dataDir, 'auth', 'dev-signing-key.json'),
    base: `http://127.0.0.1:${port}`,
    temporalAddress: `127.0.0.1:${dev}`,
    output: () => procs.map((p) => `--- ${p.role}:\n${p.output()}`).join('\n'),
  };
  const deadline = Date.now() + 120_000;
  const waitFor = async (what: string, ready: () => Promise<boolean>) => {
    let gone: ServiceProcess | undefined;
    for (const p of procs) void p.exited.then(() => (gone ??= p));
    for (;;) {
      if (gone) throw new Error(`the ${gone.role} process exited during start-up:\n${svc.output()}`);
      if (Date.now() > deadline) throw new Error(`${what} not ready within 120 s:\n${svc.output()}`);
      if (await ready()) return;
      await sleep(250);
    }
  };
  const healthy = () => fetch(`${svc.base}/health`, { signal: AbortSignal.timeout(3000) }).then((r) => r.status === 200, () => false);
  try {
    if (SETUP === 'embedded') {
      procs.push(spawnRole('all', devServerEnv));
      await waitFor('the service', healthy);
    } else {
      procs.push(spawnRole('worker', devServerEnv));
      // the worker process has started the dev server and registered the search attributes once
      // its worker polls; the API process then uses that dev server
      await waitFor('the worker process', () => Connection.connect({ address: svc.temporalAddress, connectTimeout: 1000 }).then(async (c) => {
        const polled = await c.workflowService.describeTaskQueue({ namespace: NAMESPACE, taskQueue: { name: TASK_QUEUE }, taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW }).then((r) => (r.pollers?.length ?? 0) > 0, () => false);
        await c.close();
        return polled;
      }, () => false));
      procs.push(spawnRole('api', { TEMPORAL_ADDRESS: svc.temporalAddress }));
      await waitFor('the API process', healthy);
    }
    return svc;
  } catch (err) {
    await stopService(svc);
    throw err;
  }
}

/**
 * `npm run cluster` (scripts/cluster.ts, as package.json runs it after setup) with a temporary
 * DATA_DIR and free ports, as the cluster suite's helper starts it (test/helpers/cluster.ts);
 * its API accepts development tokens of a key this function creates.
 */
async function startCluster(): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'utskrivning-bench-cluster-'));
  chmodSync(dataDir, 0o755); // the postgres user must reach DATA_DIR/cluster
  const keyFile = join(dataDir, 'auth', 'dev-signing-key.json');
  await loadOrCreateDevKey(keyFile);
  let ports: Record<string, string>;
  for (;;) {
    const [api, ui, postgres, metrics, idp] = await freePorts(5);
    // the server's membership ports (frontend − 300 …) must fit a smallint (cluster-config.ts): not an ephemeral port
    const temporal = 20_000 + Math.floor(Math.random() * 12_000);
    const derived = [temporal, ...Object.values(temporalInternalPorts(temporal)), metrics! + 1];
    if (!(await Promise.all(derived.map(portOpen))).some(Boolean)) {
      ports = { PORT: String(api), CLUSTER_TEMPORAL_PORT: String(temporal), CLUSTER_UI_PORT: String(ui), CLUSTER_POSTGRES_PORT: String(postgres), CLUSTER_WORKER_METRICS_PORT: String(metrics), CLUSTER_IDP_PORT: String(idp) };
      break;
    }
  }
  const env = {
    ...ports,
    DATA_DIR: dataDir,
    PSEUDONYM_KEY,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    AUTH_DEV_KEY_FILE: keyFile,
    // the cluster's own identity provider serves this key's public half (where the cluster has one)
    CLUSTER_LOCAL_IDP: '1',
    CLUSTER_POSTGRES_FSYNC: 'off',
    ...(process.env.BENCH_SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS } : {}),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], { cwd: projectRoot, env: serviceEnv({ ...env, LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const svc: Service = {
    procs: [{ role: 'cluster', proc, exited, output: () => out.slice(-20_000) }],
    dataDir,
    keyFile,
    base: `http://127.0.0.1:${ports.PORT}`,
    temporalAddress: `127.0.0.1:${ports.CLUSTER_TEMPORAL_PORT}`,
    output: () => `--- cluster:\n${out.slice(-20_000)}`,
  };
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 300_000;
  while (!out.includes('Utskrivning is running (cluster')) {
    if (gone || Date.now() > deadline) {
      await stopService(svc);
      throw new Error(`npm run cluster ${gone ? 'exited during start-up' : 'not up within 300 s'}:\n${out}`);
    }
    await sleep(250);
  }
  return svc;
}

/** The cluster's processes by name (DATA_DIR/cluster/processes.json: supervisor, temporal, worker-1, api-1, …). */
function clusterProcesses(dataDir: string): Record<string, number> {
  const file = join(dataDir, 'cluster', 'processes.json');
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>) : {};
  } catch {
    return {}; // being replaced
  }
}

/** Stops the API first, then the worker (and with it the dev server); the worst exit code. */
async function stopService(svc: Service): Promise<number | null> {
  const codes: (number | null)[] = [];
  for (const p of [...svc.procs].reverse()) {
    // the cluster's supervisor stops its processes in order on Ctrl-C, sent to its group as a terminal would
    if (p.role === 'cluster' && p.proc.exitCode === null && p.proc.signalCode === null) {
      try { process.kill(-p.proc.pid!, 'SIGINT'); } catch { /* gone */ }
    } else if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGINT');
    const code = await Promise.race([p.exited, sleep(p.role === 'cluster' ? 120_000 : 30_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') {
      try { process.kill(-p.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    }
    codes.push(code === 'timeout' ? null : code);
  }
  // the dev server has its own process group; only ours mention our temporary DATA_DIR
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(svc.dataDir)) process.kill(Number(entry), 'SIGKILL');
    } catch { /* gone meanwhile */ }
  }
  rmSync(svc.dataDir, { recursive: true, force: true });
  return codes.find((c) => c !== 0) ?? 0;
}

// ---- the episode, as staff would drive it ----------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** The Swedish date (between 23:00 and 24:00 UTC, 22:00 in summer, the UTC one is a day behind). */
const today = () => localDateOf(new Date());
const daysFromNow = (d: number) => new Date(Date.now() + d * 86_400_000);

interface Driver {
  /** starts an episode; returns its id */
  start(i: number): Promise<string>;
  /** one staff action (a Workflow Update); returns the new state */
  act(episodeId: string, type: DischargeActionType, body: Record<string, unknown>): Promise<EpisodeView>;
}

interface Sample {
  type: DischargeActionType | 'start';
  ms: number;
}

class ActionError extends Error {}

/**
 * Signs each request in as the party who sends it (docs/domain.md §10), with development tokens of
 * the service's own key (DATA_DIR/auth), minted once per party before the clock starts.
 */
async function partyTokens(keyFile: string): Promise<(type: Sample['type'], body: unknown) => string> {
  const mint = (role: Role, organisation: string) => mintDevToken(keyFile, { userId: ACTOR.userId, role, organisation, region: REGION.id, audience: 'utskrivning-api' });
  const byKind: Record<string, string> = {
    inpatient: await mint('inpatientStaff', INPATIENT),
    primaryCare: await mint('primaryCareStaff', PRIMARY_CARE),
    municipality: await mint('municipalityStaff', MUNICIPALITY),
  };
  const PRIMARY_CARE_STEPS = new Set(['appointNamedCareContact', 'sendInvitation', 'recordPlanningMeeting', 'recordSip', 'completeSip']);
  return (type, body) => {
    const named = (body as { party?: Party } | undefined)?.party;
    return byKind[named ? named.kind : PRIMARY_CARE_STEPS.has(type) ? 'primaryCare' : 'inpatient']!;
  };
}

/**
 * The staff's side of the API phase: plain HTTP/1.1 requests over kept-alive connections, one
 * per concurrent episode. (node:http rather than fetch: the load generator shares this machine's
 * two CPUs with the service, and fetch took 3.2–3.7 ms of CPU time per request against 2.0–2.2 for this.)
 */
function httpDriver(base: string, samples: Sample[], tokenFor: (type: Sample['type'], body: unknown) => string): Driver {
  const send = keepAlivePoster(base, C, 60_000);
  async function post(type: Sample['type'], path: string, body: unknown): Promise<unknown> {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${tokenFor(type, body)}` };
    const t0 = performance.now();
    const r = await send(path, headers, JSON.stringify(body));
    const json = JSON.parse(r.text) as unknown;
    samples.push({ type, ms: performance.now() - t0 });
    if (r.status >= 300) throw new ActionError(`${type}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return json;
  }
  return {
    async start() {
      const r = (await post('start', '/api/episodes', {
        region: REGION.id,
        patient: PATIENT,
        residenceMunicipality: MUNICIPALITY,
        inpatientUnit: INPATIENT,
        primaryCareUnit: PRIMARY_CARE,
      })) as { episodeId: string };
      return r.episodeId;
    },
    async act(episodeId, type, body) {
      return (await post(type, `/api/episodes/${episodeId}/${ACTION_BODIES[type].path}`, body)) as EpisodeView;
    },
  };
}

/** The same actions straight to Temporal, with the StartEpisodeInput the API builds (src/api/routes/discharge.ts). */
function directDriver(client: Client, phase: string, samples: Sample[]): Driver {
  const handles = new Map<string, WorkflowHandle>();
  return {
    async start(i) {
      const t0 = performance.now();
      const patient = validatePatientIdentifier(PATIENT);
      if (!patient.ok) throw new Error(patient.error);
      const episodeId = `bench-${phase}-${process.pid}-${Date.now().toString(36)}-${i}`;
      const admittedAt = new Date().toISOString();
      const input: StartEpisodeInput = {
        episodeId,
        region: REGION.id,
        patient: patient.value,
        patientRef: pseudonymousPatientRef(patient.value, PSEUDONYM_KEY),
        patientAgeAtAdmission: patientAge(patient.value, localDateOf(new Date(admittedAt))),
        residenceMunicipality: MUNICIPALITY,
        outOfCounty: false,
        inpatientUnit: INPATIENT,
        primaryCareUnit: PRIMARY_CARE,
        psychiatric: false,
        homeHealthCare: 'none',
        admittedAt,
        actor: ACTOR,
        settings: REGION.process,
        agreements: REGION.agreements,
      };
      const handle = await client.workflow.start<DischargeWorkflow>(dischargeWorkflowType, {
        workflowId: dischargeWorkflowId(episodeId),
        taskQueue: TASK_QUEUE,
        args: [input],
        typedSearchAttributes: dischargeStartAttributes(input),
      });
      samples.push({ type: 'start', ms: performance.now() - t0 });
      handles.set(episodeId, handle);
      return episodeId;
    },
    async act(episodeId, type, body) {
      const handle = handles.get(episodeId) ?? client.workflow.getHandle(dischargeWorkflowId(episodeId));
      const action = { ...body, type, actor: ACTOR } as DischargeAction;
      const t0 = performance.now();
      try {
        await handle.executeUpdate(dischargeUpdates[type] as never, { args: [action] as never });
      } catch (err) {
        throw new ActionError(`${type}: ${(err as Error).message} ${((err as Error).cause as Error | undefined)?.message ?? ''}`);
      } finally {
        samples.push({ type, ms: performance.now() - t0 });
      }
      // The Update answers compactly (issue 21); the episode's next steps need its messages, read
      // by query outside the timed part (its CPU still counts in the phase's CPU per request).
      return handle.query(episodeQuery);
    },
  };
}

const needsTreatmentPlan = (date: string) => agreementOn(REGION, date)?.requiresTreatmentPlan ?? false;

/** One complete episode (docs/domain.md §4, flow a with consent), every message acknowledged by every recipient. */
async function runEpisode(d: Driver, i: number): Promise<string> {
  const id = await d.start(i);
  const ackAll = async (v: EpisodeView, type: Message['type']) => {
    const m = [...v.messages].reverse().find((x) => x.type === type);
    if (!m) throw new ActionError(`no ${type} message to acknowledge`);
    for (const party of m.recipients as Party[]) await d.act(id, 'acknowledge', { messageId: m.messageId, party });
  };
  let v = await d.act(id, 'admissionNotice', { expectedReadyDate: localDateOf(daysFromNow(3)) });
  await ackAll(v, 'admissionNotice'); // municipality + primary care
  await d.act(id, 'appointNamedCareContact', { party: { kind: 'primaryCare', id: PRIMARY_CARE }, contact: 'Distriktssköterska Bench' });
  v = await d.act(id, 'planningNeeded', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
  await ackAll(v, 'planningNeeded'); // municipality + primary care
  v = await d.act(id, 'sendInvitation', {
    sender: { kind: 'primaryCare', id: PRIMARY_CARE },
    meetingAt: daysFromNow(1).toISOString(),
    place: 'Avdelning 1, Hallands sjukhus Halmstad',
    mode: 'video',
    location: 'hospital',
    inviteInpatient: false,
  });
  await ackAll(v, 'planningInvitation'); // municipality
  await d.act(id, 'recordPlanningMeeting', {});
  await d.act(id, 'recordSip', {
    coordinator: 'Samordnare Bench',
    responsibilities: [
      { party: 'Halmstads kommun', responsibility: 'Hemtjänst morgon och kväll' },
      { party: 'Vårdcentralen', responsibility: 'Läkemedelsgenomgång inom 14 dagar' },
    ],
    selfCareAssessment: true,
  });
  await d.act(id, 'updateChecklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
  if (needsTreatmentPlan(today())) {
    // the treatment plan is sent to the parties, who acknowledge it (002)
    v = await d.act(id, 'recordTreatmentPlan', {});
    await ackAll(v, 'treatmentPlan');
  }
  v = await d.act(id, 'markReady', { readyDate: today() });
  await ackAll(v, 'readyForDischarge'); // municipality + primary care
  v = await d.act(id, 'discharge', { sendNotice: true });
  await ackAll(v, 'dischargeNotice'); // municipality + primary care
  await d.act(id, 'completeSip', {});
  return id;
}

interface PhaseResult {
  name: string;
  episodes: number;
  failed: string[];
  completed: number;
  wallS: number;
  samples: Sample[];
  history: { events: number; bytes: number; updateResultBytes: number }[];
  /** actions of the (unmeasured) warm-up episodes, for the CPU accounting */
  warmupActions: number;
}

async function pool<T>(items: number[], concurrency: number, fn: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const k = next++;
        try {
          results[k] = { status: 'fulfilled', value: await fn(items[k]) };
        } catch (reason) {
          results[k] = { status: 'rejected', reason };
        }
      }
    }),
  );
  return results;
}

async function runPhase(name: string, client: Client, makeDriver: (samples: Sample[]) => Driver): Promise<PhaseResult> {
  const warmSamples: Sample[] = [];
  if (WARMUP > 0) {
    const warm = await pool(Array.from({ length: WARMUP }, (_, i) => 10_000 + i), C, (i) => runEpisode(makeDriver(warmSamples), i));
    const bad = warm.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (bad) throw new Error(`${name} warm-up episode failed: ${(bad.reason as Error).message}`);
  }
  const samples: Sample[] = [];
  const driver = makeDriver(samples);
  const t0 = performance.now();
  const results = await pool(Array.from({ length: N }, (_, i) => i), C, (i) => runEpisode(driver, i));
  const wallS = (performance.now() - t0) / 1000;
  const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));

  // every episode must have run to its end: the workflow completes once everything is settled
  const ends = await pool(ids.map((_, k) => k), C, async (k) => {
    const h = client.workflow.getHandle(dischargeWorkflowId(ids[k]));
    const res = await Promise.race([h.result().then(() => 'completed' as const), sleep(30_000).then(() => 'timeout' as const)]);
    return res;
  });
  const completed = ends.filter((r) => r.status === 'fulfilled' && r.value === 'completed').length;

  const history: PhaseResult['history'] = [];
  for (const id of ids.slice(0, HISTORY_SAMPLE)) {
    const h = await client.workflow.getHandle(dischargeWorkflowId(id)).fetchHistory();
    const updateResultBytes = (h.events ?? [])
      .filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
      .reduce((n, e) => n + temporal.api.history.v1.HistoryEvent.encode(e).finish().length, 0);
    history.push({ events: h.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(h).finish().length, updateResultBytes });
  }
  return { name, episodes: N, failed, completed, wallS, samples, history, warmupActions: warmSamples.length };
}

/** The rounds of one path as one result: their episodes, samples and wall times added up. */
function mergeRounds(rs: PhaseResult[]): PhaseResult {
  return {
    name: rs[0]!.name,
    episodes: rs.reduce((n, r) => n + r.episodes, 0),
    failed: rs.flatMap((r) => r.failed),
    completed: rs.reduce((n, r) => n + r.completed, 0),
    wallS: rs.reduce((n, r) => n + r.wallS, 0),
    samples: rs.flatMap((r) => r.samples),
    history: rs.flatMap((r) => r.history),
    warmupActions: rs.reduce((n, r) => n + r.warmupActions, 0),
  };
}

// ---- CPU accounting: was the machine ours? ----------------------------------------------------------

interface CpuSnapshot {
  /** jiffies of the whole machine: busy and total */
  busy: number;
  /** jiffies the hypervisor gave to other guests while ours wanted the CPU (part of busy) */
  steal: number;
  total: number;
  /** jiffies (user + system) of this process and all its descendants (client, service, dev server) and of the local PostgreSQL server */
  ours: number;
  client: number;
  devServer: number;
  /** the local PostgreSQL server's processes (BENCH_SETUP=production and cluster), 0 otherwise */
  ledger: number;
  /** jiffies of each named process of the service (its own, not its children's): where the CPU goes */
  byName: Record<string, number>;
}

/** The service's processes by name, for the CPU per process (set once the service runs). */
let namedProcesses: () => Record<string, number> = () => ({});
/** The Temporal server's process: the CLI's dev server, or the Go-built server of the cluster. */
const isTemporalServer = (comm: string) => comm === 'temporal' || comm === 'temporal-server';

/**
 * Each named process of the service with its descendants (e.g. `tsx`'s node child, a bundling
 * child), without the Temporal server, PostgreSQL and the other named processes and theirs.
 */
function serviceTrees(procs: Map<number, ProcessCpu>): Map<string, Set<number>> {
  const named = namedProcesses();
  const namedPids = new Set(Object.values(named));
  const trees = new Map<string, Set<number>>();
  for (const [name, root] of Object.entries(named)) {
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of procs) {
        if (tree.has(pid) || !tree.has(p.ppid) || namedPids.has(pid) || isTemporalServer(p.comm) || p.comm === 'postgres') continue;
        tree.add(pid);
        grew = true;
      }
    }
    trees.set(name, tree);
  }
  return trees;
}

const vmRssKb = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; } };

/** Resident memory of each named process of the service: its largest process (the one that serves) and its whole tree, in MB. */
function serviceRss(): Record<string, { largestMb: number; treeMb: number }> {
  const out: Record<string, { largestMb: number; treeMb: number }> = {};
  for (const [name, pids] of serviceTrees(processCpu())) {
    const kb = [...pids].map(vmRssKb);
    out[name] = { largestMb: Math.max(0, ...kb) / 1024, treeMb: kb.reduce((a, b) => a + b, 0) / 1024 };
  }
  return out;
}

/** `ledgerDir`: the local PostgreSQL cluster, whose server processes are not our children. */
function cpuSnapshot(ledgerDir?: string): CpuSnapshot {
  const machine = machineCpu();
  const procs = processCpu();
  const ledgerPids = ledgerDir ? withDescendants(procs, [...procs.keys()].filter((pid) => procs.get(pid)!.comm === 'postgres' && cmdlineOf(pid).includes(ledgerDir))) : new Set<number>();
  const mine = withDescendants(procs, [process.pid, ...ledgerPids]);
  let ours = 0;
  let devServer = 0;
  let ledger = 0;
  for (const pid of mine) {
    const p = procs.get(pid);
    ours += p?.jiffies ?? 0;
    if (p && isTemporalServer(p.comm)) devServer += p.jiffies;
    if (ledgerPids.has(pid)) ledger += p?.jiffies ?? 0;
  }
  const byName: Record<string, number> = {};
  for (const [name, pids] of serviceTrees(procs)) byName[name] = [...pids].reduce((n, pid) => n + (procs.get(pid)?.jiffies ?? 0), 0);
  return { ...machine, ours, client: procs.get(process.pid)?.jiffies ?? 0, devServer, ledger, byName };
}

function cpuShare(a: CpuSnapshot, b: CpuSnapshot) {
  const total = Math.max(1, b.total - a.total);
  const busy = (b.busy - a.busy) / total;
  const steal = (b.steal - a.steal) / total;
  const ours = Math.min(busy, (b.ours - a.ours) / total);
  /** CPU seconds of each part of this benchmark (USER_HZ = 100 on Linux) */
  const seconds = (x: number) => x / 100;
  return {
    busy,
    steal,
    ours,
    others: Math.max(0, busy - ours),
    clientS: seconds(b.client - a.client),
    devServerS: seconds(b.devServer - a.devServer),
    ledgerS: seconds(b.ledger - a.ledger),
    serviceS: seconds(b.ours - a.ours - (b.client - a.client) - (b.devServer - a.devServer) - (b.ledger - a.ledger)),
    /** processes present at both ends (one restarted in between is left out) */
    byNameS: Object.fromEntries(Object.keys(b.byName).filter((k) => k in a.byName && b.byName[k]! >= a.byName[k]!).map((k) => [k, seconds(b.byName[k]! - a.byName[k]!)])),
  };
}

// ---- figures and the report ------------------------------------------------------------------------

function stats(r: PhaseResult) {
  const actions = r.samples.filter((s) => s.type !== 'start').map((s) => s.ms).sort((a, b) => a - b);
  const starts = r.samples.filter((s) => s.type === 'start').map((s) => s.ms).sort((a, b) => a - b);
  const ok = r.episodes - r.failed.length;
  return {
    ok,
    actions: actions.length,
    actionsPerEpisode: ok ? actions.length / r.episodes : 0,
    episodesPerS: ok / r.wallS,
    actionsPerS: actions.length / r.wallS,
    p50: percentile(actions, 50),
    p95: percentile(actions, 95),
    p99: percentile(actions, 99),
    max: actions[actions.length - 1] ?? NaN,
    startP50: percentile(starts, 50),
    eventsMedian: median(r.history.map((h) => h.events)),
    eventsMax: Math.max(...r.history.map((h) => h.events)),
    bytesMedian: median(r.history.map((h) => h.bytes)),
    bytesMax: Math.max(...r.history.map((h) => h.bytes)),
    updateResultShare: r.history.reduce((n, h) => n + h.updateResultBytes, 0) / Math.max(1, r.history.reduce((n, h) => n + h.bytes, 0)),
  };
}

function perTypeP50(r: PhaseResult): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const s of r.samples) by.set(s.type, [...(by.get(s.type) ?? []), s.ms]);
  return new Map([...by].map(([k, v]) => [k, median(v)]));
}

const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
const met = (ok: boolean) => (ok ? '**met**' : '**NOT met**');

type CpuShare = ReturnType<typeof cpuShare>;

/** The CPU seconds of several stretches added up (the shares are not used per phase). */
/** What the parts are called in each setup. */
const PARTS = {
  service: SETUP === 'cluster' ? 'service (2 API processes, their supervisor, 2 worker processes)' : SETUP === 'production' ? 'service (API process + worker process)' : 'service (API + worker + ledger)',
  ledger: SETUP === 'cluster' ? 'PostgreSQL server (Temporal persistence, visibility and the ledger)' : 'PostgreSQL server',
  temporal: SETUP === 'cluster' ? 'Temporal server' : 'Temporal dev server',
};
const hasLedgerServer = SETUP !== 'embedded';

function sumSeconds(xs: CpuShare[]): CpuShare {
  const sum = (pick: (x: CpuShare) => number) => xs.reduce((n, x) => n + pick(x), 0);
  return { ...xs[0]!, clientS: sum((x) => x.clientS), devServerS: sum((x) => x.devServerS), ledgerS: sum((x) => x.ledgerS), serviceS: sum((x) => x.serviceS) };
}

/**
 * CPU time per request of each part, per phase (incl. its warm-up and history sampling): under a
 * closed loop that keeps the CPUs busy, latency follows the CPU time a request costs in total, so
 * this shows where the two paths differ.
 */
function cpuRows(c: { api: CpuShare; direct: CpuShare }, requests: { api: number; direct: number }): string[] {
  const ms = (phase: 'api' | 'direct', x: number) => `${f1((1000 * x) / Math.max(1, requests[phase]))} ms`;
  const row = (label: string, pick: (x: CpuShare) => number) => `| CPU per request: ${label} | ${ms('api', pick(c.api))} | ${ms('direct', pick(c.direct))} | ${f2(pick(c.api) / requests.api / (pick(c.direct) / requests.direct))} |`;
  return [
    row(PARTS.service, (x) => x.serviceS),
    ...(hasLedgerServer ? [row(PARTS.ledger, (x) => x.ledgerS)] : []),
    row(PARTS.temporal, (x) => x.devServerS),
    row('benchmark client', (x) => x.clientS),
    row('all of these', (x) => x.serviceS + x.ledgerS + x.devServerS + x.clientS),
  ];
}

function report(
  api: PhaseResult,
  direct: PhaseResult,
  meta: { startedAt: Date; totalS: number; serviceExit: number | null | undefined; loadBefore: number; cpu: CpuShare; cpuByPhase: { api: CpuShare; direct: CpuShare }; rss: { start: ReturnType<typeof serviceRss>; end: ReturnType<typeof serviceRss> } },
): string {
  const a = stats(api);
  const d = stats(direct);
  const ratio = a.p50 / d.p50;
  const typicalEvents = median([...api.history, ...direct.history].map((h) => h.events));
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const apiTypes = perTypeP50(api);
  const directTypes = perTypeP50(direct);
  const busyMachine = meta.cpu.others > 0.15;
  const allRequests = api.samples.length + direct.samples.length + api.warmupActions + direct.warmupActions;
  const clean = api.failed.length === 0 && direct.failed.length === 0 && api.completed === api.episodes && direct.completed === direct.episodes;

  const lines = [
    SETUP === 'cluster'
      ? '## Discharge episodes on the cluster (`BENCH_SETUP=cluster npm run bench:discharge`)'
      : SETUP === 'production'
      ? '## Discharge episodes, production layout (`BENCH_SETUP=production npm run bench:discharge`)'
      : '## Discharge episodes (`npm run bench:discharge`)',
    '',
    `Run ${meta.startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} · ${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · ${process.platform}/${process.arch} · ${SETUP === 'cluster' ? 'Temporal server of npm run cluster' : `Temporal CLI dev server ${toolVersions.temporalCli} (SQLite)`} · ${SETUP_TEXT} · ` +
      `N = ${N} episodes per path${ROUNDS > 1 ? ` in each of ${ROUNDS} rounds (API phase, then direct phase, alternating; figures over all rounds)` : ''}, C = ${C} concurrent, warm-up ${WARMUP} per path${ROUNDS > 1 ? ' and round' : ''} (not measured), history sampled from ${HISTORY_SAMPLE} episodes per path${ROUNDS > 1 ? ' and round' : ''} · whole run ${meta.totalS.toFixed(0)} s.`,
    '',
    `Machine during the measured phases: CPUs ${pct(meta.cpu.busy)} busy — this benchmark's processes (client, service, ${SETUP === 'cluster' ? 'Temporal server' : 'dev server'}${hasLedgerServer ? ', PostgreSQL' : ''}) ${pct(meta.cpu.ours)}, ` +
      `other processes ${pct(Math.max(0, meta.cpu.others - meta.cpu.steal))}, stolen by the hypervisor ${pct(meta.cpu.steal)}; load average before the run ${meta.loadBefore.toFixed(2)}.` +
      (busyMachine ? ' **Other work competed for the CPUs, so these figures understate what the machine does alone.**' : ''),
    `CPU time per request, both phases (${allRequests} requests incl. starts and warm-up): ${PARTS.service} ${f1((1000 * meta.cpu.serviceS) / allRequests)} ms, ` +
      (hasLedgerServer ? `${PARTS.ledger} ${f1((1000 * meta.cpu.ledgerS) / allRequests)} ms, ` : '') +
      `${PARTS.temporal} ${f1((1000 * meta.cpu.devServerS) / allRequests)} ms, benchmark client ${f1((1000 * meta.cpu.clientS) / allRequests)} ms` +
      ` — with ${availableParallelism()} CPUs to itself this setup could do at most about ${f1((availableParallelism() * allRequests) / (meta.cpu.serviceS + meta.cpu.ledgerS + meta.cpu.devServerS + meta.cpu.clientS))} requests/s.` +
      (Object.keys(meta.cpu.byNameS).length
        ? ` By process (CPU time per request, both phases): ${Object.entries(meta.cpu.byNameS).map(([k, v]) => `${k} ${f1((1000 * v) / allRequests)} ms`).join(', ')}.`
        : ''),
    `Resident memory (VmRSS) of the service's processes once it answered, before the first episode → after the run's ${api.episodes + direct.episodes + 2 * ROUNDS * WARMUP} episodes: ` +
      Object.keys(meta.rss.end).map((k) => { const a = meta.rss.start[k]; const b = meta.rss.end[k]!; return `${k} ${a ? f1(a.largestMb) : '–'} → ${f1(b.largestMb)} MB${b.treeMb > b.largestMb + 1 ? ` (with its child processes ${a ? f1(a.treeMb) : '–'} → ${f1(b.treeMb)} MB)` : ''}`; }).join(', ') + '.',
    '',
    'One episode = start + the staff actions of a complete discharge, flow (a) with consent (docs/domain.md §4): admission notice, ' +
      'acknowledgements ×2, named care contact, planning needed, acknowledgements ×2, invitation (municipality only), acknowledgement, planning meeting, SIP, ' +
      `checklist, ${needsTreatmentPlan(today()) ? 'treatment plan, ' : ''}ready, acknowledgements ×2, discharge with notice, acknowledgements ×2, SIP completed — ` +
      `${f1(a.actionsPerEpisode)} staff actions (Workflow Updates) per episode; the workflow then completes. ` +
      (SETUP === 'cluster'
        ? '"API" = HTTP requests to the cluster\'s one API port (Node\'s cluster module hands each connection to one of the two API processes), which send each action through the Temporal server to one of the two workers; '
        : SETUP === 'production'
        ? '"API" = HTTP requests to the API process (ROLE=api), which sends each action to the worker process (ROLE=worker) through the dev server; '
        : '"API" = HTTP requests to the running service (`npm start`: API, worker and dev server in one process tree); ') +
      '"direct" = the same actions as `handle.executeUpdate` from the benchmark process, same server and worker, run after the API phase. ' +
      'Latency = one action from request to full response; throughput = actions / wall time of the phase (starts not counted).',
    '',
    '| | API | direct | API / direct |',
    '|---|---:|---:|---:|',
    `| episodes completed (workflow closed) | ${api.completed} / ${api.episodes} | ${direct.completed} / ${direct.episodes} | |`,
    `| failed episodes | ${api.failed.length} | ${direct.failed.length} | |`,
    `| wall time | ${f1(api.wallS)} s | ${f1(direct.wallS)} s | ${f2(api.wallS / direct.wallS)} |`,
    `| episodes / s | ${f2(a.episodesPerS)} | ${f2(d.episodesPerS)} | ${f2(a.episodesPerS / d.episodesPerS)} |`,
    `| staff actions / s | ${f1(a.actionsPerS)} | ${f1(d.actionsPerS)} | ${f2(a.actionsPerS / d.actionsPerS)} |`,
    `| action latency p50 | ${f1(a.p50)} ms | ${f1(d.p50)} ms | **${f2(ratio)}** |`,
    `| action latency p95 | ${f1(a.p95)} ms | ${f1(d.p95)} ms | ${f2(a.p95 / d.p95)} |`,
    `| action latency p99 | ${f1(a.p99)} ms | ${f1(d.p99)} ms | ${f2(a.p99 / d.p99)} |`,
    `| action latency max | ${f1(a.max)} ms | ${f1(d.max)} ms | |`,
    `| episode start p50 | ${f1(a.startP50)} ms | ${f1(d.startP50)} ms | ${f2(a.startP50 / d.startP50)} |`,
    `| history events / episode (median, max) | ${a.eventsMedian}, ${a.eventsMax} | ${d.eventsMedian}, ${d.eventsMax} | |`,
    `| history bytes / episode (median, max) | ${a.bytesMedian}, ${a.bytesMax} | ${d.bytesMedian}, ${d.bytesMax} | |`,
    `| … of which Update results (stored answers of the actions) | ${pct(a.updateResultShare)} | ${pct(d.updateResultShare)} | |`,
    ...cpuRows(meta.cpuByPhase, { api: api.samples.length + api.warmupActions, direct: direct.samples.length + direct.warmupActions }),
    '',
    'Targets (this 2-core machine):',
    '',
    `- API p50 within ${TARGET_RATIO}× of direct: ${f2(ratio)}× — ${met(ratio <= TARGET_RATIO)}` +
      (busyMachine || ratio < 1 ? ' (the two paths ran one after the other; under varying outside load this ratio is noisy — a value below 1 is noise, not a faster API)' : ''),
    `- at least ${TARGET_ACTIONS_PER_S} staff actions per second sustained through the API: ${f1(a.actionsPerS)}/s — ${met(a.actionsPerS >= TARGET_ACTIONS_PER_S)}`,
    `- a typical episode under ${TARGET_HISTORY_EVENTS} history events: median ${typicalEvents} — ${met(typicalEvents < TARGET_HISTORY_EVENTS)}`,
    `- every episode ran to completion without a refusal or error: ${met(clean)}`,
    '',
    '<details><summary>p50 latency per action type (ms)</summary>',
    '',
    '| action | API | direct |',
    '|---|---:|---:|',
    ...[...apiTypes.keys()].map((k) => `| ${k} | ${f1(apiTypes.get(k)!)} | ${f1(directTypes.get(k) ?? NaN)} |`),
    '',
    '</details>',
  ];
  const failures = [...api.failed.map((m) => `API: ${m}`), ...direct.failed.map((m) => `direct: ${m}`)];
  if (failures.length) lines.push('', 'Failures (first 5):', '', ...failures.slice(0, 5).map((m) => `- ${m.replace(/\s+/g, ' ').slice(0, 300)}`));
  if (meta.serviceExit !== 0) lines.push('', `The service did not stop cleanly after the run (exit code ${meta.serviceExit ?? 'none: killed'}).`);
  return lines.join('\n');
}


// ---- main ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg()[0];
  console.log(`bench:discharge — N=${N} episodes per path, C=${C}, warm-up ${WARMUP}; starting the service (${SETUP === 'cluster' ? 'npm run cluster' : 'tsx src/main.ts'})…`);
  const pg = SETUP === 'production' ? startLocalPostgres((await freePorts(1))[0]!) : undefined;
  const svc = await (SETUP === 'cluster' ? startCluster() : startService(pg?.url)).catch((e) => {
    pg?.stop();
    throw e;
  });
  // where the CPU goes: each process of the service by name
  namedProcesses = SETUP === 'cluster' ? () => clusterProcesses(svc.dataDir) : () => Object.fromEntries(svc.procs.map((p) => [p.role === 'all' ? 'service' : p.role, p.proc.pid!]));
  // the PostgreSQL server's processes are not our children: found by their data directory
  const ledgerDir = SETUP === 'cluster' ? join(svc.dataDir, 'cluster') : pg?.dataDir;
  let stopped = false;
  const onSignal = () => {
    if (stopped) return;
    stopped = true;
    console.error('interrupted: stopping the service');
    void stopService(svc).finally(() => { pg?.stop(); process.exit(130); });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let connection: Connection | undefined;
  let serviceExit: number | null | undefined;
  try {
    console.log(`service up at ${svc.base} (Temporal ${svc.temporalAddress}, data ${svc.dataDir})`);
    connection = await Connection.connect({ address: svc.temporalAddress });
    // the service encrypts payloads (src/temporal/codec.ts; PAYLOAD_KEYS or the development key): so must we
    const client = new Client({ connection, namespace: NAMESPACE, dataConverter: dataConverter() });

    const tokenFor = await partyTokens(svc.keyFile);
    const rssAtStart = serviceRss();
    const cpuBefore = cpuSnapshot(ledgerDir);
    // rounds alternate the two paths, so a machine that speeds up or slows down during the run
    // affects both alike
    const apiRounds: PhaseResult[] = [];
    const directRounds: PhaseResult[] = [];
    const cpuApi: CpuShare[] = [];
    const cpuDirect: CpuShare[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const label = ROUNDS > 1 ? ` (round ${round} of ${ROUNDS})` : '';
      const s0 = cpuSnapshot(ledgerDir);
      console.log(`API phase${label}…`);
      const a = await runPhase('api', client, (samples) => httpDriver(svc.base, samples, tokenFor));
      console.log(`  ${a.episodes - a.failed.length}/${a.episodes} episodes in ${a.wallS.toFixed(1)} s`);
      const s1 = cpuSnapshot(ledgerDir);
      console.log(`direct phase${label}…`);
      const d = await runPhase('direct', client, (samples) => directDriver(client, 'direct', samples));
      console.log(`  ${d.episodes - d.failed.length}/${d.episodes} episodes in ${d.wallS.toFixed(1)} s`);
      const s2 = cpuSnapshot(ledgerDir);
      apiRounds.push(a);
      directRounds.push(d);
      cpuApi.push(cpuShare(s0, s1));
      cpuDirect.push(cpuShare(s1, s2));
    }
    const api = mergeRounds(apiRounds);
    const direct = mergeRounds(directRounds);
    const cpuAfter = cpuSnapshot(ledgerDir);
    const rssAtEnd = serviceRss();
    const cpu = cpuShare(cpuBefore, cpuAfter);
    const cpuByPhase = { api: sumSeconds(cpuApi), direct: sumSeconds(cpuDirect) };
    await connection.close();
    connection = undefined;
    stopped = true;
    serviceExit = await stopService(svc);
    const section = report(api, direct, { startedAt, totalS: (Date.now() - startedAt.getTime()) / 1000, serviceExit, loadBefore, cpu, cpuByPhase, rss: { start: rssAtStart, end: rssAtEnd } });
    writeBenchmarkSection(SETUP === 'embedded' ? 'discharge' : `discharge-${SETUP}`, section.split('\n'));
    console.log(`\n${section}\n\nwritten to BENCHMARKS.md`);
    if (api.failed.length || direct.failed.length) process.exitCode = 1;
  } finally {
    await connection?.close().catch(() => undefined);
    if (!stopped) {
      stopped = true;
      const code = await stopService(svc);
      if (code !== 0) console.error(`service output:\n${svc.output()}`);
    }
    pg?.stop();
  }
}

main().catch((err) => {
  console.error(`bench:discharge failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
