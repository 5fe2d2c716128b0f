/**
 * `npm run bench:national` — a month of one large Swedish region, played on the time-skipping
 * Temporal test server (issue 21, "A national-scale load model"; a script, not a test).
 *
 * What it plays (figures and their sources: scripts/lib/national-figures.ts):
 * - a Stockholm-sized region's coordinated-discharge episodes of one month (derived from SKR's
 *   ready-bed figure, the national mean ready days and an assumed same-day share), simulated as
 *   Region Gävleborg (its 10 municipalities, agreements and process settings, src/domain/regions.ts)
 *   scaled up to that volume;
 * - each episode's staff actions (the complete flow (a) with consent of bench:discharge, as
 *   direct Workflow Updates) at the times staff would take them: inpatient staff every day
 *   08–20, municipality and primary-care staff on weekdays 08–16:30 by the Swedish calendar
 *   (src/domain/calendar.ts), admissions round the clock; ready days drawn from the national
 *   distribution; a few acknowledgements late, so deadlines pass and deviations, reminders and
 *   escalations happen on the workflows' own timers;
 * - the monthly close (workflow `monthlyClose`) at the time its Schedule would start it (day 5,
 *   06:00 of the next month, BILLING_CLOSE_DAY/HOUR defaults), through its review period to the
 *   final invoices.
 *
 * The clock: the Java time-skipping test server from .tools/ (as test/helpers/temporal.ts starts it)
 * with one worker of the real workflows and activities and an in-memory PGlite ledger in this
 * process. The script drives the server's clock: during working hours (weekdays 07–18 local) it
 * advances in ticks of 250 ms of wall time (the actions of a tick are released at their own moments within it), paced to wall time; nights, weekends and holidays are skipped
 * (timers fire as the clock passes them). Speed: the offered load is the whole region's at
 * BENCH_NATIONAL_SPEED times real time (default 100×). Playing a fraction BENCH_NATIONAL_SCALE of
 * the region's episodes, the clock runs at SPEED / SCALE so that the actions per second offered
 * are the same as the whole region's at SPEED× (a month's working hours at a literal 100× clock
 * take about 2½ hours of wall time; SCALE=1 does exactly that). The clock never runs ahead of
 * actions that are more than 10 simulated minutes overdue (closed loop): if the worker cannot keep
 * up, the achieved speed is lower, and is reported.
 *
 * Environment: BENCH_NATIONAL_SCALE (default 0.04), BENCH_NATIONAL_SPEED (100),
 * BENCH_NATIONAL_EPISODES (the whole region's episodes per month; default derived from the
 * figures), BENCH_NATIONAL_MONTH (YYYY-MM; default the first month that starts at least
 * BENCH_NATIONAL_RUNIN_DAYS from now), BENCH_NATIONAL_RUNIN_DAYS (5: episodes admitted before the
 * month, so that it starts with patients in the wards), BENCH_NATIONAL_CACHE (the worker's
 * maxCachedWorkflows; default the SDK's), BENCH_NATIONAL_SEED (1).
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { DischargeAction, DischargeActionType } from '../src/domain/discharge/actions';
import type { Message, StartEpisodeInput } from '../src/domain/discharge/types';
import { isWeekday, localDateOf, TIME_ZONE } from '../src/domain/calendar';
import type { Party } from '../src/domain/obligations';
import { DEFAULT_REGIONS, findRegion } from '../src/domain/regions';
import { openLedger, type LedgerStore } from '../src/db/ledger';
import { dailyAmounts, setDailyAmount } from '../src/db/billing';
import { NATIONAL_DAILY_AMOUNTS } from '../src/domain/reference/daily-amounts';
import { dataConverter } from '../src/temporal/codec';
import { searchAttributeTypes } from '../src/temporal/search-attributes';
import { closeInputFor } from '../src/temporal/schedules';
import { testServerPath, toolVersions } from '../src/temporal/tools';
import { createWorker } from '../workers/worker';
import { dischargeStartAttributes, dischargeWorkflowType, type DischargeWorkflow, dischargeUpdates, dischargeWorkflowId, episodeQuery, type EpisodeView } from '../workflows/discharge/contract';
import { type CloseView, closeQuery, monthlyCloseWorkflowId, monthlyCloseWorkflowType, type MonthlyCloseWorkflow } from '../workflows/monthly-close/contract';
import { f1, f2, median, percentile, processCpu, withDescendants, writeBenchmarkSection } from './lib/benchmarks';
import { freePorts, portOpen } from './lib/service';
import {
  DERIVATION, LARGE_REGION_POPULATION_SHARE, NATIONAL_MEAN_READY_DAYS, NATIONAL_READY_BEDS_PER_DAY_2023, PROCESS_ASSUMPTIONS,
  READY_DAYS_SHAPE, regionEpisodesPerMonth, SAME_DAY_SHARE,
} from './lib/national-figures';

// ---- parameters ----------------------------------------------------------------------------------

function numEnv(name: string, def: number, min: number, max = Infinity, integer = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    console.error(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}] (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return n;
}

const SCALE = numEnv('BENCH_NATIONAL_SCALE', 0.04, 0.001, 1);
const SPEED = numEnv('BENCH_NATIONAL_SPEED', 100, 1);
const REGION_EPISODES = numEnv('BENCH_NATIONAL_EPISODES', regionEpisodesPerMonth(), 1, 1e7, true);
const RUNIN_DAYS = numEnv('BENCH_NATIONAL_RUNIN_DAYS', 5, 0, 30, true);
const CACHE = process.env.BENCH_NATIONAL_CACHE ? numEnv('BENCH_NATIONAL_CACHE', 0, 2, 1e6, true) : undefined;
const SEED = numEnv('BENCH_NATIONAL_SEED', 1, 0, 2 ** 31, true);
/** simulated ms per wall ms during working hours */
const CLOCK = SPEED / SCALE;
/** wall time of one paced tick: the server's clock moves once per tick, the actions in it are released at their own moments */
const TICK_WALL_MS = 250;
const TICK_SIM_MS = Math.max(1000, Math.round(TICK_WALL_MS * CLOCK));
/** the clock waits for actions more overdue than this (simulated) */
const MAX_LAG_SIM_MS = Math.max(10 * 60_000, 2 * TICK_SIM_MS);

