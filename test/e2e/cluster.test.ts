/**
 * End to end on `npm run cluster` (issue 20): the production layout of docker-compose.yml really
 * run — the Temporal server 1.29.1 on PostgreSQL (persistence and SQL visibility), the ledger on
 * the same PostgreSQL, two worker processes, two API processes on one port — started once for
 * this file, with its own DATA_DIR and free ports.
 *
 * 1. Episodes run to completion through the API while faults are injected, each while actions are
 *    in flight (the figures of test/e2e/faults.test.ts: nothing lost, nothing duplicated):
 *    a worker killed with SIGKILL, an API process killed with SIGKILL, the Temporal server
 *    restarted, PostgreSQL stopped for 10 s, and a rolling restart of both workers. The figures
 *    go to .test-artifacts/cluster-faults.json (quoted in the README).
 * 2. A home care enrollment and a monthly close through the API; a monthly-close Schedule fires on
 *    the real server; `temporal workflow list --query` finds the episodes by search attributes
 *    (SQL visibility); the codec endpoint decodes a real history's payload.
 * 3. Ctrl-C stops everything in order; with CLUSTER_E2E_RESTART=1, a restart on the same DATA_DIR
 *    keeps every process.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { autoAuth, authHeader, rememberStart } from '../helpers/auth';
import { ClusterRun } from '../helpers/cluster';
import { processCounts } from '../../src/db/homecare';
import type { Database } from '../../src/db/schema';
import { localDateOf } from '../../src/domain/calendar';
import { dataConverter } from '../../src/temporal/codec';
import { projectRoot, temporalCliPath } from '../../src/temporal/tools';
import { episodeQuery } from '../../workflows/discharge/contract';

jest.setTimeout(600_000);

const EPISODES = 4;
const MUNICIPALITY = '2180';
const PRIMARY_CARE = 'SE2321000115-VC12';
const INPATIENT = 'SE2321000115-AVD7';
const ADMIN = { role: 'administrator', organisation: 'region-gavleborg-it', region: 'gavleborg', userId: 'admin-cluster' } as const;

let run: ClusterRun;
let temporal: { client: Client; connection: Connection };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const days = (d: number) => localDateOf(new Date(Date.now() + d * 86_400_000));
const figures = { faultsInjected: [] as string[], episodesInFlight: 0, episodesCompleted: 0, actions: 0, retriedRequests: 0, rowsLost: 0, rowsDuplicated: 0, seconds: 0 };
let progress = 0;
const episodeIds: string[] = [];

/** One request, retried with the same Idempotency-Key until answered with anything but a network error or 5xx. */
async function post(path: string, body: unknown, key = randomUUID()): Promise<any> {
  const auth = await autoAuth('POST', path, body);
  let last = '';
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) figures.retriedRequests += 1;
    if (attempt > 600) throw new Error(`${path}: no answer after ${attempt} attempts; the last: ${last}\n${run.log().slice(-3000)}`);
    try {
      const r = await fetch(`${run.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': key, ...auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const json = await r.json().catch(() => undefined);
      if (r.status >= 500) { last = `${r.status} ${JSON.stringify(json)}`; await sleep(250); continue; }
      if (r.status >= 400) throw new Error(`${path} refused: ${r.status} ${JSON.stringify(json)}`);
      figures.actions += 1;
      progress += 1;
      rememberStart('POST', path, body, r.status, json);
      return json;
    } catch (err) {
      if ((err as Error).message.includes('refused:')) throw err;
      last = String((err as Error).cause ?? (err as Error).message);
      await sleep(250);
    }
  }
}

async function get(path: string): Promise<{ status: number; json: any }> {
  const r = await fetch(`${run.base}${path}`, { headers: await autoAuth('GET', path), signal: AbortSignal.timeout(15_000) });
  return { status: r.status, json: await r.json().catch(() => undefined) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(300);
  }
}

/** A complete episode, flow (a) with consent (DOMAIN.md §4), every message acknowledged (as faults.test.ts). */
async function runEpisode(i: number): Promise<string> {
  const start = await post('/api/episodes', { region: 'gavleborg', patient: { kind: 'reservnummer', value: `CLUSTER${i}X${Date.now() % 100000}` }, residenceMunicipality: MUNICIPALITY, inpatientUnit: INPATIENT, primaryCareUnit: PRIMARY_CARE });
  const id = start.episodeId as string;
  const act = (path: string, body: unknown) => post(`/api/episodes/${id}/${path}`, body);
  const ackAll = async (v: any, type: string) => {
    const m = [...v.messages].reverse().find((x: any) => x.type === type);
    for (const party of m.recipients) await act('acknowledgements', { messageId: m.messageId, party });
  };
  let v = await act('admission-notice', { expectedReadyDate: days(3) });
  await ackAll(v, 'admissionNotice');
  await act('named-care-contact', { party: { kind: 'primaryCare', id: PRIMARY_CARE }, contact: 'Distriktssköterska Kluster' });
  v = await act('planning-needed', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
  await ackAll(v, 'planningNeeded');
  v = await act('invitations', { sender: { kind: 'primaryCare', id: PRIMARY_CARE }, meetingAt: new Date(Date.now() + 86_400_000).toISOString(), place: 'Avdelning 7', mode: 'video', location: 'hospital', inviteInpatient: false });
  await ackAll(v, 'planningInvitation');
  await act('planning-meetings', {});
  await act('sip', { coordinator: 'Samordnare Kluster', responsibilities: [{ party: 'Gävle kommun', responsibility: 'Hemtjänst' }], selfCareAssessment: true });
  await act('checklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
  v = await act('ready', { readyDate: days(0) });
  await ackAll(v, 'readyForDischarge');
  v = await act('discharge', { sendNotice: true });
  await ackAll(v, 'dischargeNotice');
  await act('sip/complete', {});
  return id;
}

/** How many times a process printed its start-up banner (its log survives restarts). */
const readyCount = (name: string) => (readFileSync(join(run.plan.clusterDir, 'logs', `${name}.log`), 'utf8').match(/Utskrivning is running/g) ?? []).length;

beforeAll(async () => {
  const started = Date.now();
  run = await ClusterRun.start();
  console.log(`npm run cluster started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const connection = await Connection.connect({ address: run.plan.temporal.address });
  temporal = { connection, client: new Client({ connection, dataConverter: dataConverter() }) };
}, 300_000);

