/**
 * Proof that nothing is lost (issue 7 "Faults"): real processes, broken while episodes are in
 * flight, then every episode must finish and the ledger must match the workflows exactly.
 *
 * Set-up, as in production but on one machine: a Temporal dev server with its SQLite file, a
 * PostgreSQL ledger (DATABASE_URL, a throwaway server from the machine's own package), and the
 * service (`tsx src/main.ts`, worker and API) as a separate process using both.
 *
 * Staff keep working through the API the whole time, as a ward would: every action is retried
 * with the same Idempotency-Key until it is answered, so a retry after a lost answer must never
 * record anything twice. Faults, in order, each injected once a share of all actions is done:
 *   1. the service (worker and API) is killed with SIGKILL mid-run and a new one is started;
 *   2. the Temporal dev server is stopped and started again on its SQLite file;
 *   3. the ledger database is unavailable for a while (activities retry);
 *   4. the same request is delivered twice concurrently, for every action of one episode.
 * The figures are written to .test-artifacts/faults.json (and quoted in the README).
 */
import { autoAuth, rememberStart } from '../helpers/auth';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { processCounts } from '../../src/db/homecare';
import type { Database } from '../../src/db/schema';
import { dischargeWorkflowId, episodeQuery } from '../../workflows/discharge/contract';
import { localDateOf } from '../../src/domain/calendar';
import { projectRoot } from '../../src/temporal/tools';
import { RealStack } from '../helpers/real-service';

jest.setTimeout(420_000);

const EPISODES = 8;
const MUNICIPALITY = '2180';
const PRIMARY_CARE = 'SE2321000115-VC12';
const INPATIENT = 'SE2321000115-AVD7';

let stack: RealStack;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The Swedish date d days from now (between 23:00 and 24:00 UTC, 22:00 in summer, the UTC one is a day behind). */
const days = (d: number) => localDateOf(new Date(Date.now() + d * 86_400_000));

const figures = { faultsInjected: [] as string[], episodesInFlight: 0, episodesCompleted: 0, actions: 0, retriedRequests: 0, duplicateDeliveries: 0, rowsLost: 0, rowsDuplicated: 0 };
let progress = 0;

/**
 * One request, retried with the same Idempotency-Key until the service answers with anything
 * but a network error or a 5xx (a 4xx is a real refusal and fails the test).
 */
