/**
 * Model-based test through the HTTP API of the real service (issue 15, the third runner of the
 * shared generator in test/model/sequences.ts): generated sequences of staff actions for
 * discharge episodes, home-care enrollments and single home visits, sent as a ward, a health
 * centre, a municipality or a coordinator would send them — and, now and then, by someone who has
 * no business with the process (another municipality, a ward of another unit, the right unit
 * signed in to another region, a coordinator of an organisation not taking part, a billing
 * officer).
 *
 * The stack is test/helpers/real-service.ts (`tsx src/main.ts` as a child process, a Temporal dev
 * server, PostgreSQL), with the escalation organisations of Halland configured (REGIONS_FILE) so
 * that coordinators can close deviations, and a real SMTP receiver for the reminders and
 * escalations. Time is real: `wait` steps are skipped; a `downtime` step declares the window
 * through `POST /api/regions/{region}/downtime`; processes start back-dated (`admittedAt`,
 * `startedAt`, `orderedAt`), and actions carry back-dated `occurredAt`.
 *
 * Checked:
 * - after every request: never a 5xx, and every 4xx is JSON with an error code;
 * - after every refused action (4xx): the process is unchanged (GET: version, timeline) — save
 *   for what its own clock recorded meanwhile (entries without an actor: deadlines judged); a
 *   wrong actor is refused with 403 (or 404), and the right one never hears 404 "no such
 *   process" for a process that GET answers;
 * - after every accepted action: the version increased;
 * - after every step: the deviation and order invariants (test/model/invariants.ts) on the GET
 *   view, which is the workflow's own state (a Workflow Query, with the obligations and their
 *   judgeAt) — not the ledger's, which is compared with it after the sequence;
 * - after every sequence: the ledger (PostgreSQL) equals the workflow's state — version, status,
 *   deviations and obligations with their status; for every month the process touched and every
 *   rule set, `POST /api/billing/simulate` alone and compared answers 200 (whole öre, every total
 *   the sum of its lines) or 409 with a code; `GET /api/indicators` answers 200;
 * - at the end of the file: every history on the stack's Temporal server replays.
 * Also: after each sequence the inboxes of its parties and of the coordinators, the region's
 * downtime windows and a home-care process's full timeline (ledger reads) answer 200; after the
 * first run an administrator enters the daily amount and national average, so the
 * simulation is seen both refusing (409 DAILY_AMOUNT_MISSING) and computing; at the end of the
 * run, every rule set against every other over every month touched.
 *
 * What real time cannot show: a deadline the system learns of after it passed is judged at the
 * end of a grace period (the end of the next weekday, docs/domain.md §4), and live deadlines fall at
 * the end of a day, so no obligation's deviation falls due within a run. The deviations here are
 * the reported ones; raised, late and withdrawn deviations are the workflow runner's
 * (test/workflow/model-workflows.test.ts, time-skipping). Back-dating reaches ten days back from
 * today, so which weekends, holidays and DST changes it crosses depends on the day it runs.
 *
 * Re-run a failure with MODEL_SEED=<seed printed below>; MODEL_API_RUNS sets the number of runs
 * (each run is one sequence of each process type, run side by side); MODEL_SHRINK=1 lets
 * fast-check shrink a failure (slow: each try replays whole processes on the real service).
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ACTION_ROLES } from '../../src/auth/policy';
import type { Role } from '../../src/auth/principal';
import { ACTION_BODIES } from '../../src/api/schemas/discharge';
import { ENROLLMENT_ACTIONS } from '../../src/api/schemas/home-care';
import { VISIT_ORDER_ACTIONS } from '../../src/api/schemas/home-visit';
import { RULE_SETS } from '../../src/domain/billing/rule-sets';
import { localDateOf } from '../../src/domain/calendar';
import type { Party } from '../../src/domain/obligations';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { describeFailure, replayHistories, type ReplaySource } from '../../src/temporal/replay';
import { authHeader, type TestPrincipal } from '../helpers/auth';
import { startSmtpServer } from '../helpers/receivers';
import { RealStack } from '../helpers/real-service';
import { workflowBundle } from '../helpers/temporal';
import { deviationViolations, moneyViolations, orderViolations, type TrackedState } from '../model/invariants';
import { dischargeAction, homeCareAction, modelSeed, sequenceArb, visitAction, withinProcess, type ActStep, type ProcessKind, type Sequence } from '../model/sequences';

// The stack's service is started with the regions file and SMTP server of this test (RealStack
// passes a fixed environment, and the service's environment drops any REGIONS_FILE of ours).
const mockServiceEnv: Record<string, string> = {};
jest.mock('../../scripts/lib/service', () => {
  const actual = jest.requireActual('../../scripts/lib/service');
  return { ...actual, spawnService: (env: Record<string, string>) => actual.spawnService({ ...env, ...mockServiceEnv }) };
});

jest.setTimeout(600_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RUNS = Number(process.env.MODEL_API_RUNS ?? 6);
const MAX_STEPS = Number(process.env.MODEL_API_MAX_STEPS ?? 25);
const REGION = 'halland';
const UNITS = { inpatient: 'SE2321000115-AVD1', primaryCare: 'SE2321000115-VC01', psychiatricOutpatient: 'SE2321000115-PSY1', municipality: '1380' } as const;
const inpatient: Party = { kind: 'inpatient', id: UNITS.inpatient };
const primaryCare: Party = { kind: 'primaryCare', id: UNITS.primaryCare };
const psychiatricOutpatient: Party = { kind: 'psychiatricOutpatient', id: UNITS.psychiatricOutpatient };
const municipality: Party = { kind: 'municipality', id: UNITS.municipality };
const RULE_SET_IDS = Object.keys(RULE_SETS);
const COORDINATOR_ORGS = ['region-halland', 'kommun-1380'];
const INTERVENTIONS = ['såromläggning', 'provtagning'];

/**
 * A defect this runner found (regressions at the end): an action on a process whose workflow had
 * ended (an order cancelled, declined or expired, an enrollment declined or ended) was answered
 * 404 "no such order / enrollment / episode" instead of 409 PROCESS_CLOSED / EPISODE_CLOSED — the
 * service's native connection reports an update to a completed workflow as a WorkflowNotFoundError
 * with no message. Fixed by `updateError` (src/api/routes/discharge.ts); true would tolerate it again.
 */
