/**
 * The fault runner shared by the fault suites (test/e2e/faults.test.ts on the dev server,
 * test/e2e/cluster.test.ts on `npm run cluster`): staff keep working through the API while the
 * suite breaks processes, as a ward would — every action retried with the same Idempotency-Key
 * until it is answered, so a retry after a lost answer must never record anything twice — and
 * afterwards every workflow must have completed and the ledger must hold exactly what each
 * workflow recorded (nothing lost, nothing duplicated).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { autoAuth, rememberStart } from './auth';
import { processCounts } from '../../src/db/process-ledger';
import type { Database } from '../../src/db/schema';
import { localDateOf } from '../../src/domain/calendar';
import { projectRoot } from '../../src/temporal/tools';
import { dischargeWorkflowId, episodeQuery } from '../../workflows/discharge/contract';

const MUNICIPALITY = '2180';
const PRIMARY_CARE = 'SE2321000115-VC12';
const INPATIENT = 'SE2321000115-AVD7';
/** start + the actions of `runEpisode` */
export const STEPS_PER_EPISODE = 21;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The Swedish date d days from now (between 23:00 and 24:00 UTC, 22:00 in summer, the UTC one is a day behind). */
const days = (d: number) => localDateOf(new Date(Date.now() + d * 86_400_000));

export interface FaultFigures {
  faultsInjected: string[];
  episodesInFlight: number;
  episodesCompleted: number;
  actions: number;
  retriedRequests: number;
  duplicateDeliveries: number;
  rowsLost: number;
  rowsDuplicated: number;
  seconds: number;
  [more: string]: unknown;
}

export interface FaultTarget {
  /** the API's base URL (read at every request: it may move) */
  base: () => string;
  /** the service's log, quoted when a request is never answered */
  log: () => string;
  /** set when the stack under test died for good: requests stop retrying */
  crashed?: () => string | undefined;
  /** a word in the episodes' names and patient numbers (e.g. `Kluster`) */
  label: string;
}

export class FaultRunner {
  readonly figures: FaultFigures = { faultsInjected: [], episodesInFlight: 0, episodesCompleted: 0, actions: 0, retriedRequests: 0, duplicateDeliveries: 0, rowsLost: 0, rowsDuplicated: 0, seconds: 0 };
  /** actions answered so far */
  progress = 0;
  /** staff's think time before each action (ms): 0 by default; a suite may slow staff down for a while */
  thinkMs = 0;
  /** every request, when it was first sent (retries not counted) */
  readonly sent: Array<{ path: string; at: number }> = [];
  private total = 0;
  private failure: unknown;
  private readonly started = Date.now();

  constructor(private readonly target: FaultTarget) {}

