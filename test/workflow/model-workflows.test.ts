/**
 * Model-based test of the real workflows on the time-skipping server (issue 15): generated
 * sequences of staff actions (test/model/sequences.ts) for discharge episodes, home-care
 * enrollments and single home visits, with back-dated `occurredAt`, waits that let deadlines
 * pass, declared downtime windows, wrong parties, duplicates and actions out of order. The clock
 * moves on between sequences (a random number of days), so over a run back-dated actions cross
 * weekends, Christmas and New Year and the spring DST change.
 *
 * After every action: an error is a typed refusal (an ApplicationFailure with a code) or the
 * test fails; a refusal changed nothing. After every step: the deviation invariants
 * (test/model/invariants.ts). After the sequence and four weeks: every deadline was judged, the
 * ledger equals the workflow's state, and billing computes under every rule set for the months
 * the episode touched — each rule set and month on its own, so one refusal hides nothing — in
 * whole öre with totals equal to their lines, with no episode the engine cannot compute (the
 * ledger is one the workflows wrote); the indicators compute for the same months. The daily
 * amounts and national averages the sources do not give (2026 on) are entered as test
 * configuration first, so the simulations compute instead of refusing with DAILY_AMOUNT_MISSING;
 * the output counts the simulations that computed and those refused. At the end of the file,
 * every history replays (useWorkflowTestContext).
 *
 * Re-run a failure with MODEL_SEED=<seed printed below>; MODEL_WORKFLOW_RUNS sets the sample.
 */
import fc from 'fast-check';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { getEpisode } from '../../src/db/ledger';
import { declareDowntime } from '../../src/db/operations';
import { dailyAmounts, nationalAverages, setDailyAmount, setNationalAverage } from '../../src/db/billing';
import { simulate } from '../../src/db/billing-close';
import { loadIndicatorData, monthsOf } from '../../src/db/indicators';
import { firstDayOfMonth, nextMonth } from '../../src/domain/billing';
import { RULE_SETS } from '../../src/domain/billing/rule-sets';
import { localDateOf } from '../../src/domain/calendar';
import { buildIndicatorReport, suppressSmallCells } from '../../src/domain/indicator-report';
import { DEFAULT_REGIONS, findRegion } from '../../src/domain/regions';
import type { Party } from '../../src/domain/obligations';
import { deviationViolations, moneyViolations, orderViolations, settledViolations, type TrackedState } from '../model/invariants';
import { dischargeAction, homeCareAction, modelSeed, sequenceArb, visitAction, withinProcess, type ActStep, type Sequence } from '../model/sequences';
import { Episode, episodeInput, eventually, inpatient, municipality, primaryCare, psychiatricOutpatient, UNITS } from '../helpers/discharge';
import { Enrollment, enrollmentInput, VisitOrder, visitInput } from '../helpers/home-care';
import { useWorkflowTestContext } from '../helpers/temporal';

jest.setTimeout(600_000);

const ctx = useWorkflowTestContext();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RUNS = Number(process.env.MODEL_WORKFLOW_RUNS ?? 15);
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const iso = (ms: number) => new Date(ms).toISOString();

interface View extends TrackedState {
  version: number;
  status: string;
  timeline: { seq: number }[];
  messages: { messageId: string; recipients: Party[]; occurredAt?: string }[];
}

/** One process under test, whatever its type. */
interface Driven {
  id: string;
  state(): Promise<View>;
  act(step: ActStep, s: View, at: string): Promise<unknown>;
  /** the workflow has completed (an update then finds no process to run on) */
  closed(): Promise<boolean>;
}

const isClosed = async (h: { describe(): Promise<{ status: { name: string } }> }) => (await h.describe()).status.name !== 'RUNNING';