const REGION = findRegion(DEFAULT_REGIONS, 'gavleborg')!;
const TASK_QUEUE = 'bench-national';
const ACTOR = { userId: 'bench-national', organisation: 'benchmark' };
const INPATIENT_UNITS = Array.from({ length: 24 }, (_, i) => `SE2321000180-AVD${String(i + 1).padStart(2, '0')}`);
const HEALTH_CENTRES = Array.from({ length: 40 }, (_, i) => `SE2321000180-VC${String(i + 1).padStart(2, '0')}`);
/** municipalities weighted roughly by population (Gävle and Sandviken largest) */
const MUNICIPALITY_WEIGHTS: [string, number][] = REGION.municipalities.map((m) => [m.code, m.code === '2180' ? 6 : m.code === '2181' || m.code === '2184' || m.code === '2183' || m.code === '2182' ? 2.5 : 1]);

// ---- time ----------------------------------------------------------------------------------------

const local = (ms: number) => DateTime.fromMillis(ms, { zone: TIME_ZONE });
const atLocal = (date: string, hour: number, minute = 0) => DateTime.fromISO(`${date}T00:00`, { zone: TIME_ZONE }).set({ hour, minute }).toMillis();
const dateOf = (ms: number) => localDateOf(new Date(ms));
const addDaysLocal = (date: string, n: number) => DateTime.fromISO(date, { zone: TIME_ZONE }).plus({ days: n }).toISODate()!;
const HOUR = 3_600_000;
const MIN = 60_000;

/** weekdays 07–18 local: the clock is paced (staff work); otherwise it skips */
function paced(ms: number): boolean {
  const t = local(ms);
  return isWeekday(t.toISODate()!) && t.hour >= 7 && t.hour < 18;
}
function nextPacedStart(ms: number): number {
  let d = local(ms).toISODate()!;
  for (let i = 0; i < 30; i++, d = addDaysLocal(d, 1)) {
    const start = atLocal(d, 7);
    const end = atLocal(d, 18);
    if (isWeekday(d) && end > ms) return Math.max(start, ms);
  }
  return ms + 24 * HOUR;
}

// ---- deterministic randomness ------------------------------------------------------------------

function rng(seed: number) {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}
const rand = rng(SEED);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
function weighted(ws: [string, number][]): string {
  const total = ws.reduce((n, [, w]) => n + w, 0);
  let r = rand() * total;
  for (const [k, w] of ws) if ((r -= w) <= 0) return k;
  return ws[ws.length - 1]![0];
}
/** ready days: 0 with the same-day share, else geometric with the national mean (capped at 30) */
function drawReadyDays(): number {
  if (rand() < SAME_DAY_SHARE.value) return 0;
  const q = 1 - 1 / NATIONAL_MEAN_READY_DAYS.value;
  let k = 1;
  while (rand() < q && k < 30) k++;
  return k;
}

/** the first moment at or after `ms` that an inpatient unit acts (every day 08–20), plus a random few minutes */
function inpatientSlot(ms: number): number {
  const t = local(ms);
  if (t.hour >= 8 && t.hour < 20) return ms;
  const day = t.hour >= 20 ? addDaysLocal(t.toISODate()!, 1) : t.toISODate()!;
  return atLocal(day, 8) + Math.floor(rand() * 90) * MIN;
}
/** the first moment at or after `ms` that a municipality or health centre acts (weekdays 08–16:30) */
function officeSlot(ms: number): number {
  let t = local(ms);
  for (let i = 0; i < 30; i++) {
    const d = t.toISODate()!;
    const open = atLocal(d, 8);
    const close = atLocal(d, 16, 30);
    if (isWeekday(d) && ms < close) return Math.max(ms, open + (ms < open ? Math.floor(rand() * 120) * MIN : 0));
    t = local(atLocal(addDaysLocal(d, 1), 0));
    ms = t.toMillis();
  }
  return ms;
}
/** two weekdays later, at the same office hours: after an acknowledgement deadline (end of the first weekday after) */
function lateOfficeSlot(ms: number): number {
  let d = dateOf(ms);
  for (let n = 0; n < 2; ) { d = addDaysLocal(d, 1); if (isWeekday(d)) n++; }
  return officeSlot(atLocal(d, 9) + Math.floor(rand() * 360) * MIN);
}

// ---- the simulated clock -------------------------------------------------------------------------

interface Waiter { at: number; resolve: () => void }

class SimClock {
  now: number;
  private waiters: Waiter[] = [];
  /** due times of the actions in flight */
  readonly inFlight = new Map<number, number>();
  private seq = 0;
  constructor(now: number) { this.now = now; }
  at(ms: number): Promise<void> {
    if (ms <= this.now) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at: ms, resolve }));
  }
  nextWaiter(): number | undefined {
    let min: number | undefined;
    for (const w of this.waiters) if (min === undefined || w.at < min) min = w.at;
    return min;
  }
  /** releases the waiters due by `now`, each after the wall time its offset from `from` takes at the clock's speed */
  releaseSpread(from: number, wallMsPerSimMs: number, elapsedWallMs: number): void {
    const due = this.waiters.filter((w) => w.at <= this.now);
    this.waiters = this.waiters.filter((w) => w.at > this.now);
    for (const w of due) {
      const wait = Math.max(0, (w.at - from) * wallMsPerSimMs - elapsedWallMs);
      if (wait < 1) w.resolve();
      else setTimeout(w.resolve, wait);
    }
  }
  release(): number {
    const due = this.waiters.filter((w) => w.at <= this.now);
    if (due.length === 0) return 0;
    this.waiters = this.waiters.filter((w) => w.at > this.now);
    for (const w of due) w.resolve();
    return due.length;
  }
  begin(due: number): number { const k = ++this.seq; this.inFlight.set(k, due); return k; }
  end(k: number): void { this.inFlight.delete(k); }
  oldestInFlight(): number | undefined {
    let min: number | undefined;
    for (const v of this.inFlight.values()) if (min === undefined || v < min) min = v;
    return min;
  }
  get waiting(): number { return this.waiters.length; }
}