  /**
   * One request, retried with the same Idempotency-Key until the service answers with anything
   * but a network error or a 5xx (a 4xx is a real refusal and fails the test). `twice`: delivered
   * twice at once, and the second answer must equal the first.
   */
  async post(path: string, body: unknown, key = randomUUID(), twice = false): Promise<any> {
    let last = '';
    if (this.thinkMs > 0) await sleep(this.thinkMs);
    const auth = await autoAuth('POST', path, body);
    this.sent.push({ path, at: Date.now() });
    for (let attempt = 0; ; attempt++) {
      const crashed = this.target.crashed?.();
      if (crashed) throw new Error(crashed);
      if (attempt > 0) this.figures.retriedRequests += 1;
      if (attempt > 600) throw new Error(`${path}: no answer after ${attempt} attempts; the last: ${last}\nservice log:\n${this.target.log().slice(-3000)}`);
      const send = () => fetch(`${this.target.base()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': key, ...auth },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      }).then(async (r) => ({ status: r.status, json: await r.json().catch(() => undefined) }));
      try {
        const answers = await Promise.all(twice ? [send(), send()] : [send()]);
        if (twice) this.figures.duplicateDeliveries += 1;
        const bad = answers.find((a) => a.status >= 500);
        if (bad) { last = `${bad.status} ${JSON.stringify(bad.json)}`; await sleep(250); continue; }
        const refused = answers.find((a) => a.status >= 400);
        if (refused) throw new Error(`${path} refused: ${refused.status} ${JSON.stringify(refused.json)}`);
        if (twice) expect(answers[1]!.json).toEqual(answers[0]!.json); // the second delivery returns the first result
        this.figures.actions += 1;
        this.progress += 1;
        rememberStart('POST', path, body, answers[0]!.status, answers[0]!.json);
        return answers[0]!.json;
      } catch (err) {
        if ((err as Error).message.includes('refused:') || this.target.crashed?.()) throw err;
        last = String((err as Error).cause ?? (err as Error).message);
        await sleep(250); // connection refused or reset while a process is down
      }
    }
  }

  /** A complete episode, flow (a) with consent (DOMAIN.md §4), every message acknowledged. */
  async runEpisode(i: number, twice = false): Promise<string> {
    const label = this.target.label;
    const start = await this.post('/api/episodes', { region: 'gavleborg', patient: { kind: 'reservnummer', value: `${label.toUpperCase()}${i}X${Date.now() % 100000}` }, residenceMunicipality: MUNICIPALITY, inpatientUnit: INPATIENT, primaryCareUnit: PRIMARY_CARE }, undefined, twice);
    const id = start.episodeId as string;
    const act = (path: string, body: unknown) => this.post(`/api/episodes/${id}/${path}`, body, undefined, twice);
    const ackAll = async (v: any, type: string) => {
      // the episode's view may come from before the message was recorded (a start answers early)
      const m = [...v.messages].reverse().find((x: any) => x.type === type);
      for (const party of m.recipients) await act('acknowledgements', { messageId: m.messageId, party });
    };
    let v = await act('admission-notice', { expectedReadyDate: days(3) });
    await ackAll(v, 'admissionNotice');
    await act('named-care-contact', { party: { kind: 'primaryCare', id: PRIMARY_CARE }, contact: `Distriktssköterska ${label}` });
    v = await act('planning-needed', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
    await ackAll(v, 'planningNeeded');
    v = await act('invitations', { sender: { kind: 'primaryCare', id: PRIMARY_CARE }, meetingAt: new Date(Date.now() + 86_400_000).toISOString(), place: 'Avdelning 7', mode: 'video', location: 'hospital', inviteInpatient: false });
    await ackAll(v, 'planningInvitation');
    await act('planning-meetings', {});
    await act('sip', { coordinator: `Samordnare ${label}`, responsibilities: [{ party: 'Gävle kommun', responsibility: 'Hemtjänst' }], selfCareAssessment: true });
    await act('checklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
    v = await act('ready', { readyDate: days(0) });
    await ackAll(v, 'readyForDischarge');
    v = await act('discharge', { sendNotice: true });
    await ackAll(v, 'dischargeNotice');
    await act('sip/complete', {});
    return id;
  }

  /** Starts `episodes` episodes at once (`twice(i)`: every request of episode i delivered twice); resolves to their ids. */
  runEpisodes(episodes: number, twice: (i: number) => boolean = () => false): Promise<string[]> {
    this.total = episodes * STEPS_PER_EPISODE;
    this.figures.episodesInFlight = episodes;
    // the first episode that fails ends the test at once, instead of leaving it waiting for progress
    return Promise.all(Array.from({ length: episodes }, (_, i) => this.runEpisode(i, twice(i)).catch((err) => {
      this.failure ??= err;
      throw err;
    })));
  }

  /** Waits until `share` of all actions are answered (fails at once when an episode failed). */
  async waitFor(share: number): Promise<void> {
    while (this.progress < this.total * share) {
      if (this.failure) throw this.failure;
      await sleep(100);
    }
  }

  /** Records a fault, naming how far the episodes had come. */
  fault(what: string): void {
    this.figures.faultsInjected.push(`${what} after ${this.progress} of ${this.total} actions`);
  }

  /**
   * Every workflow completed, and the ledger (PostgreSQL at `databaseUrl`) holds exactly each
   * workflow's messages, obligations and deviations at its final version, and no episode twice.
   */
  async verify(client: Client, databaseUrl: string, ids: string[]): Promise<void> {
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: databaseUrl, max: 2 }) }) });
    try {
      for (const id of ids) {
        await client.workflow.getHandle(dischargeWorkflowId(id)).result();
        // the workflow returns how it ended (issue 21); the whole episode is its query's answer, also once closed
        const result = await client.workflow.getHandle(dischargeWorkflowId(id)).query(episodeQuery);
        this.figures.episodesCompleted += 1;
        // the last projection may still be on its way: wait (bounded) for the workflow's final version
        const rowOf = () => db.selectFrom('episodes').select(['version', 'status']).where('episode_id', '=', id).executeTakeFirst();
        for (let i = 0; i < 150 && (await rowOf())?.version !== result.version; i++) await sleep(200);
        expect(await rowOf()).toEqual({ version: result.version, status: result.status });
        const { messages, obligations, deviations } = await processCounts(db, 'discharge', id);
        const counts = { messages, obligations, deviations };
        const expected = { messages: result.messages.length, obligations: result.obligations.length, deviations: result.deviations.length };
        for (const k of Object.keys(expected) as (keyof typeof expected)[]) {
          this.figures.rowsLost += Math.max(0, expected[k] - counts[k]);
          this.figures.rowsDuplicated += Math.max(0, counts[k] - expected[k]);
        }
        expect(counts).toEqual(expected);
        // one message per type and version: a retried request never sent one twice
        expect(result.messages.filter((m: { type: string }) => m.type === 'dischargeNotice')).toHaveLength(1);
      }
      const episodes = await db.selectFrom('episodes').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(episodes.n)).toBe(ids.length); // and no episode twice, though every start was retried under faults
    } finally {
      await db.destroy();
    }
  }

  /** Writes the figures to .test-artifacts/<file> (quoted in the README) and prints them. */
  report(file: string): FaultFigures {
    this.figures.seconds = Math.round((Date.now() - this.started) / 1000);
    mkdirSync(join(projectRoot, '.test-artifacts'), { recursive: true });
    writeFileSync(join(projectRoot, '.test-artifacts', file), `${JSON.stringify(this.figures, null, 2)}\n`);
    console.log(`${file}: ${JSON.stringify(this.figures, null, 2)}`);
    return this.figures;
  }
}