afterAll(async () => {
  await temporal?.connection.close();
  await run?.destroy();
});

test('prints what npm start prints, with the real addresses; two workers and two API processes run', async () => {
  const out = run.log();
  expect(out).toContain(`API              http://localhost:${run.plan.ports.api}`);
  expect(out).toContain(`Temporal gRPC    ${run.plan.temporal.address}`);
  expect(out).toContain('Stop with Ctrl-C.');
  expect(Object.keys(run.processes()).sort()).toEqual(expect.arrayContaining(['api-1', 'api-2', 'temporal', 'worker-1', 'worker-2']));
  expect((await fetch(`${run.base}/health`)).status).toBe(200);
  if (out.includes(`Temporal Web UI  ${run.plan.ui.url}`)) {
    const ui = await fetch(run.plan.ui.url);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  }
});

test('episodes in flight survive a killed worker, a killed API process, a restarted Temporal server, PostgreSQL stopped for 10 s and a rolling restart of the workers; the ledger matches the workflows', async () => {
  const started = Date.now();
  const total = EPISODES * 21; // start + the actions of runEpisode
  let failure: unknown;
  const runs = Array.from({ length: EPISODES }, (_, i) => runEpisode(i).catch((err) => { failure ??= err; throw err; }));
  figures.episodesInFlight = EPISODES;
  const waitFor = async (share: number) => {
    while (progress < total * share) {
      if (failure) throw failure;
      await sleep(100);
    }
  };

  await waitFor(0.15);
  figures.faultsInjected.push(`worker-1 killed with SIGKILL after ${progress} of ${total} actions (worker-2 carries on; the supervisor starts worker-1 again)`);
  let pid = run.kill('worker-1', 'SIGKILL');
  await run.restarted('worker-1', pid);

  await waitFor(0.3);
  figures.faultsInjected.push(`api-1 killed with SIGKILL after ${progress} actions (api-2 keeps serving the port)`);
  pid = run.kill('api-1', 'SIGKILL');
  await run.restarted('api-1', pid);

  await waitFor(0.45);
  figures.faultsInjected.push(`Temporal server stopped (SIGTERM) after ${progress} actions and started again by the supervisor`);
  pid = run.kill('temporal', 'SIGTERM');
  await run.restarted('temporal', pid);

  await waitFor(0.6);
  figures.faultsInjected.push(`PostgreSQL (Temporal's persistence, visibility and the ledger) stopped for 10 s after ${progress} actions`);
  const pg = run.postgres();
  pg.stop();
  await sleep(10_000);
  pg.start();

  await waitFor(0.75);
  figures.faultsInjected.push(`rolling restart of both workers (SIGTERM, drain, start; the second only once the first is ready again) after ${progress} actions`);
  for (const name of ['worker-1', 'worker-2']) {
    const before = readyCount(name);
    pid = run.kill(name, 'SIGTERM');
    await run.restarted(name, pid);
    await until(`${name} ready again`, async () => (readyCount(name) > before ? true : undefined), 120_000);
  }

  episodeIds.push(...(await Promise.all(runs)));

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: run.plan.api.env.DATABASE_URL, max: 2 }) }) });
  try {
    for (const id of episodeIds) {
      await temporal.client.workflow.getHandle(`discharge-${id}`).result();
      // the workflow returns how it ended (issue 21); the whole episode is its query's answer, also once closed
      const result = await temporal.client.workflow.getHandle(`discharge-${id}`).query(episodeQuery);
      figures.episodesCompleted += 1;
      const rowOf = () => db.selectFrom('episodes').select(['version', 'status']).where('episode_id', '=', id).executeTakeFirst();
      for (let i = 0; i < 150 && (await rowOf())?.version !== result.version; i++) await sleep(200);
      expect(await rowOf()).toEqual({ version: result.version, status: result.status });
      const { messages, obligations, deviations } = await processCounts(db, 'discharge', id);
      const counts = { messages, obligations, deviations };
      const expected = { messages: result.messages.length, obligations: result.obligations.length, deviations: result.deviations.length };
      for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
        figures.rowsLost += Math.max(0, expected[k] - counts[k]);
        figures.rowsDuplicated += Math.max(0, counts[k] - expected[k]);
      }
      expect(counts).toEqual(expected);
      expect(result.messages.filter((m: { type: string }) => m.type === 'dischargeNotice')).toHaveLength(1);
    }
    const episodes = await db.selectFrom('episodes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(episodes.n)).toBe(EPISODES);
  } finally {
    await db.destroy();
  }
  figures.seconds = Math.round((Date.now() - started) / 1000);
  mkdirSync(join(projectRoot, '.test-artifacts'), { recursive: true });
  writeFileSync(join(projectRoot, '.test-artifacts', 'cluster-faults.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`cluster fault injection: ${JSON.stringify(figures, null, 2)}`);
  expect(figures.episodesCompleted).toBe(EPISODES);
  expect(figures.rowsLost + figures.rowsDuplicated).toBe(0);
});