// ---- an episode, as staff drive it --------------------------------------------------------------

interface Sample { type: DischargeActionType | 'start'; wallEnd: number; ms: number; simDue: number; phase: Phase }
type Phase = 'runIn' | 'month' | 'after';

interface Plan {
  i: number;
  admitAt: number;
  municipality: string;
  inpatient: string;
  primaryCare: string;
  daysToReady: number;
  readyDays: number;
}

interface Ctx {
  env: TestWorkflowEnvironment;
  clock: SimClock;
  samples: Sample[];
  failures: string[];
  phaseOf: (ms: number) => Phase;
  lateAcks: { n: number };
  started: string[];
  /** the episodes' ready-day counts as played (discharge date − ready date), for the report */
  playedReadyDays: number[];
}

async function runEpisode(ctx: Ctx, p: Plan): Promise<void> {
  const { env, clock } = ctx;
  const episodeId = `nat-${SEED}-${p.i}`;
  const primaryCare: Party = { kind: 'primaryCare', id: p.primaryCare };
  let handle: WorkflowHandle<DischargeWorkflow> | undefined;

  const timed = async <T>(type: Sample['type'], due: number, fn: () => Promise<T>): Promise<T> => {
    await clock.at(due);
    const k = clock.begin(due);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const t1 = performance.now();
      clock.end(k);
      ctx.samples.push({ type, wallEnd: t1, ms: t1 - t0, simDue: due, phase: ctx.phaseOf(due) });
    }
  };
  const act = (type: DischargeActionType, due: number, body: Record<string, unknown>) =>
    timed(type, due, async () => {
      try {
        await handle!.executeUpdate(dischargeUpdates[type] as never, { args: [{ ...body, type, actor: ACTOR } as DischargeAction] as never });
        // the Update answers compactly (issue 21); the next steps need the episode's messages, as the API reads them
        return await handle!.query(episodeQuery);
      } catch (err) {
        throw new Error(`${episodeId} ${type} at ${local(clock.now).toISO()}: ${(err as Error).message} ${((err as Error).cause as Error | undefined)?.message ?? ''}`);
      }
    });
  /** every recipient acknowledges the newest message of `type`, each at its office hours (a few late); returns when the last has */
  const ackAll = async (v: EpisodeView, type: Message['type']): Promise<EpisodeView> => {
    const m = [...v.messages].reverse().find((x) => x.type === type);
    if (!m) throw new Error(`${episodeId}: no ${type} message to acknowledge`);
    const sent = clock.now;
    for (const party of m.recipients as Party[]) {
      const late = rand() < PROCESS_ASSUMPTIONS.lateAckShare;
      if (late) ctx.lateAcks.n++;
      const due = late ? lateOfficeSlot(sent) : officeSlot(sent + (10 + Math.floor(rand() * 170)) * MIN);
      v = await act('acknowledge', Math.max(due, clock.now), { messageId: m.messageId, party });
    }
    return v;
  };
  const later = (minutes: number) => clock.now + Math.floor((0.5 + rand()) * minutes) * MIN;

  // admission (the start is the inpatient unit registering the stay)
  await timed('start', p.admitAt, async () => {
    const admittedAt = new Date(clock.now).toISOString();
    const input: StartEpisodeInput = {
      episodeId,
      region: REGION.id,
      patient: { kind: 'reservnummer', value: `NAT-${p.i}` },
      patientRef: `p_nat_${SEED}_${p.i}`,
      patientAgeAtAdmission: 70 + Math.floor(rand() * 25),
      residenceMunicipality: p.municipality,
      outOfCounty: false,
      inpatientUnit: p.inpatient,
      primaryCareUnit: p.primaryCare,
      psychiatric: false,
      homeHealthCare: 'none',
      admittedAt,
      actor: ACTOR,
      settings: REGION.process,
      agreements: REGION.agreements,
    };
    handle = await env.client.workflow.start<DischargeWorkflow>(dischargeWorkflowType, {
      workflowId: dischargeWorkflowId(episodeId),
      taskQueue: TASK_QUEUE,
      args: [input],
      typedSearchAttributes: dischargeStartAttributes(input),
    });
  });
  ctx.started.push(episodeId);
  const admitDate = dateOf(p.admitAt);
  const readyDate = addDaysLocal(admitDate, p.daysToReady);
  const readyAt = atLocal(readyDate, 9) + Math.floor(rand() * 300) * MIN;

  let v = await act('admissionNotice', inpatientSlot(later(180)), { expectedReadyDate: readyDate });
  await ackAll(v, 'admissionNotice');
  await act('appointNamedCareContact', officeSlot(later(60)), { party: primaryCare, contact: 'Distriktssköterska' });
  v = await act('planningNeeded', inpatientSlot(later(120)), { flow: 'a', consent: 'given', needs: 'newHealthCare' });
  await ackAll(v, 'planningNeeded');
  const invitationAt = officeSlot(later(90));
  const meetingAt = officeSlot(Math.max(invitationAt + 20 * HOUR, readyAt - 26 * HOUR));
  v = await act('sendInvitation', invitationAt, {
    sender: primaryCare,
    meetingAt: new Date(meetingAt).toISOString(),
    place: 'Avdelningen',
    mode: 'video',
    location: 'hospital',
    inviteInpatient: false,
  });
  await ackAll(v, 'planningInvitation');
  await act('recordPlanningMeeting', Math.max(meetingAt + 45 * MIN, clock.now), {});
  await act('recordSip', later(30), {
    coordinator: 'Samordnare',
    responsibilities: [
      { party: 'Kommunen', responsibility: 'Hemtjänst morgon och kväll' },
      { party: 'Vårdcentralen', responsibility: 'Läkemedelsgenomgång inom 14 dagar' },
    ],
    selfCareAssessment: true,
  });
  await act('updateChecklist', inpatientSlot(Math.max(readyAt - 2 * HOUR, later(30))), { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
  const readyDue = inpatientSlot(Math.max(readyAt, later(20)));
  v = await act('markReady', readyDue, { readyDate: dateOf(Math.max(readyDue, clock.now)) });
  const markedReady = dateOf(clock.now);
  // same day (0 ready days): a few hours later; else on the day ready + n, in the morning
  const dischargeDue = p.readyDays === 0
    ? Math.min(clock.now + Math.floor((1 + rand() * 4) * HOUR), atLocal(markedReady, 19, 30))
    : inpatientSlot(atLocal(addDaysLocal(markedReady, p.readyDays), 9) + Math.floor(rand() * 240) * MIN);
  // the municipality and primary care acknowledge the ready notice at their office hours; the
  // ward does not wait for that to discharge (a same-day discharge on a Saturday stays same-day)
  const acks = ackAll(v, 'readyForDischarge');
  v = await act('discharge', Math.max(dischargeDue, clock.now), { sendNotice: true });
  // the ready days as played: the discharge's date, taken before waiting for the ready notice's
  // acknowledgements (they come at office hours, often the next weekday: taken after them, a
  // same-day discharge counted as 1 day or more, and the report showed 27 % same-day of 40 % drawn)
  const dischargedOn = v.discharge?.dischargedAt ? dateOf(Date.parse(v.discharge.dischargedAt)) : dateOf(clock.now);
  ctx.playedReadyDays.push(Math.round((Date.parse(`${dischargedOn}T12:00:00Z`) - Date.parse(`${markedReady}T12:00:00Z`)) / 86_400_000));
  await acks;
  await ackAll(v, 'dischargeNotice');
  await act('completeSip', officeSlot(clock.now + (1 + Math.floor(rand() * 3)) * 24 * HOUR), {});
}

// ---- the month's plan ---------------------------------------------------------------------------

function planEpisodes(runInStart: number, monthStart: number, monthEnd: number): Plan[] {
  const perDay = (REGION_EPISODES * SCALE) / ((monthEnd - monthStart) / (24 * HOUR));
  const lastAdmission = monthEnd - 3 * 24 * HOUR; // admitted later: discharged next month mostly; stop here
  const n = Math.round((perDay * (lastAdmission - runInStart)) / (24 * HOUR));
  const plans: Plan[] = [];
  for (let i = 0; i < n; i++) {
    // admissions round the clock, 70 % between 08 and 22
    const day = Math.floor(rand() * ((lastAdmission - runInStart) / (24 * HOUR)));
    const date = dateOf(runInStart + day * 24 * HOUR + 12 * HOUR);
    const hour = rand() < 0.7 ? 8 + Math.floor(rand() * 14) : Math.floor(rand() * 24);
    const admitAt = Math.max(runInStart, atLocal(date, hour, Math.floor(rand() * 60)));
    plans.push({
      i,
      admitAt,
      municipality: weighted(MUNICIPALITY_WEIGHTS),
      inpatient: pick(INPATIENT_UNITS),
      primaryCare: pick(HEALTH_CENTRES),
      daysToReady: 1 + Math.floor(10 * rand() * rand()),
      readyDays: drawReadyDays(),
    });
  }
  return plans.sort((a, b) => a.admitAt - b.admitAt);
}

// ---- measurements -------------------------------------------------------------------------------

interface CpuSnap { self: number; server: number; wall: number }
/** jiffies (user + system, USER_HZ = 100) of this process and of the test server process tree */
function cpuSnap(): CpuSnap {
  const procs = processCpu();
  let server = 0;
  for (const pid of withDescendants(procs, [process.pid])) if (pid !== process.pid) server += procs.get(pid)?.jiffies ?? 0;
  return { self: procs.get(process.pid)?.jiffies ?? 0, server, wall: performance.now() };
}

async function coreMetrics(url: string): Promise<Map<string, number>> {
  const text = await fetch(url).then((r) => r.text(), () => '');
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN)/.exec(line);
    if (!m) continue;
    out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[3]));
  }
  return out;
}
const metric = (m: Map<string, number>, prefix: string) => [...m].filter(([k]) => k === prefix || k === `${prefix}_total`).reduce((n, [, v]) => n + v, 0);