const figures = { sequences: 0, actions: 0, refusals: 0, codes: new Map<string, number>(), simulations: new Map<string, number>(), indicatorReports: 0 };
const tally = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** A refusal is an update failed with an ApplicationFailure carrying a code; anything else is a bug. */
function refusalCode(err: unknown): string | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type) return err.cause.type;
  return undefined;
}

async function startProcess(seq: Sequence): Promise<Driven> {
  const current = await now();
  const startedAt = iso(Date.parse(current) - seq.startHoursBack * HOUR);
  switch (seq.process) {
    case 'discharge': {
      const input = episodeInput({ admittedAt: startedAt, psychiatric: seq.psychiatric, ...(seq.psychiatric ? { psychiatricOutpatientUnit: UNITS.psychiatricOutpatient } : {}) });
      const e = await Episode.start(ctx.env, ctx.taskQueue, input);
      const parties = { inpatient, municipality, primaryCare, ...(seq.psychiatric ? { psychiatricOutpatient } : {}) };
      return {
        id: input.episodeId,
        closed: () => isClosed(e.handle),
        state: () => e.state() as Promise<View>,
        act: (step, s, at) => {
          const a = dischargeAction(step, s, parties, at);
          return e.act(a.type, a as never);
        },
      };
    }
    case 'homeCare': {
      const input = enrollmentInput({ startedAt });
      const e = await Enrollment.start(ctx.env, ctx.taskQueue, input);
      return {
        id: input.enrollmentId,
        closed: () => isClosed(e.handle),
        state: () => e.state() as unknown as Promise<View>,
        act: (step, s, at) => {
          const a = homeCareAction(step, s, { municipality, primaryCare }, at);
          return e.act(a.type, a as never);
        },
      };
    }
    case 'homeVisit': {
      const startDate = localDateOf(new Date(Date.parse(startedAt) + DAY));
      const endDate = localDateOf(new Date(Date.parse(startedAt) + 8 * DAY));
      const input = visitInput({ orderedAt: startedAt, startDate, endDate });
      const o = await VisitOrder.start(ctx.env, ctx.taskQueue, input);
      return {
        id: input.orderId,
        closed: () => isClosed(o.handle),
        state: () => o.state() as unknown as Promise<View>,
        act: (step, s, at) => {
          const a = visitAction(step, s, { municipality, primaryCare }, { startDate, interventions: input.interventions }, at);
          return o.act(a.type, a as never);
        },
      };
    }
  }
}

/** The workflow's state equals what the ledger holds (docs/domain.md §8), once the projection caught up. */
async function ledgerViolations(seq: Sequence, p: Driven, s: View): Promise<string[]> {
  const db = ctx.ledger.db;
  const out: string[] = [];
  const pairs = (rows: { id: string; status: string }[]) => rows.map((r) => `${r.id}:${r.status}`).sort();
  const type = seq.process === 'discharge' ? 'discharge' : seq.process === 'homeCare' ? 'homeHealthCare' : 'singleHomeVisit';
  const rows = await eventually(async () => {
    const devs = await db.selectFrom('deviations').select(['deviation_id as id', 'status']).where('process_type', '=', type).where('process_id', '=', p.id).execute();
    const obls = await db.selectFrom('obligations').select(['obligation_id as id', 'status']).where('process_type', '=', type).where('process_id', '=', p.id).execute();
    const same = JSON.stringify(pairs(devs)) === JSON.stringify(pairs(s.deviations.map((d) => ({ id: d.deviationId, status: d.status }))))
      && JSON.stringify(pairs(obls)) === JSON.stringify(pairs(s.obligations.map((o) => ({ id: o.obligationId, status: o.status }))));
    return same ? { devs, obls } : undefined;
  }, 'the ledger to hold the workflow state', 200).catch(() => undefined);
  if (!rows) out.push('ledger: deviations or obligations differ from the workflow state');
  if (seq.process === 'discharge') {
    const ep = await eventually(async () => { const e = await getEpisode(db, p.id); return e && e.version >= s.version ? e : undefined; }, 'the episode projected', 200).catch(() => undefined);
    if (!ep) out.push(`ledger: episode not projected at version ${s.version}`);
    else if (ep.status !== s.status) out.push(`ledger: episode status ${ep.status}, workflow ${s.status}`);
  }
  return out;
}