const TOLERATE_404_ON_ENDED_PROCESS = false;

const ROLE_OF_KIND: Record<string, Role> = {
  inpatient: 'inpatientStaff', emergencyDepartment: 'inpatientStaff', primaryCare: 'primaryCareStaff',
  psychiatricOutpatient: 'psychiatricOutpatientStaff', municipality: 'municipalityStaff',
};
const staffOf = (p: Pick<Party, 'kind' | 'id'>): TestPrincipal => ({ role: ROLE_OF_KIND[p.kind]!, organisation: p.id, region: REGION });
const ADMIN: TestPrincipal = { role: 'administrator', organisation: 'region-halland-it', region: REGION };
const BILLING: TestPrincipal = { role: 'billingOfficer', organisation: 'region-halland', region: REGION };

/** Someone with no business with the process: every one of them must be refused with 403 (or 404). */
const WRONG_ACTORS: { what: string; who: (right: TestPrincipal) => TestPrincipal }[] = [
  { what: 'another municipality’s staff', who: () => ({ role: 'municipalityStaff', organisation: '1382', region: REGION }) },
  { what: 'a ward of another unit', who: () => ({ role: 'inpatientStaff', organisation: 'SE2321000115-AVD9', region: REGION }) },
  { what: 'the right unit signed in to another region', who: (right) => ({ ...right, region: 'gavleborg' }) },
  { what: 'a coordinator of an organisation not taking part', who: () => ({ role: 'coordinator', organisation: 'kommun-1382', region: REGION }) },
  { what: 'another health centre', who: () => ({ role: 'primaryCareStaff', organisation: 'SE2321000115-VC77', region: REGION }) },
  { what: 'a billing officer', who: () => BILLING },
];

/** Halland with its escalation organisations (docs/domain.md §6), Gävleborg as shipped. */
function regionsFile(dir: string, smtpTo: string): string {
  const channel = (to: string) => [{ type: 'email', to: `${to}@${smtpTo}` }];
  const halland = {
    ...DEFAULT_REGIONS.find((r) => r.id === 'halland')!,
    escalation: {
      organisations: [
        { id: 'region-halland', name: 'Region Halland', unitPrefixes: ['SE2321000115-'], coordinators: [{ id: 'koord-region', name: 'Koordinator Region', channels: channel('koord-region') }], reminderChannels: channel('enheter') },
        { id: 'kommun-1380', name: 'Halmstads kommun', municipalities: ['1380'], coordinators: [{ id: 'koord-1380', name: 'Koordinator Halmstad', channels: channel('koord-1380') }], reminderChannels: channel('kommun-1380') },
        { id: 'kommun-1382', name: 'Falkenbergs kommun', municipalities: ['1382'], coordinators: [{ id: 'koord-1382', name: 'Koordinator Falkenberg', channels: channel('koord-1382') }] },
      ],
      digestHour: 7,
      digestHorizonHours: 24,
    },
  };
  const file = join(dir, 'regions.json');
  writeFileSync(file, JSON.stringify([halland, ...DEFAULT_REGIONS.filter((r) => r.id !== 'halland')], null, 2));
  return file;
}

// ---- the stack -----------------------------------------------------------------------------------

let stack: RealStack;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let pool: Pool;
let dir: string;

beforeAll(async () => {
  // the replay worker at the end logs at WARN, not every state change
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed already in this jest worker */
  }
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'model-api-'));
  mockServiceEnv.REGIONS_FILE = regionsFile(dir, 'halland.example');
  mockServiceEnv.SMTP_URL = smtp.url;
  stack = await RealStack.start();
  pool = new Pool({ connectionString: stack.pg.url, max: 3 });
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await stack?.stop();
  await smtp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---- requests --------------------------------------------------------------------------------------