async function historyOf(env: TestWorkflowEnvironment, workflowId: string) {
  const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return { events: h.events ?? [], bytes: temporal.api.history.v1.History.encode(h).finish().length };
}

async function ledgerSize(ledger: LedgerStore) {
  const total = await sql<{ size: string }>`select pg_database_size(current_database())::text as size`.execute(ledger.db);
  const tables = await sql<{ name: string; size: string; rows: string }>`
    select c.relname as name, pg_total_relation_size(c.oid)::text as size, c.reltuples::bigint::text as rows
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = 'public' order by pg_total_relation_size(c.oid) desc limit 8`.execute(ledger.db);
  const counts: Record<string, number> = {};
  for (const t of tables.rows) {
    const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(t.name)}`.execute(ledger.db);
    counts[t.name] = Number(r.rows[0]!.n);
  }
  return { totalBytes: Number(total.rows[0]!.size), tables: tables.rows.map((t) => ({ name: t.name, bytes: Number(t.size), rows: counts[t.name] ?? Number(t.rows) })) };
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** the highest number of actions that completed within any `windowMs` of wall time, per second */
function peakRate(ends: number[], windowMs: number): number {
  const xs = [...ends].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < xs.length; i++) {
    while (xs[i]! - xs[j]! > windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best / (windowMs / 1000);
}

/**
 * The Java time-skipping server, started here with a minute to listen, then connected to as an
 * existing server that supports time skipping (as test/helpers/temporal.ts does): the SDK's core
 * gives a server it spawns 5 s, which a JVM on a loaded 2-core machine exceeded four times running
 * (load average 23: `ephemeral server … did not start within 5s`). Its teardown stops the JVM.
 */
async function timeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const [port] = await freePorts(1);
  const jvm = spawn(testServerPath, [String(port)], { stdio: 'ignore' });
  const stop = () => { if (jvm.exitCode === null && jvm.signalCode === null) jvm.kill('SIGKILL'); };
  const deadline = Date.now() + 60_000;
  while (!(await portOpen(port!))) {
    if (jvm.exitCode !== null) throw new Error(`the time-skipping test server exited (code ${jvm.exitCode}) before it listened`);
    if (Date.now() > deadline) {
      stop();
      throw new Error('the time-skipping test server did not listen within 60 s');
    }
    await sleep(250);
  }
  const create = (TestWorkflowEnvironment as unknown as { create(o: unknown): Promise<TestWorkflowEnvironment> }).create.bind(TestWorkflowEnvironment);
  const env = await create({ supportsTimeSkipping: true, server: { type: 'existing' }, address: `127.0.0.1:${port}`, client: { dataConverter: dataConverter() } }).catch((err: unknown) => {
    stop();
    throw err;
  });
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    try { await teardown(); } finally { stop(); }
  };
  return env;
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const [metricsPort] = await freePorts(1);
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } });
  console.log(`bench:national — load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs; region ${REGION_EPISODES} episodes/month, scale ${SCALE} (${Math.round(REGION_EPISODES * SCALE)} episodes), offered load ${SPEED}× real time → clock ${int(CLOCK)}× in working hours`);

  const env = await timeSkippingServer();
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes: searchAttributeTypes() });
  const tLedger = performance.now();
  const ledger = await openLedger({});
  console.log(`ledger (in-memory PGlite) ready in ${((performance.now() - tLedger) / 1000).toFixed(1)} s; bundling the workflows…`);
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    deps: { ledger, calendar: { invitationCutoff: '14:00' }, notify: { regions: [REGION], from: 'utskrivning@localhost' } },
    bundleCacheDir: join(tmpdir(), 'utskrivning-bench-national-bundle'),
    maxCachedWorkflows: CACHE,
  });
  const workerRun = worker.run();
  const ledgerBefore = await ledgerSize(ledger);
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

  try {
    // the month
    const nowMs = await env.currentTimeMs();
    let month = process.env.BENCH_NATIONAL_MONTH;
    if (!month) {
      let m = local(nowMs).startOf('month').plus({ months: 1 });
      while (m.minus({ days: RUNIN_DAYS }).toMillis() < nowMs + HOUR) m = m.plus({ months: 1 });
      month = m.toFormat('yyyy-MM');
    }
    if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`BENCH_NATIONAL_MONTH must be YYYY-MM (got ${month})`);
    const monthStart = DateTime.fromISO(`${month}-01T00:00`, { zone: TIME_ZONE }).toMillis();
    const monthEnd = local(monthStart).plus({ months: 1 }).toMillis();
    const runInStart = local(monthStart).minus({ days: RUNIN_DAYS }).toMillis();
    if (runInStart < nowMs) throw new Error(`the month ${month} starts too early: the time-skipping server's clock is already at ${local(nowMs).toISO()}`);
    const closeAt = DateTime.fromMillis(monthEnd, { zone: TIME_ZONE }).set({ day: 5, hour: 6 }).toMillis();
    const phaseOf = (ms: number): Phase => (ms < monthStart ? 'runIn' : ms < monthEnd ? 'month' : 'after');

    const plans = planEpisodes(runInStart, monthStart, monthEnd);
    console.log(`month ${month}: ${plans.length} episodes admitted from ${local(runInStart).toISODate()} (run-in ${RUNIN_DAYS} days), close at ${local(closeAt).toISO()}`);

    // move the server's clock to the run-in's start
    await env.sleep(runInStart - (await env.currentTimeMs()));
    const clock = new SimClock(runInStart);
    const ctx: Ctx = { env, clock, samples: [], failures: [], phaseOf, lateAcks: { n: 0 }, started: [], playedReadyDays: [] };
    const episodes = plans.map((p) =>
      runEpisode(ctx, p).catch((err) => { ctx.failures.push((err as Error).message); }),
    );

    const metricsBefore = await coreMetrics(metricsUrl);
    const cpu0 = cpuSnap();
    const wall0 = performance.now();
    const pacing = { simMs: 0, wallMs: 0, lagWaits: 0 };
    let maxOpen = 0;
    let cpuMonthStart: CpuSnap | undefined;
    let cpuMonthEnd: CpuSnap | undefined;
    let lastLog = performance.now();
    const openCount = () => ctx.started.length - ctx.samples.filter((s) => s.type === 'completeSip').length;

    // the clock: paced ticks in working hours, skips elsewhere, until every episode has ended and the close is due
    let allDone = false;
    void Promise.all(episodes).then(() => { allDone = true; });
    while (clock.now < closeAt) {
      const tickStart = performance.now();
      const isPaced = paced(clock.now) && clock.now < monthEnd;
      let target: number;
      if (isPaced) target = Math.min(clock.now + TICK_SIM_MS, closeAt);
      else {
        const nextWork = clock.now < monthEnd ? nextPacedStart(clock.now) : closeAt;
        const nw = clock.nextWaiter();
        target = Math.min(nextWork, nw ?? closeAt, closeAt);
        if (target <= clock.now) target = Math.min(clock.now + TICK_SIM_MS, closeAt);
      }
      if (cpuMonthStart === undefined && target > monthStart) cpuMonthStart = cpuSnap();
      if (cpuMonthEnd === undefined && target > monthEnd) cpuMonthEnd = cpuSnap();
      // the server's clock to the target (it also runs at real time in between)
      const serverNow = await env.currentTimeMs();
      if (target > serverNow) await env.sleep(target - serverNow);
      const tickFrom = clock.now;
      clock.now = target;
      if (isPaced) clock.releaseSpread(tickFrom, 1 / CLOCK, performance.now() - tickStart);
      else clock.release();
      // closed loop: never run ahead of actions more than MAX_LAG overdue
      for (;;) {
        const oldest = clock.oldestInFlight();
        if (oldest === undefined || oldest >= clock.now - MAX_LAG_SIM_MS) break;
        pacing.lagWaits++;
        await sleep(5);
      }
      maxOpen = Math.max(maxOpen, openCount());
      if (isPaced) {
        const spent = performance.now() - tickStart;
        const want = (target - tickFrom) / CLOCK;
        if (spent < want) await sleep(want - spent);
        pacing.simMs += target - tickFrom;
        pacing.wallMs += performance.now() - tickStart;
      } else {
        // let the actions released at this instant start, and run, before skipping further
        await sleep(0);
        while (clock.inFlight.size > 0) await sleep(2);
      }
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        console.log(`  ${local(clock.now).toFormat('yyyy-MM-dd HH:mm')} · ${ctx.samples.length} actions · ${openCount()} open · ${ctx.failures.length} failed · wall ${((performance.now() - wall0) / 1000).toFixed(0)} s`);
      }
      if (allDone && clock.now >= monthEnd) break;
    }
    // episodes still in hospital at the close stay open (their workflows keep running)
    const stillOpen = allDone ? 0 : openCount();
    const cpuEnd = cpuSnap();
    cpuMonthStart ??= cpu0;
    cpuMonthEnd ??= cpuEnd;
    const playWallS = (performance.now() - wall0) / 1000;
    const metricsAfter = await coreMetrics(metricsUrl);
    console.log(`played in ${playWallS.toFixed(0)} s: ${ctx.samples.length} actions, ${ctx.failures.length} failed episodes, ${stillOpen} still open at the close`);

    // the monthly close, as its Schedule would start it
    const serverNow = await env.currentTimeMs();
    if (closeAt > serverNow) await env.sleep(closeAt - serverNow);
    // a close of a year without a national daily amount fails (DAILY_AMOUNT_MISSING): as an
    // administrator would (PUT /api/billing/daily-amounts/:year), enter one — the newest sourced
    // amount, a placeholder stated in the report
    const closeYear = Number(month.slice(0, 4));
    let dailyAmountNote = `the national daily amount of ${closeYear} from the reference data`;
    if (!(await dailyAmounts(ledger.db)).has(closeYear)) {
      const newest = [...NATIONAL_DAILY_AMOUNTS].sort((a, b) => b.year - a.year)[0]!;
      await setDailyAmount(ledger.db, closeYear, newest.amountOre, `bench:national placeholder: the ${newest.year} amount`, 'bench-national');
      dailyAmountNote = `no national daily amount of ${closeYear} is sourced, so the bench entered ${newest.year}'s (${int(newest.amountOre / 100)} kr) as an administrator would; without it the close fails with DAILY_AMOUNT_MISSING`;
    }
    const closeInput = { ...closeInputFor(REGION, { closeDay: 5, closeHour: 6, reviewWeekdays: 10 }), month, startedBy: 'schedule' as const };
    const tClose = performance.now();
    const closeHandle = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, {
      workflowId: monthlyCloseWorkflowId(REGION.id, month),
      taskQueue: TASK_QUEUE,
      args: [closeInput],
    });
    console.log(`monthly close ${month} started at ${local(await env.currentTimeMs()).toISO()}`);
    const queryClose = () => Promise.race([closeHandle.query(closeQuery), sleep(10_000).then(() => undefined)]);
    let view = (await queryClose()) ?? ({ phase: 'freezing' } as Awaited<ReturnType<typeof closeHandle.query<CloseView>>>);
    for (let polls = 0; view.phase === 'freezing'; polls++) {
      await sleep(20);
      view = (await queryClose()) ?? view;
      if (polls % 250 === 249) {
        const h = await closeHandle.fetchHistory();
        console.log(`  close history: ${(h.events ?? []).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0]).join(', ')}`);
        const d = await closeHandle.describe();
        const pending = (d.raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} attempt ${a.attempt}: ${a.lastFailure?.message ?? 'no failure'}`);
        console.log(`  the close is still freezing after ${((performance.now() - tClose) / 1000).toFixed(0)} s (${d.status.name}); pending: ${pending.join('; ') || 'none'}`);
        if (d.status.name !== 'RUNNING') throw new Error(`the monthly close ended as ${d.status.name} before its review`);
      }
    }
    const freezeWallS = (performance.now() - tClose) / 1000;
    const preliminary = view.preliminary;
    // the review period passes (10 weekdays), then the final invoices
    const reviewEnds = view.reviewEndsAt ? Date.parse(view.reviewEndsAt) : (await env.currentTimeMs()) + 20 * 24 * HOUR;
    await env.sleep(Math.max(0, reviewEnds - (await env.currentTimeMs())) + MIN);
    const tFinal = performance.now();
    for (let i = 0; i < 600 && view.phase !== 'final'; i++) { await sleep(50); view = await closeHandle.query(closeQuery); }
    const finalWallS = (performance.now() - tFinal) / 1000;
    const closeHistory = await historyOf(env, monthlyCloseWorkflowId(REGION.id, month));
    const activityTimes = activityDurations(closeHistory.events);

    // histories and the ledger after the month
    const ids = ctx.started.map(dischargeWorkflowId);
    const sampleIds = ids.length <= 400 ? ids : ids.filter((_, k) => k % Math.ceil(ids.length / 400) === 0);
    const hist: { events: number; bytes: number }[] = [];
    for (const id of sampleIds) { const h = await historyOf(env, id); hist.push({ events: h.events.length, bytes: h.bytes }); }
    const histTotal = (hist.reduce((n, h) => n + h.bytes, 0) / hist.length) * ids.length + closeHistory.bytes;
    const ledgerAfter = await ledgerSize(ledger);

    // figures
    const monthSamples = ctx.samples.filter((s) => s.phase === 'month' && s.type !== 'start');
    const allActions = ctx.samples.filter((s) => s.type !== 'start');
    const monthEnds = monthSamples.map((s) => s.wallEnd);
    const peak1 = peakRate(monthEnds, 1000);
    const peak10 = peakRate(monthEnds, 10_000);
    const monthWallS = (cpuMonthEnd.wall - cpuMonthStart.wall) / 1000;
    const monthRate = monthSamples.length / Math.max(1e-9, monthWallS);
    const lat = allActions.map((s) => s.ms).sort((a, b) => a - b);
    const hits = metric(metricsAfter, 'temporal_sticky_cache_hit') - metric(metricsBefore, 'temporal_sticky_cache_hit');
    const misses = metric(metricsAfter, 'temporal_sticky_cache_miss') - metric(metricsBefore, 'temporal_sticky_cache_miss');
    const cacheSize = metric(metricsAfter, 'temporal_sticky_cache_size');
    const evictions = metric(metricsAfter, 'temporal_sticky_cache_total_forced_eviction') - metric(metricsBefore, 'temporal_sticky_cache_total_forced_eviction');
    // CPU over the month itself (run-in and the days after excluded), per action of the month
    const selfS = (cpuMonthEnd.self - cpuMonthStart.self) / 100;
    const serverS = (cpuMonthEnd.server - cpuMonthStart.server) / 100;
    const requests = Math.max(1, ctx.samples.filter((x) => x.phase === 'month').length);
    const selfAllS = (cpuEnd.self - cpu0.self) / 100;
    const workerMsPerAction = (1000 * selfS) / requests;
    const serverMsPerAction = (1000 * serverS) / requests;
    const completed = ctx.samples.filter((s) => s.type === 'completeSip').length;
    const dischargedInMonth = ctx.samples.filter((s) => s.type === 'discharge' && s.phase === 'month').length;
    const sameDay = ctx.playedReadyDays.filter((d) => d === 0).length / Math.max(1, ctx.playedReadyDays.length);
    const withDays = ctx.playedReadyDays.filter((d) => d > 0);
    const meanReady = withDays.reduce((n, d) => n + d, 0) / Math.max(1, withDays.length);
    const achievedClock = pacing.simMs / Math.max(1, pacing.wallMs);

    // sizing: the whole region at 1× real time, from the peak measured at SPEED×
    const realPeakPerS = peak10 / SPEED * (1 / 1); // the offered load is already the whole region's at SPEED×
    const workerCoresAtPeak = (realPeakPerS * workerMsPerAction) / 1000;
    const headroom = 0.5; // run a worker at most half busy at the peak
    const workersByCpu = Math.max(1, Math.ceil(workerCoresAtPeak / (2 * headroom)));
    const regionOpen = Math.round(maxOpen / SCALE);
    const loadAfter = loadavg();

    const cpuModel = cpus()[0]?.model?.trim() ?? 'unknown CPU';
    const totalS = (Date.now() - startedAt.getTime()) / 1000;
    const lines = [
      '## A month of a large region (`npm run bench:national`)',
      '',
      `Run ${startedAt.toISOString().replace(/\.\d+Z$/, 'Z')} · ${availableParallelism()} CPUs (${cpuModel}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM · Node ${process.version} · Temporal time-skipping test server ${toolVersions.testServer} (Java), one worker and an in-memory PGlite ledger in the benchmark process · whole run ${totalS.toFixed(0)} s. ` +
        `**Machine load average before the run ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min), after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}** — other work shared the 2 CPUs, so the CPU and latency figures are upper bounds.`,
      '',
      `The month: ${month} (with ${RUNIN_DAYS} days of run-in before it, and the first days of the next month until the close), Region Gävleborg's configuration (10 municipalities, rule set gavleborg-2019, its process settings) scaled to **${int(REGION_EPISODES)} coordinated-discharge episodes a month, a Stockholm-sized region** (${DERIVATION}). ` +
        `Played: a fraction ${SCALE} of them (${plans.length} episodes admitted, ${dischargedInMonth} discharged in the month), at a clock of ${int(CLOCK)}× real time in working hours (weekdays 07–18), so that the actions per second offered equal the whole region's at **${SPEED}× real time**; nights, weekends and holidays skipped on the time-skipping server (timers fire as the clock passes them). ` +
        `Each episode: the 19 staff actions of bench:discharge's complete flow (a) as direct Workflow Updates, at staff's hours; ready days as played: same day ${(100 * sameDay).toFixed(0)} %, mean ${meanReady.toFixed(1)} days over episodes of 1 day or more; ${ctx.lateAcks.n} acknowledgements given 2 weekdays late (deviations, reminders, escalations on the workflows' own timers).`,
      '',
      '| | |',
      '|---|---:|',
      `| staff actions played (incl. run-in and after the month; starts not counted) | ${int(allActions.length)} |`,
      `| episodes completed / failed / still in hospital at the close | ${completed} / ${ctx.failures.length} / ${stillOpen} |`,
      `| **peak actions / s** (month, most in any 10 s of wall time; any 1 s) | **${f1(peak10)}**; ${f1(peak1)} |`,
      `| mean actions / s over the month's wall time | ${f1(monthRate)} |`,
      `| clock achieved in working hours (target ${int(CLOCK)}×) | ${int(achievedClock)}× (${pacing.lagWaits} waits for overdue actions) |`,
      `| action latency p50 / p95 / p99 | ${f1(percentile(lat, 50))} / ${f1(percentile(lat, 95))} / ${f1(percentile(lat, 99))} ms |`,
      `| **worker cache hit rate** (sticky cache hits ÷ (hits + misses), Temporal core metrics) | **${hits + misses > 0 ? `${(100 * hits / (hits + misses)).toFixed(1)} %` : 'n/a (no sticky-cache lookups recorded)'}** (${int(hits)} hits, ${int(misses)} misses, ${int(evictions)} forced evictions; cache ${CACHE ?? "the SDK's default size"}, ${int(cacheSize)} workflows cached at the end) |`,
      `| open episodes at once: played (peak) → whole region | ${maxOpen} → about ${int(regionOpen)} |`,
      `| **history after the month**: per episode, median events / bytes | ${median(hist.map((h) => h.events))} / ${kb(median(hist.map((h) => h.bytes)))} |`,
      `| … all episodes played + the close (${hist.length} of ${ids.length} measured) → whole region | ${mb(histTotal)} → about ${mb(histTotal / SCALE)} |`,
      `| **ledger after the month** (PGlite, pg_database_size): migrated empty → after; growth → whole region's growth | ${mb(ledgerBefore.totalBytes)} → ${mb(ledgerAfter.totalBytes)}; ${mb(ledgerAfter.totalBytes - ledgerBefore.totalBytes)} → about ${mb((ledgerAfter.totalBytes - ledgerBefore.totalBytes) / SCALE)} a month (largest tables: ${ledgerAfter.tables.slice(0, 5).map((t) => `${t.name} ${kb(t.bytes)} / ${t.rows} rows`).join(', ')}) |`,
      `| **monthly close**: start → review (freeze) · review end → final invoices | ${f2(freezeWallS)} s · ${f2(finalWallS)} s wall |`,
      `| … its activities (from the close's history: started → completed) | ${activityTimes.map((a) => `${a.name} ${f2(a.seconds)} s`).join(', ') || '–'} |`,
      `| … invoice basis (${dailyAmountNote}) | ${preliminary ? `${preliminary.episodeCount ?? '?'} episodes, ${int((preliminary.totalOre ?? 0) / 100)} kr preliminary` : '–'}; final: ${view.final ? `${int(view.final.totalOre / 100)} kr` : 'not reached'} |`,
      `| CPU per staff action in the month (CPU time of the month ÷ its ${requests} actions and starts): benchmark process (worker, activities, ledger, the driver's client and its clock ticks) | ${f1(workerMsPerAction)} ms (whole play: ${f1((1000 * selfAllS) / Math.max(1, ctx.samples.length))} ms) |`,
      `| CPU per staff action: Java test server (not a production server; bench:discharge measures the dev server) | ${f1(serverMsPerAction)} ms |`,
      '',
      `**Sizing.** The whole region's busiest 10 s offered ${f1(peak10)} actions/s at ${SPEED}×, i.e. about ${f2(realPeakPerS)} actions/s in real time. At ${f1(workerMsPerAction)} ms of worker CPU per action (this run's benchmark process, which also carries the driver, its clock ticks and the ledger, on a loaded machine: an upper bound; bench:discharge measured 9.7 ms of service CPU per direct Update on an idle one), that peak needs ${f2(workerCoresAtPeak * 1000)} milli-cores: ` +
        `**${workersByCpu === 1 ? 'one worker' : `${workersByCpu} workers`} by CPU; run two (2 vCPU, 2–4 GB RAM each) for availability** — a 2-vCPU worker kept half busy carries about ${int((2 * headroom * 1000) / workerMsPerAction)} actions/s, ${int((2 * headroom * 1000) / workerMsPerAction / Math.max(1e-9, realPeakPerS))}× this region's real peak. ` +
        `What decides a worker's size is memory, not CPU: about ${int(regionOpen)} episodes are open at once in the whole region, and each one not in the worker's cache is replayed from its whole history at its next action or timer; the SDK's default cache (about 600 workflows per GB of heap above 200 MB) holds them with a 2 GB heap. ` +
        `Add the API (bench:discharge: ${'about 3–4 ms'} more CPU per request than a direct Update) and the Temporal server (bench:discharge's dev server: 7.5 ms per request; a production cluster with PostgreSQL or Cassandra costs more) on their own machines.`,
      '',
      `Sources and assumptions (scripts/lib/national-figures.ts): ready beds per day — ${NATIONAL_READY_BEDS_PER_DAY_2023.source}; mean ready days — ${NATIONAL_MEAN_READY_DAYS.source}; same-day share ${(100 * SAME_DAY_SHARE.value).toFixed(0)} % — ${SAME_DAY_SHARE.source}; population share ${LARGE_REGION_POPULATION_SHARE.value} — ${LARGE_REGION_POPULATION_SHARE.source}; ready-day distribution — ${READY_DAYS_SHAPE}; ${PROCESS_ASSUMPTIONS.daysToReady}; ${PROCESS_ASSUMPTIONS.lateAck}; ${PROCESS_ASSUMPTIONS.hours}.`,
      '',
      `Run: \`npm run bench:national\` (\`BENCH_NATIONAL_SCALE\`, default 0.04: the share of the region's episodes played, and the clock runs at SPEED / SCALE; \`BENCH_NATIONAL_SPEED\`, default 100; \`BENCH_NATIONAL_EPISODES\`, the region's episodes per month; \`BENCH_NATIONAL_MONTH\`; \`BENCH_NATIONAL_CACHE\`, the worker's maxCachedWorkflows), e.g. \`BENCH_NATIONAL_SCALE=0.01\` for a quick run; \`BENCH_NATIONAL_SCALE=1\` plays the whole region at a literal 100× clock (about 2½ hours of wall time: some 22 weekdays × 11 paced hours ÷ 100).`,
    ];
    if (ctx.failures.length) lines.push('', 'Failures (first 5):', '', ...ctx.failures.slice(0, 5).map((m) => `- ${m.replace(/\s+/g, ' ').slice(0, 300)}`));
    const section = writeBenchmarkSection('national', lines);
    console.log(`\n${section}\n\nwritten to BENCHMARKS.md`);
    if (ctx.failures.length) process.exitCode = 1;
  } finally {
    worker.shutdown();
    await workerRun.catch(() => undefined);
    await ledger.close();
    await env.teardown();
  }
}

function activityDurations(events: temporal.api.history.v1.IHistoryEvent[]) {
  const ms = (e: temporal.api.history.v1.IHistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const out: { name: string; seconds: number }[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) scheduled.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), ms(e));
    if (e.activityTaskCompletedEventAttributes) {
      const sid = String(e.activityTaskCompletedEventAttributes.scheduledEventId);
      const t0 = started.get(sid);
      if (t0 !== undefined) out.push({ name: scheduled.get(sid) ?? '?', seconds: (ms(e) - t0) / 1000 });
    }
  }
  return out;
}

main().catch((err) => {
  console.error(`bench:national failed: ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
});