test('search attributes on SQL visibility: `temporal workflow list --query` finds the episodes', async () => {
  expect(episodeIds).toHaveLength(EPISODES);
  const query = `Region = "gavleborg" AND MunicipalityCode = "${MUNICIPALITY}" AND InpatientUnit = "${INPATIENT}" AND WorkflowType = "dischargeEpisode"`;
  const found = await until('visibility has every episode', async () => {
    const r = spawnSync(temporalCliPath, ['workflow', 'list', '--address', run.plan.temporal.address, '--namespace', run.plan.namespace.name, '--query', query, '--output', 'json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const ids = (JSON.parse(r.stdout || '[]') as Array<{ execution: { workflowId: string } }>).map((w) => w.execution.workflowId);
    return episodeIds.every((id) => ids.includes(`discharge-${id}`)) ? ids : undefined;
  }, 30_000);
  expect(found).toEqual(expect.arrayContaining(episodeIds.map((id) => `discharge-${id}`)));
});

test('the codec endpoint decodes a real history from the server', async () => {
  const id = episodeIds[0]!;
  const history = await temporal.connection.workflowService.getWorkflowExecutionHistory({ namespace: run.plan.namespace.name, execution: { workflowId: `discharge-${id}` } });
  const input = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted'); // the server stores it encrypted
  const asJson = { metadata: Object.fromEntries(Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(input.data!).toString('base64') };
  const r = await fetch(`${run.base}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeader(ADMIN)) }, body: JSON.stringify({ payloads: [asJson] }) });
  expect(r.status).toBe(200);
  const decoded = ((await r.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads[0]!;
  expect(Buffer.from(decoded.metadata.encoding!, 'base64').toString()).toBe('json/plain');
  expect(JSON.parse(Buffer.from(decoded.data, 'base64').toString())).toMatchObject({ region: 'gavleborg', residenceMunicipality: MUNICIPALITY });
});

test('a home care enrollment and a monthly close through the API; a monthly-close Schedule fires', async () => {
  const municipality = { kind: 'municipality', id: MUNICIPALITY };
  const primaryCare = { kind: 'primaryCare', id: PRIMARY_CARE };
  const en = await post('/api/home-care/enrollments', { region: 'gavleborg', patient: { kind: 'reservnummer', value: `CLUSTERHC${Date.now() % 100000}` }, residenceMunicipality: MUNICIPALITY, primaryCareUnit: PRIMARY_CARE, consent: 'given' });
  const act = (path: string, body: unknown) => post(`/api/home-care/enrollments/${en.enrollmentId}/${path}`, body);
  let s = await act('invitations', { meetingAt: new Date(Date.now() + 7_200_000).toISOString(), location: 'home' });
  const inv = s.messages.find((m: { type: string }) => m.type === 'planningInvitation');
  await act('acknowledgements', { messageId: inv.messageId, party: municipality });
  await act('planning-meetings', {});
  await act('sip', { selfCareAssessment: 'Behöver stöd', party: primaryCare, part: 'Läkarkontakt' });
  await act('named-doctor', { doctor: 'Dr Kluster', unit: PRIMARY_CARE });
  await act('named-care-contact', { contact: 'Distriktssköterska Kluster' });
  s = await act('decision', { decision: 'enroll' });
  expect(s.status).toBe('enrolled');
  s = await act('move', {});
  expect(s.status).toBe('ended');

  // a monthly close of a past month, reviewed and approved by every municipality, to final invoices
  const close = await post('/api/billing/closes', { region: 'gavleborg', month: '2019-05' });
  expect(close.workflowId).toBeDefined();
  const path = '/api/billing/closes/gavleborg/2019-05';
  await until('the close in review', async () => ((await get(path)).json?.phase === 'review' ? true : undefined), 120_000);
  for (const m of (await get(path)).json.preliminary.municipalities as Array<{ municipality: string }>) await post(`${path}/approvals`, { municipality: m.municipality });
  const final = await until('the close final', async () => {
    const v = (await get(path)).json;
    return v?.phase === 'final' && v.final ? v : undefined;
  }, 120_000);
  expect(final.final.totalOre).toBe(0);
  expect(await temporal.client.workflow.getHandle(close.workflowId).result()).toBeDefined();

  // the Schedules the workers ensured exist on the server and fire when triggered
  const schedules: string[] = [];
  for await (const sch of temporal.client.schedule.list()) schedules.push(sch.scheduleId);
  const monthly = schedules.find((id) => id.includes('gavleborg'));
  expect(monthly).toBeDefined();
  const handle = temporal.client.schedule.getHandle(monthly!);
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  const fired = await until('the Schedule to fire', async () => {
    const d = await handle.describe();
    return d.info.recentActions.length > before ? d.info.recentActions[d.info.recentActions.length - 1] : undefined;
  }, 60_000);
  expect(fired.action.workflow.workflowId).toBeDefined();
});

/**
 * The restart costs a second start-up (about a minute on 2 busy cores), so `npm test` runs it only
 * with CLUSTER_E2E_RESTART=1; the ordered stop is always checked.
 */
const RESTART = process.env.CLUSTER_E2E_RESTART === '1';

test(`Ctrl-C stops in order (API, workers, Temporal server, PostgreSQL)${RESTART ? '; a restart on the same DATA_DIR keeps every process' : ''}`, async () => {
  const exit = await run.interrupt();
  expect(exit.code).toBe(0);
  const out = run.log();
  const at = (s: string) => {
    const i = out.indexOf(s);
    expect(i).toBeGreaterThan(-1);
    return i;
  };
  const order = [at('stopped api-1, api-2'), at('stopped worker-1, worker-2'), at('stopped temporal\n'), at('stopped PostgreSQL')];
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(Object.keys(run.processes())).toEqual(['supervisor']);
  if (!RESTART) return;

  const started = Date.now();
  await run.launch();
  console.log(`npm run cluster restarted on its DATA_DIR in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const v = await get(`/api/episodes/${episodeIds[0]}`);
  expect(v.status).toBe(200);
  expect(v.json.status).toBeDefined();
  const d = await temporal.client.workflow.getHandle(`discharge-${episodeIds[0]}`).describe();
  expect(d.status.name).toBe('COMPLETED');
});