/**
 * Billing computes for every month the episode touched, under every rule set — each rule set and
 * month simulated on its own, so that one refusal (halland-2027 before 2027) hides no other — in
 * whole öre, totals the sum of their lines, and no episode of this ledger that the engine cannot
 * compute: the workflows wrote it. The indicators compute for the same months.
 */
async function billingViolations(episodeId: string, admittedAt: string, until: string): Promise<string[]> {
  const out: string[] = [];
  const region = findRegion(DEFAULT_REGIONS, 'halland')!;
  const municipalities = region.municipalities.map((m) => m.code);
  const months: string[] = [];
  for (let m = localDateOf(new Date(admittedAt)).slice(0, 7); m <= localDateOf(new Date(until)).slice(0, 7); m = nextMonth(m)) months.push(m);
  for (const month of months) {
    for (const params of Object.values(RULE_SETS)) {
      const what = `${params.id} ${month}`;
      try {
        const r = await simulate(ctx.ledger.db, { region: region.id, municipalities, from: month, to: month, ruleSets: [params] });
        tally(figures.simulations, 'computed');
        for (const m of r.months) {
          for (const x of m.results) {
            out.push(...moneyViolations(x.totalOre, x.municipalities.map((y) => y.totalOre), what));
            const ours = x.cannotCompute.filter((c) => c.episodeId === episodeId);
            if (ours.length) out.push(`${what}: the engine cannot compute the episode the workflow wrote: ${JSON.stringify(ours)}`);
          }
        }
        const [t] = r.totals;
        if (t) out.push(...moneyViolations(t.totalOre, Object.values(t.byMunicipality), `${what} totals by municipality`));
      } catch (err) {
        // a typed refusal (a rule set with no benchmark for the month) has a code
        const code = (err as { code?: string }).code;
        if (!code) out.push(`billing ${what} threw ${(err as Error).name}: ${(err as Error).message}`);
        else tally(figures.simulations, code);
      }
    }
    try {
      const period = { from: firstDayOfMonth(month), toExclusive: firstDayOfMonth(nextMonth(month)) };
      const data = await loadIndicatorData(ctx.ledger.db, region.id, period);
      const report = buildIndicatorReport({
        region, month, window: 'month', period, groupBy: 'municipality', care: 'all', invitationDays: region.process.invitationLateDays,
        benchmark: { days: null, ruleSetId: 'law-2017-612', note: null }, today: localDateOf(new Date(until)), months: monthsOf(period), ...data,
      });
      suppressSmallCells(report, 5);
      figures.indicatorReports += 1;
      if (report.total.readyDays.cannotCompute) out.push(`indicators ${month}: ${report.total.readyDays.cannotCompute} episode(s) the ready-day figures cannot compute`);
    } catch (err) {
      out.push(`indicators ${month} threw ${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  return out;
}

/**
 * Test configuration, not sourced figures: a daily amount for every year and a national average
 * for every previous year the sources do not give (2026 on), so the simulations compute.
 */
async function enterMissingReferenceData(): Promise<void> {
  const amounts = await dailyAmounts(ctx.ledger.db);
  const averages = await nationalAverages(ctx.ledger.db);
  for (let year = 2018; year <= 2035; year++) {
    if (!amounts.has(year)) await setDailyAmount(ctx.ledger.db, year, 9_900_00 + year, 'model test (not a real amount)', null);
    if (!averages.has(year)) await setNationalAverage(ctx.ledger.db, year, 250 + (year % 7), 'model test (not a real average)', null);
  }
}

async function run(seq: Sequence): Promise<string[]> {
  // the clock moves on between sequences: back-dated actions meet weekends, holidays, DST
  await ctx.env.sleep(seq.startHoursBack * HOUR + (seq.steps.length % 7) * DAY);
  const p = await startProcess(seq);
  const startedAt = iso(Date.parse(await now()) - seq.startHoursBack * HOUR);
  const violations: string[] = [];
  for (const step of seq.steps) {
    if (step.kind === 'wait') await ctx.env.sleep(step.hours * HOUR);
    else if (step.kind === 'downtime') {
      const t = Date.parse(await now());
      const startsAt = t - step.startHoursBack * HOUR;
      await declareDowntime(ctx.ledger.db, { windowId: `dt-${p.id}-${step.startHoursBack}-${step.hours}`, region: 'halland', startsAt: iso(startsAt), endsAt: iso(Math.min(t, startsAt + step.hours * HOUR)), reason: 'model', declaredBy: null }).catch(() => undefined);
    } else {
      const before = await p.state();
      figures.actions += 1;
      try {
        const at = await now();
        await p.act(withinProcess(step, at, startedAt), before, at);
        const after = await p.state();
        if (after.version <= before.version) violations.push(`${step.type} accepted without a new version`);
      } catch (err) {
        const code = refusalCode(err);
        if (!code) {
          // the process ended (an expired order, a completed episode): the API answers 409 PROCESS_CLOSED
          if (await p.closed()) break;
          violations.push(`${step.type} failed with no refusal code: ${(err as Error).name}: ${(err as Error).message}`);
          break;
        }
        figures.refusals += 1;
        figures.codes.set(code, (figures.codes.get(code) ?? 0) + 1);
        const after = await p.state();
        if (after.version !== before.version || after.timeline.length !== before.timeline.length) violations.push(`${step.type} refused (${code}) but the state changed`);
      }
    }
    const current = await p.state();
    violations.push(...deviationViolations(current), ...orderViolations(current));
    if (violations.length) return violations;
  }
  // four weeks: every deadline, grace period and escalation falls due
  await ctx.env.sleep(28 * DAY);
  const end = await p.state();
  violations.push(...deviationViolations(end), ...settledViolations(end, await now()));
  violations.push(...(await ledgerViolations(seq, p, end)));
  if (seq.process === 'discharge') violations.push(...(await billingViolations(p.id, startedAt, await now())));
  return violations;
}

describe('the real workflows under generated action sequences', () => {
  beforeAll(enterMissingReferenceData);

  it('keep every invariant: typed refusals that change nothing, no deviation before its deadline and grace, the ledger equal to the state, billing computable', async () => {
    const seed = modelSeed();
    const result = await fc.check(
      fc.asyncProperty(sequenceArb(undefined, 24, 6), async (seq) => {
        figures.sequences += 1;
        const v = await run(seq);
        if (v.length) throw new Error(v.join('\n'));
      }),
      // a shrink replays whole processes: bounded, so a failure reports in minutes
      { seed, numRuns: RUNS, endOnFailure: process.env.MODEL_SHRINK !== '1' },
    );
    const codes = [...figures.codes.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}×${n}`).join(' ');
    const simulations = [...figures.simulations.entries()].map(([c, n]) => `${c}×${n}`).join(' ');
    console.log(
      `model (workflows): seed=${seed} runs=${RUNS} sequences=${figures.sequences} actions=${figures.actions} refusals=${figures.refusals} (${codes})` +
        `\nsimulations (one rule set, one month): ${simulations}; indicator reports: ${figures.indicatorReports}`,
    );
    if (result.failed) throw new Error(`${fc.defaultReportMessage(result)}\n${String((result.errorInstance as Error)?.message ?? '')}`);
    // the billing check computed, not only refused (before, every simulation of 2026 on refused: no daily amount)
    if (figures.sequences >= RUNS) expect(figures.simulations.get('computed') ?? 0).toBeGreaterThan(0);
  });
});