const figures = {
  sequences: 0, actions: 0, accepted: 0, refusals: 0, wrongActors: 0, drift: 0, downtimes: 0, waitsSkipped: 0, requests: 0, billing: 0, indicators: 0,
  codes: new Map<string, number>(),
  /** accepted actions by type, deviations by status and obligations judged after a grace period, at the ends of the sequences */
  acceptedTypes: new Map<string, number>(),
  deviations: new Map<string, number>(),
  graced: 0,
  ended404: 0,
  probes: 0,
  /** answers of the billing simulation, by status and code */
  simulations: new Map<string, number>(),
};
const tally = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const listed = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}×${n}`).join(', ');
const months = new Set<string>();

interface Answer {
  status: number;
  json: any;
  text: string;
}

/**
 * One request. Never a 5xx; every 4xx is JSON with a code: otherwise a violation, with what was
 * sent and the end of the service's log.
 */
async function call(violations: string[], method: 'GET' | 'POST' | 'PUT', path: string, who: TestPrincipal, body?: unknown): Promise<Answer> {
  figures.requests += 1;
  const what = `${method} ${path} as ${who.role} ${who.organisation} (${who.region})${body === undefined ? '' : ` ${JSON.stringify(body)}`}`;
  let r: Response;
  try {
    r = await fetch(`${stack.base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(await authHeader(who)) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    violations.push(`${what} → no answer: ${(err as Error).message}${stack.crashed ? `\n${stack.crashed}` : ''}`);
    return { status: 0, json: undefined, text: '' };
  }
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (r.status >= 500) violations.push(`${what} → ${r.status} ${text.slice(0, 400)}\nservice log:\n${stack.serviceLog().slice(-2500)}`);
  else if (r.status >= 400 && typeof json?.error?.code !== 'string') violations.push(`${what} → ${r.status} without a JSON error code: ${text.slice(0, 400)}`);
  return { status: r.status, json, text };
}

// ---- the processes -----------------------------------------------------------------------------------

interface View extends TrackedState {
  version: number;
  status: string;
  timeline: { seq: number; action: string; actor?: unknown }[];
  messages: { messageId: string; recipients: Party[]; occurredAt?: string }[];
  startDate?: string;
  interventions?: string[];
}

type Resolved = { type: string; [k: string]: unknown };