async function post(path: string, body: unknown, key = randomUUID(), twice = false): Promise<any> {
  let last = '';
  const auth = await autoAuth('POST', path, body);
  for (let attempt = 0; ; attempt++) {
    if (stack.crashed) throw new Error(stack.crashed);
    if (attempt > 0) figures.retriedRequests += 1;
    if (attempt > 600) throw new Error(`${path}: no answer after ${attempt} attempts; the last: ${last}\nservice log:\n${stack.serviceLog().slice(-3000)}`);
    const send = () => fetch(`${stack.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Idempotency-Key': key, ...auth },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    }).then(async (r) => ({ status: r.status, json: await r.json().catch(() => undefined) }));
    try {
      const answers = await Promise.all(twice ? [send(), send()] : [send()]);
      if (twice) figures.duplicateDeliveries += 1;
      const bad = answers.find((a) => a.status >= 500);
      if (bad) { last = `${bad.status} ${JSON.stringify(bad.json)}`; await sleep(250); continue; }
      const refused = answers.find((a) => a.status >= 400);
      if (refused) throw new Error(`${path} refused: ${refused.status} ${JSON.stringify(refused.json)}`);
      if (twice) expect(answers[1]!.json).toEqual(answers[0]!.json); // the second delivery returns the first result
      figures.actions += 1;
      progress += 1;
      rememberStart('POST', path, body, answers[0]!.status, answers[0]!.json);
      return answers[0]!.json;
    } catch (err) {
      if ((err as Error).message.includes('refused:') || stack.crashed) throw err;
      last = String((err as Error).cause ?? (err as Error).message);
      await sleep(250); // connection refused or reset while a process is down
    }
  }
}

/** A complete episode, flow (a) with consent (docs/domain.md §4), every message acknowledged. */
async function runEpisode(i: number, twice: boolean): Promise<string> {
  const start = await post('/api/episodes', { region: 'gavleborg', patient: { kind: 'reservnummer', value: `FAULT${i}X${Date.now() % 100000}` }, residenceMunicipality: MUNICIPALITY, inpatientUnit: INPATIENT, primaryCareUnit: PRIMARY_CARE }, undefined, twice);
  const id = start.episodeId as string;
  const act = (path: string, body: unknown) => post(`/api/episodes/${id}/${path}`, body, undefined, twice);
  const ackAll = async (v: any, type: string) => {
    // the episode's view may come from before the message was recorded (a start answers early)
    const m = [...v.messages].reverse().find((x: any) => x.type === type);
    for (const party of m.recipients) await act('acknowledgements', { messageId: m.messageId, party });
  };
  let v = await act('admission-notice', { expectedReadyDate: days(3) });
  await ackAll(v, 'admissionNotice');
  await act('named-care-contact', { party: { kind: 'primaryCare', id: PRIMARY_CARE }, contact: 'Distriktssköterska Fel' });
  v = await act('planning-needed', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
  await ackAll(v, 'planningNeeded');
  v = await act('invitations', { sender: { kind: 'primaryCare', id: PRIMARY_CARE }, meetingAt: new Date(Date.now() + 86_400_000).toISOString(), place: 'Avdelning 7', mode: 'video', location: 'hospital', inviteInpatient: false });
  await ackAll(v, 'planningInvitation');
  await act('planning-meetings', {});
  await act('sip', { coordinator: 'Samordnare Fel', responsibilities: [{ party: 'Gävle kommun', responsibility: 'Hemtjänst' }], selfCareAssessment: true });
  await act('checklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
  v = await act('ready', { readyDate: days(0) });
  await ackAll(v, 'readyForDischarge');
  v = await act('discharge', { sendNotice: true });
  await ackAll(v, 'dischargeNotice');
  await act('sip/complete', {});
  return id;
}

beforeAll(async () => {
  stack = await RealStack.start();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

test('episodes in flight survive a killed worker, a restarted Temporal server, a database outage and duplicate deliveries; the ledger matches the workflows', async () => {
  const STEPS_PER_EPISODE = 21; // start + the actions of runEpisode
  const total = EPISODES * STEPS_PER_EPISODE;
  // the first episode that fails ends the test at once, instead of leaving it waiting for progress
  let failure: unknown;
  const runs = Array.from({ length: EPISODES }, (_, i) => runEpisode(i, i === 0).catch((err) => { failure ??= err; throw err; }));
  figures.episodesInFlight = EPISODES;
  const waitFor = async (share: number) => {
    while (progress < total * share) {
      if (failure) throw failure;
      await sleep(100);
    }
  };

  await waitFor(0.2);
  figures.faultsInjected.push(`service (worker + API) killed with SIGKILL after ${progress} of ${total} actions, a new one started`);
  await stack.killService();
  stack.startService();
  await stack.waitHealthy();

  await waitFor(0.45);
  figures.faultsInjected.push(`Temporal dev server stopped and started again on its SQLite file after ${progress} actions`);
  await stack.stopTemporal();
  await stack.startTemporal();

  await waitFor(0.65);
  figures.faultsInjected.push(`ledger database (PostgreSQL) unavailable for 8 s after ${progress} actions`);
  stack.pg.pause();
  await sleep(8000);
  stack.pg.resume();
  figures.faultsInjected.push('every request of one episode delivered twice at once with the same Idempotency-Key');

  const ids = await Promise.all(runs);

  // every workflow completes, and the ledger has exactly what each workflow recorded
  const { client, close } = await stack.client();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: stack.pg.url, max: 2 }) }) });
  try {
    for (const id of ids) {
      await client.workflow.getHandle(dischargeWorkflowId(id)).result();
      // the workflow returns how it ended (issue 21); the whole episode is its query's answer, also once closed
      const result = await client.workflow.getHandle(dischargeWorkflowId(id)).query(episodeQuery);
      figures.episodesCompleted += 1;
      // the last projection may still be on its way: wait (bounded) for the workflow's final version
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
      // one message per type and version: a retried request never sent one twice
      expect(result.messages.filter((m: { type: string }) => m.type === 'dischargeNotice')).toHaveLength(1);
    }
    const episodes = await db.selectFrom('episodes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(episodes.n)).toBe(EPISODES); // and no episode twice, though every start was retried under faults
  } finally {
    await db.destroy();
    await close();
  }
  mkdirSync(join(projectRoot, '.test-artifacts'), { recursive: true });
  writeFileSync(join(projectRoot, '.test-artifacts', 'faults.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`fault injection: ${JSON.stringify(figures, null, 2)}`);
  expect(figures.episodesCompleted).toBe(EPISODES);
  expect(figures.rowsLost + figures.rowsDuplicated).toBe(0);
});