interface Driven {
  kind: ProcessKind;
  id: string;
  workflowId: string;
  startedAt: string;
  base: string;
  reader: TestPrincipal;
  /** the ledger's row of the process and its process_type */
  table: { name: string; key: string; processType: string };
  path(type: string): string | undefined;
  /** the concrete action the step becomes against the current state */
  resolve(step: ActStep, s: View, now: string): Resolved;
  parties: Party[];
  roles(type: string): readonly Role[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const strip = ({ type: _t, ...body }: Resolved) => body;

let patients = 0;
const patient = () => ({ kind: 'reservnummer', value: `MODEL-${process.pid % 10000}-${++patients}` });

async function start(seq: Sequence, violations: string[]): Promise<Driven | undefined> {
  const startedAt = iso(Date.now() - seq.startHoursBack * HOUR);
  let d: Driven;
  let answer: Answer;
  switch (seq.process) {
    case 'discharge': {
      const parties = { inpatient, municipality, primaryCare, ...(seq.psychiatric ? { psychiatricOutpatient } : {}) };
      const body = {
        region: REGION, patient: patient(), residenceMunicipality: UNITS.municipality, inpatientUnit: UNITS.inpatient, primaryCareUnit: UNITS.primaryCare,
        psychiatric: seq.psychiatric, ...(seq.psychiatric ? { psychiatricOutpatientUnit: UNITS.psychiatricOutpatient } : {}), admittedAt: startedAt,
      };
      answer = await call(violations, 'POST', '/api/episodes', staffOf(inpatient), body);
      d = {
        kind: 'discharge', id: answer.json?.episodeId, workflowId: answer.json?.workflowId, startedAt, base: `/api/episodes/${answer.json?.episodeId}`, reader: staffOf(inpatient),
        table: { name: 'episodes', key: 'episode_id', processType: 'discharge' },
        path: (type) => ACTION_BODIES[type as keyof typeof ACTION_BODIES]?.path,
        resolve: (step, s, now) => dischargeAction(step, s, parties, now) as unknown as Resolved,
        parties: Object.values(parties),
        roles: (type) => ACTION_ROLES.discharge[type as keyof typeof ACTION_ROLES.discharge] ?? [],
      };
      break;
    }
    case 'homeCare': {
      const body = { region: REGION, patient: patient(), residenceMunicipality: UNITS.municipality, primaryCareUnit: UNITS.primaryCare, consent: 'given', startedAt };
      answer = await call(violations, 'POST', '/api/home-care/enrollments', staffOf(primaryCare), body);
      d = {
        kind: 'homeCare', id: answer.json?.enrollmentId, workflowId: answer.json?.workflowId, startedAt, base: `/api/home-care/enrollments/${answer.json?.enrollmentId}`, reader: staffOf(primaryCare),
        table: { name: 'home_care_enrollments', key: 'enrollment_id', processType: 'homeHealthCare' },
        path: (type) => ENROLLMENT_ACTIONS[type as keyof typeof ENROLLMENT_ACTIONS]?.path,
        resolve: (step, s, now) => homeCareAction(step, s, { municipality, primaryCare }, now) as unknown as Resolved,
        parties: [municipality, primaryCare],
        roles: (type) => ACTION_ROLES.homeHealthCare[type as keyof typeof ACTION_ROLES.homeHealthCare] ?? [],
      };
      break;
    }
    case 'homeVisit': {
      const startDate = localDateOf(new Date(Date.parse(startedAt) + DAY));
      const endDate = localDateOf(new Date(Date.parse(startedAt) + 8 * DAY));
      const body = { region: REGION, patient: patient(), residenceMunicipality: UNITS.municipality, primaryCareUnit: UNITS.primaryCare, interventions: INTERVENTIONS, startDate, endDate, orderedAt: startedAt };
      answer = await call(violations, 'POST', '/api/home-visits', staffOf(primaryCare), body);
      d = {
        kind: 'homeVisit', id: answer.json?.orderId, workflowId: answer.json?.workflowId, startedAt, base: `/api/home-visits/${answer.json?.orderId}`, reader: staffOf(primaryCare),
        table: { name: 'home_visit_orders', key: 'order_id', processType: 'singleHomeVisit' },
        path: (type) => VISIT_ORDER_ACTIONS[type as keyof typeof VISIT_ORDER_ACTIONS]?.path,
        resolve: (step, s, now) => visitAction(step, s, { municipality, primaryCare }, { startDate: s.startDate ?? startDate, interventions: s.interventions ?? INTERVENTIONS }, now) as unknown as Resolved,
        parties: [municipality, primaryCare],
        roles: (type) => ACTION_ROLES.singleHomeVisit[type as keyof typeof ACTION_ROLES.singleHomeVisit] ?? [],
      };
      break;
    }
  }
  if (answer.status !== 201) {
    violations.push(`${seq.process} not started: ${answer.status} ${answer.text.slice(0, 300)}`);
    return undefined;
  }
  // the start is recorded by the workflow's first task, a moment after the start is answered
  for (let i = 0; i < 100; i++) {
    const v = await state(d, violations);
    if (!v) return undefined;
    if (v.version >= 1) return d;
    await sleep(100);
  }
  violations.push(`${seq.process} ${d.id}: the start was never recorded (version 0 after 10 s)`);
  return undefined;
}

async function state(p: Driven, violations: string[]): Promise<View | undefined> {
  const r = await call(violations, 'GET', p.base, p.reader);
  if (r.status !== 200) {
    violations.push(`GET ${p.base} → ${r.status} ${r.text.slice(0, 300)}`);
    return undefined;
  }
  return r.json as View;
}

/**
 * Who sends the action when it is sent by the right party: the party it names (`party`,
 * `sender`), a coordinator for closing a deviation, else a party of the process whose role may do
 * it (the first the step picks). Named parties outside the process are the generator's invalid
 * actions: they are sent as that party, and refused.
 */
function rightActor(p: Driven, step: ActStep, action: Record<string, unknown>): TestPrincipal {
  if (action.type === 'closeDeviation') return { role: 'coordinator', organisation: COORDINATOR_ORGS[step.pick2 % COORDINATOR_ORGS.length]!, region: REGION };
  const named = (action.party ?? action.sender) as Party | undefined;
  if (named) return staffOf(named);
  const roles = p.roles(action.type as string);
  const candidates = p.parties.filter((x) => roles.includes(ROLE_OF_KIND[x.kind]));
  return staffOf(candidates.length ? candidates[step.pick2 % candidates.length]! : p.parties[0]!);
}


/** What a refused request left behind: nothing, or only what the process's own clock recorded meanwhile. */
function refusalChanges(before: View, after: View): 'none' | 'drift' | string {
  const lastSeq = before.timeline[before.timeline.length - 1]?.seq ?? 0;
  const added = after.timeline.filter((e) => e.seq > lastSeq);
  const versions = after.version - before.version;
  if (versions === 0 && added.length === 0 && after.timeline.length === before.timeline.length) return 'none';
  if (versions === added.length && added.every((e) => !e.actor)) return 'drift';
  return `version ${before.version} → ${after.version}, timeline ${before.timeline.length} → ${after.timeline.length} (${added.map((e) => `${e.action}${e.actor ? ' by ' + JSON.stringify(e.actor) : ''}`).join(', ')})`;
}

async function act(p: Driven, step: ActStep, violations: string[], tolerate404 = TOLERATE_404_ON_ENDED_PROCESS): Promise<Answer | undefined> {
  const before = await state(p, violations);
  if (!before) return undefined;
  const now = iso(Date.now());
  const action = p.resolve(withinProcess(step, now, p.startedAt), before, now);
  const right = rightActor(p, step, action);
  // one step in six, by someone else (not at 0: a shrunk step is sent by the right party)
  const wrong = step.actor % 6 === 5 ? WRONG_ACTORS[Math.floor(step.actor / 6) % WRONG_ACTORS.length]! : undefined;
  const who = wrong ? wrong.who(right) : right;
  const endpoint = p.path(action.type);
  if (!endpoint) {
    violations.push(`${p.kind}: the generator's action ${action.type} has no endpoint in the API`);
    return undefined;
  }
  const path = `${p.base}/${endpoint}`;
  figures.actions += 1;
  if (wrong) figures.wrongActors += 1;
  const r = await call(violations, 'POST', path, who, strip(action));
  const after = await state(p, violations);
  if (!after || r.status === 0 || r.status >= 500) return r;
  const what = `${p.kind} ${p.id}: ${action.type} ${JSON.stringify(strip(action))} as ${who.role} ${who.organisation} (${who.region})${wrong ? `, ${wrong.what}` : ''}`;
  if (r.status < 300) {
    figures.accepted += 1;
    tally(figures.acceptedTypes, `${p.kind}.${action.type}`);
    if (wrong) violations.push(`${what}: accepted (${r.status}) from someone with no business with the process`);
    if (!(after.version > before.version)) violations.push(`${what}: accepted, but the version stayed ${before.version} → ${after.version}`);
    if (!(typeof r.json?.version === 'number' && r.json.version > before.version)) violations.push(`${what}: accepted, but answered version ${r.json?.version} (before ${before.version})`);
    return r;
  }
  figures.refusals += 1;
  const code = `${r.status} ${r.json?.error?.code}`;
  tally(figures.codes, code);
  if (wrong && r.status !== 403 && r.status !== 404) violations.push(`${what}: refused with ${code}, not 403/404`);
  // the process exists (GET answers it): "no such process" is not the answer to an action on it
  if (!wrong && r.status === 404 && tolerate404) figures.ended404 += 1;
  else if (!wrong && r.status === 404) violations.push(`${what}: refused with ${code} (${r.json?.error?.message}), but the process exists (GET answers it, status ${after.status})`);
  const changed = refusalChanges(before, after);
  if (changed === 'drift') figures.drift += 1;
  else if (changed !== 'none') violations.push(`${what}: refused (${code}) but the state changed: ${changed}`);
  return r;
}

/** Until the process's workflow has ended (Temporal's own answer, not the API's). */
async function untilEnded(p: Driven): Promise<string> {
  const { client, close } = await stack.client();
  try {
    for (let i = 0; i < 100; i++) {
      const status = (await client.workflow.getHandle(p.workflowId).describe()).status.name;
      if (status !== 'RUNNING') return status;
      await sleep(100);
    }
    return 'RUNNING';
  } finally {
    await close();
  }
}

async function downtime(step: { startHoursBack: number; hours: number }, violations: string[]): Promise<void> {
  const now = Date.now();
  const startsAt = now - step.startHoursBack * HOUR;
  const body = { startsAt: iso(startsAt), endsAt: iso(Math.min(now, startsAt + step.hours * HOUR)), reason: 'Modelltest: driftstopp' };
  const r = await call(violations, 'POST', `/api/regions/${REGION}/downtime`, ADMIN, body);
  if (r.status === 201) figures.downtimes += 1;
  else if (r.status < 500) violations.push(`downtime ${JSON.stringify(body)} → ${r.status} ${r.text.slice(0, 300)}`);
}

// ---- after a sequence --------------------------------------------------------------------------------

const pairs = (rows: { id: string; status: string }[]) => rows.map((r) => `${r.id}:${r.status}`).sort();

/** The ledger (PostgreSQL) equals the workflow's state (docs/domain.md §8), once the projection caught up. */
async function ledgerViolations(p: Driven, violations: string[]): Promise<string[]> {
  let diff: string[] = [];
  for (let i = 0; i < 80; i++) {
    const v = await state(p, violations);
    if (!v) return [];
    const row = (await pool.query(`select version, status from ${p.table.name} where ${p.table.key} = $1`, [p.id])).rows[0] as { version: number; status: string } | undefined;
    const devs = (await pool.query('select deviation_id as id, status from deviations where process_type = $1 and process_id = $2', [p.table.processType, p.id])).rows;
    const obls = (await pool.query('select obligation_id as id, status from obligations where process_type = $1 and process_id = $2', [p.table.processType, p.id])).rows;
    diff = [];
    if (!row) diff.push('no row');
    else {
      if (Number(row.version) !== v.version) diff.push(`version ${row.version}, the workflow ${v.version}`);
      if (row.status !== v.status) diff.push(`status ${row.status}, the workflow ${v.status}`);
    }
    const wd = pairs(v.deviations.map((d) => ({ id: d.deviationId, status: d.status })));
    const wo = pairs(v.obligations.map((o) => ({ id: o.obligationId, status: o.status })));
    if (JSON.stringify(pairs(devs)) !== JSON.stringify(wd)) diff.push(`deviations ${JSON.stringify(pairs(devs))}, the workflow ${JSON.stringify(wd)}`);
    if (JSON.stringify(pairs(obls)) !== JSON.stringify(wo)) diff.push(`obligations ${JSON.stringify(pairs(obls))}, the workflow ${JSON.stringify(wo)}`);
    if (diff.length === 0) return [];
    await sleep(250);
  }
  return [`ledger of ${p.kind} ${p.id} differs from the workflow's state after 20 s: ${diff.join('; ')}`];
}

/**
 * What staff and coordinators read from the ledger answers: the parties' inboxes, the
 * coordinators' inboxes, the region's downtime windows, the full timeline of a home-care process.
 */
async function readProbes(p: Driven, violations: string[]): Promise<void> {
  const reads: [string, TestPrincipal][] = [
    ...p.parties.map((x): [string, TestPrincipal] => [`/api/units/${x.id}/inbox?limit=500`, staffOf(x)]),
    ...COORDINATOR_ORGS.map((o): [string, TestPrincipal] => [`/api/coordinators/${o}/inbox?limit=500`, { role: 'coordinator', organisation: o, region: REGION }]),
    [`/api/regions/${REGION}/downtime`, staffOf(p.parties[0]!)],
    ...(p.kind === 'discharge' ? [] : [[`${p.base}/timeline`, p.reader] as [string, TestPrincipal]]),
  ];
  for (const [path, who] of reads) {
    figures.probes += 1;
    const r = await call(violations, 'GET', path, who);
    if (r.status !== 200 && r.status !== 0 && r.status < 500) violations.push(`GET ${path} as ${who.role} ${who.organisation} → ${r.status} ${r.text.slice(0, 300)}`);
  }
}

/** The months from the start's (Swedish) month to today's. */
function monthsFrom(startedAt: string): string[] {
  const out: string[] = [];
  const last = localDateOf(new Date()).slice(0, 7);
  for (let m = localDateOf(new Date(startedAt)).slice(0, 7); m <= last; ) {
    out.push(m);
    const [y, mo] = m.split('-').map(Number) as [number, number];
    m = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  }
  return out;
}

/** Billing simulates in whole öre, every total the sum of its lines, or refuses with a 409 and a code. */
async function simulateViolations(month: string, ruleSet: string, compareWith: string | undefined, violations: string[]): Promise<void> {
  const body = { region: REGION, from: month, to: month, ruleSet, ...(compareWith ? { compareWith } : {}) };
  figures.billing += 1;
  const r = await call(violations, 'POST', '/api/billing/simulate', BILLING, body);
  tally(figures.simulations, r.status === 200 ? '200' : `${r.status} ${r.json?.error?.code}`);
  if (r.status === 409 || r.status === 0 || r.status >= 500) return; // a 409 has its code (call); a 5xx is recorded
  if (r.status !== 200) {
    violations.push(`POST /api/billing/simulate ${JSON.stringify(body)} → ${r.status} ${r.text.slice(0, 300)}`);
    return;
  }
  const what = `simulate ${ruleSet}${compareWith ? ` vs ${compareWith}` : ''} ${month}`;
  const x = r.json as { months: { month: string; results: { ruleSetId: string; totalOre: number; municipalities: { totalOre: number }[] }[] }[]; totals: { ruleSetId: string; totalOre: number; byMunicipality: Record<string, number> }[]; comparison?: { a: number; b: number; differenceOre: number }[] };
  for (const m of x.months) for (const res of m.results) violations.push(...moneyViolations(res.totalOre, res.municipalities.map((y) => y.totalOre), `${what}: ${res.ruleSetId} ${m.month}`));
  x.totals.forEach((t, i) => {
    violations.push(...moneyViolations(t.totalOre, Object.values(t.byMunicipality), `${what}: total ${t.ruleSetId} by municipality`));
    violations.push(...moneyViolations(t.totalOre, x.months.map((m) => m.results[i]!.totalOre), `${what}: total ${t.ruleSetId} by month`));
  });
  for (const c of x.comparison ?? []) violations.push(...moneyViolations(c.differenceOre, [c.b, -c.a], `${what}: comparison`));
}

async function billingViolations(monthsTouched: string[], rotation: number, violations: string[]): Promise<void> {
  for (const month of monthsTouched) {
    for (const [i, ruleSet] of RULE_SET_IDS.entries()) {
      await simulateViolations(month, ruleSet, undefined, violations);
      // one comparison per rule set and sequence; over the run, every pair
      await simulateViolations(month, ruleSet, RULE_SET_IDS[(i + 1 + (rotation % (RULE_SET_IDS.length - 1))) % RULE_SET_IDS.length], violations);
    }
    const groupBy = ['municipality', 'hospital', 'unit'][rotation % 3];
    for (const q of [`month=${month}`, `month=${month}&window=rolling12&groupBy=${groupBy}`, `month=${month}&care=psychiatric`]) {
      figures.indicators += 1;
      const r = await call(violations, 'GET', `/api/indicators?region=${REGION}&${q}`, BILLING);
      if (r.status !== 200 && r.status < 500 && r.status !== 0) violations.push(`GET /api/indicators?region=${REGION}&${q} → ${r.status} ${r.text.slice(0, 300)}`);
    }
  }
}

/**
 * The administrator enters the reference data of the months under test (the daily amount of
 * today's year, the national average of the year before): until then the simulation refuses the
 * rule sets that need them (409 DAILY_AMOUNT_MISSING, NATIONAL_AVERAGE_MISSING), after it computes.
 * Entered after the first run, so that a run covers both.
 */
let referenceEntered = false;
async function enterReferenceData(violations: string[]): Promise<void> {
  referenceEntered = true;
  const year = Number(localDateOf(new Date()).slice(0, 4));
  for (const [path, body] of [
    [`/api/billing/daily-amounts/${year}`, { amountOre: 9_900_00, source: 'Modelltest (not a real amount)' }],
    [`/api/billing/national-averages/${year - 1}`, { hundredths: 250, source: 'Modelltest (not a real average)' }],
  ] as const) {
    const r = await call(violations, 'PUT', path, ADMIN, body);
    if (r.status !== 200) violations.push(`PUT ${path} → ${r.status} ${r.text.slice(0, 300)}`);
  }
}

// ---- one sequence --------------------------------------------------------------------------------------

let sequenceNo = 0;

async function run(seq: Sequence): Promise<string[]> {
  const violations: string[] = [];
  const no = ++sequenceNo;
  figures.sequences += 1;
  const p = await start(seq, violations);
  if (!p) return violations;
  for (const step of seq.steps) {
    if (step.kind === 'wait') figures.waitsSkipped += 1;
    else if (step.kind === 'downtime') await downtime(step, violations);
    else await act(p, step, violations);
    if (violations.length) break;
    const s = await state(p, violations);
    if (s) violations.push(...[...deviationViolations(s), ...orderViolations(s)].map((v) => `${p.kind} ${p.id}: ${v}`));
    if (violations.length) break;
  }
  const end = await state(p, violations);
  if (end) {
    end.deviations.forEach((d) => tally(figures.deviations, `${d.obligationId ? d.type : 'reported'}:${d.status}`));
    figures.graced += end.obligations.filter((o) => o.judgeAt).length;
  }
  if (violations.length === 0) violations.push(...(await ledgerViolations(p, violations)));
  await readProbes(p, violations);
  const touched = monthsFrom(p.startedAt);
  touched.forEach((m) => months.add(m));
  await billingViolations(touched, no, violations);
  return violations.map((v) => `[${seq.process} ${p.id}] ${v}`);
}

/** Every run on the server, open and closed, by a visibility list (the dev server has them). */
async function* everyHistory(): AsyncIterable<ReplaySource> {
  const { client, close } = await stack.client();
  try {
    for await (const h of client.workflow.list().intoHistories()) yield { ...h, source: 'server' };
  } finally {
    await close();
  }
}

describe('the real service under generated action sequences, through its HTTP API', () => {
  it('keeps every invariant: no 5xx, refusals with a code that change nothing, wrong actors refused, deviations never before their deadline, the ledger equal to the workflows, billing and indicators computable', async () => {
    const seed = modelSeed();
    const started = Date.now();
    const arb = fc.tuple(sequenceArb('discharge', MAX_STEPS, 4), sequenceArb('homeCare', MAX_STEPS, 4), sequenceArb('homeVisit', MAX_STEPS, 4));
    const result = await fc.check(
      fc.asyncProperty(arb, async (seqs) => {
        if (!referenceEntered && figures.sequences >= 3) {
          const v: string[] = [];
          await enterReferenceData(v);
          if (v.length) throw new Error(v.join('\n'));
        }
        // the three processes side by side, as a region's staff work
        const v = (await Promise.all(seqs.map((s) => run(s)))).flat();
        if (v.length) throw new Error(v.join('\n'));
      }),
      { seed, numRuns: RUNS, endOnFailure: process.env.MODEL_SHRINK !== '1' },
    );
    // every pair of rule sets, alone and compared, over every month the run touched
    const sweep: string[] = [];
    for (const month of [...months].sort()) {
      for (const a of RULE_SET_IDS) for (const b of [undefined, ...RULE_SET_IDS.filter((x) => x !== a)]) await simulateViolations(month, a, b, sweep);
    }
    console.log(
      `model (API): seed=${seed} runs=${RUNS} sequences=${figures.sequences} actions=${figures.actions} refusals=${figures.refusals}` +
        ` (accepted=${figures.accepted} wrongActors=${figures.wrongActors} drift=${figures.drift} downtimes=${figures.downtimes} waitsSkipped=${figures.waitsSkipped}` +
        ` requests=${figures.requests} simulations=${figures.billing} indicatorReports=${figures.indicators} months=${[...months].sort().join(',')} mails=${smtp.inbox.items.length}` +
        ` graced=${figures.graced} ended404=${figures.ended404} probes=${figures.probes} time=${Math.round((Date.now() - started) / 1000)}s)` +
        `\nrefusals by code: ${listed(figures.codes)}\naccepted: ${listed(figures.acceptedTypes)}\ndeviations at the ends: ${listed(figures.deviations)}\nsimulations: ${listed(figures.simulations)}`,
    );
    if (result.failed) throw new Error(`${fc.defaultReportMessage(result)}\n${String((result.errorInstance as Error)?.message ?? '')}`);
    expect(sweep).toEqual([]);
    expect(stack.crashed).toBeUndefined();
  });
});

/** A step of a regression, with the generator's neutral choices unless given. */
const stepOf = (type: string, o: Partial<ActStep> = {}): ActStep => ({ kind: 'act', type, hoursBack: 0, pick: 0, pick2: 0, flag: true, days: 0, actor: 0, ...o });

/** Shrunk counterexamples found by this runner, kept as named regressions. */
describe('regressions found by this runner', () => {
  const regression = TOLERATE_404_ON_ENDED_PROCESS ? it.skip : it;

  /*
   * Seed 1868250474, shrunk (68 times) to: a home visit ordered an hour ago, cancelled by the
   * health centre (the order has nothing left to wait for: its workflow completes), then a
   * coordinator closes a deviation on it. The API answered 404 ORDER_NOT_FOUND "There is no single
   * home visit order with that id." for an order GET still answers (status cancelled). Expected:
   * 409 PROCESS_CLOSED. Cause: the service's Temporal client runs on a NativeConnection, whose
   * WorkflowNotFoundError for an update to a completed workflow has an empty message, so
   * temporalError (src/api/routes/discharge.ts) never sees 'workflow execution already completed'
   * and answers 404; the API tests' client (grpc-js Connection) carries the message, which is why
   * they pass. Fixed in 9cc143b (updateError treats 'not found' after a successful authorisation as
   * closed); TOLERATE_404_ON_ENDED_PROCESS = true would skip these again.
   */
  regression('a coordinator closing a deviation on a cancelled home visit order: 409 PROCESS_CLOSED, not 404 ORDER_NOT_FOUND (seed 1868250474, shrunk)', async () => {
    const violations: string[] = [];
    const p = (await start({ process: 'homeVisit', startHoursBack: 1, psychiatric: false, steps: [] }, violations))!;
    expect(violations).toEqual([]);
    const cancelled = await act(p, stepOf('cancel', { flag: false }), violations, false);
    expect(cancelled?.status).toBe(200);
    expect(await untilEnded(p)).toBe('COMPLETED');
    const r = await act(p, stepOf('closeDeviation'), violations, false);
    expect(violations).toEqual([]);
    expect([r?.status, r?.json?.error?.code]).toEqual([409, 'PROCESS_CLOSED']);
  });

  // The same defect on the other process with its own route: an enrollment the municipality declined.
  regression('the named care contact of a declined home-care enrollment: 409 PROCESS_CLOSED, not 404 ENROLLMENT_NOT_FOUND', async () => {
    const violations: string[] = [];
    const p = (await start({ process: 'homeCare', startHoursBack: 1, psychiatric: false, steps: [] }, violations))!;
    expect(violations).toEqual([]);
    const declined = await act(p, stepOf('decideEnrollment'), violations, false); // pick 0: decline, with a reason
    expect([declined?.status, declined?.json?.status]).toEqual([200, 'notEnrolled']);
    expect(await untilEnded(p)).toBe('COMPLETED');
    const r = await act(p, stepOf('appointNamedCareContact'), violations, false);
    expect(violations).toEqual([]);
    expect([r?.status, r?.json?.error?.code]).toEqual([409, 'PROCESS_CLOSED']);
  });
});

describe('replay', () => {
  it('every workflow history on the stack’s Temporal server replays', async () => {
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, everyHistory());
    console.log(`model (API): ${summary.replayed} histories replayed (${Object.entries(summary.byType).map(([t, n]) => `${t}×${n}`).join(', ')}) in ${summary.durationMs} ms`);
    expect(summary.replayed).toBeGreaterThan(0);
    if (summary.failures.length) throw new Error(`${summary.failures.length} of ${summary.replayed} histories do not replay:\n${summary.failures.map((f) => `  ${describeFailure(f)}`).join('\n')}`);
  });
});
