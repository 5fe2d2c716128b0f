/**
 * `npm run replay:capture`: regenerates the replay fixtures (test/replay/fixtures/*.json) by
 * running every workflow type's main paths for real — the Java time-skipping server, a fresh
 * PGlite ledger, the real worker and activities — and saving each finished history.
 *
 * A fixture whose events come out the same kinds in the same order is kept as it is (ids and
 * instants differ on every run); `--force` rewrites every one.
 *
 * Run it after a deliberate change to workflow code has been made safe (README "Versioning"),
 * never to make a failing replay test pass: a fixture that no longer replays is the alarm that
 * running workflows would break. Histories of older code that must keep replaying live in
 * test/replay/fixtures/versioning/ and are never regenerated.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setDailyAmount } from '../src/db/billing';
import { openLedger, type LedgerStore } from '../src/db/ledger';
import { localDateOf } from '../src/domain/calendar';
import { DEFAULT_REGIONS } from '../src/domain/regions';
import { historyToJson } from '../src/temporal/history-json';
import { closeInputFor } from '../src/temporal/schedules';
import { projectRoot } from '../src/temporal/tools';
import { createWorker } from '../workers/worker';
import { coordinatorDigestWorkflowType, type CoordinatorDigestWorkflow } from '../workflows/coordinator-digest/contract';
import { monthlyCloseWorkflowType, type MonthlyCloseWorkflow, monthlyCloseScheduledWorkflowType, type MonthlyCloseScheduledWorkflow, monthlyCloseWorkflowId, monthlyCloseUpdates, closeQuery } from '../workflows/monthly-close/contract';
import { seed } from '../test/helpers/billing';
import { Episode, episodeInput, eventually, primaryCare, sleepUntil } from '../test/helpers/discharge';
import { Enrollment, enrollmentInput, VisitOrder, visitInput } from '../test/helpers/home-care';
import { timeSkippingEnv } from '../test/helpers/temporal';

export const FIXTURES_DIR = join(projectRoot, 'test/replay/fixtures');
const HOUR = 3_600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;

interface Ctx { env: TestWorkflowEnvironment; taskQueue: string; ledger: LedgerStore; now(): Promise<string> }
type Scenario = (c: Ctx) => Promise<WorkflowHandle>;

/** One main path per scenario; the file name says which. Each must end with the workflow closed. */
const SCENARIOS: Record<string, Scenario> = {
  // docs/domain.md §4 flow (a): every step on time, discharged, SIP completed, the episode closes itself
  async 'dischargeEpisode-flow-a-discharged'({ env, taskQueue, now }) {
    const e = await Episode.start(env, taskQueue, episodeInput({ admittedAt: await now() }));
    const today = localDateOf(new Date(await now()));
    await e.act('admissionNotice', { expectedReadyDate: today });
    await e.acknowledgeAll('admissionNotice');
    await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A' });
    await e.act('planningNeeded', { flow: 'a', consent: 'given', needs: 'newHealthCare' });
    await e.acknowledgeAll('planningNeeded');
    await e.act('sendInvitation', { sender: primaryCare, meetingAt: plus(await now(), HOUR), place: 'Avdelning 1', mode: 'inPerson', location: 'hospital', inviteInpatient: true });
    await e.acknowledgeAll('planningInvitation');
    await e.act('recordPlanningMeeting', {});
    await e.act('recordSip', { coordinator: 'Vårdcentralen', responsibilities: [{ party: 'kommun', responsibility: 'hemtjänst' }], selfCareAssessment: true });
    await e.act('updateChecklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true });
    await e.act('markReady', { readyDate: today });
    await e.acknowledgeAll('readyForDischarge');
    await e.act('discharge', { sendNotice: true });
    await e.acknowledgeAll('dischargeNotice');
    await e.act('completeSip', {});
    return e.handle;
  },
  // §4 step 2 missed → ADMISSION_NOTICE_LATE, reminded and escalated (§6) by timers; then step 9b
  async 'dischargeEpisode-deviation-escalated-cancelled'({ env, taskQueue, now }) {
    const e = await Episode.start(env, taskQueue, episodeInput({ admittedAt: await now() }));
    const due = await eventually(async () => (await e.state()).openObligations[0]?.dueAt, 'the admission-notice deadline');
    await sleepUntil(env, plus(due, 1000));
    const raised = await eventually(async () => (await e.state()).deviations[0]?.escalateAt, 'the deviation');
    await sleepUntil(env, plus(raised, 1000));
    await eventually(async () => (await e.state()).deviations[0]?.escalation === 'escalated', 'the escalation');
    await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(await now())) });
    await e.acknowledgeAll('admissionNotice');
    await e.act('cancel', { reason: 'PATIENT_DIED' });
    const s = await e.acknowledgeAll('planningCancelled');
    for (const d of s.deviations.filter((x) => x.status === 'open')) await e.act('closeDeviation', { deviationId: d.deviationId, comment: 'Genomgånget med avdelningen' });
    return e.handle;
  },
  // §5 flow 7.2: planned, enrolled, ended by the municipality's out-of-episode message
  async 'homeCareEnrollment-enrolled-ended'({ env, taskQueue, now }) {
    const e = await Enrollment.start(env, taskQueue, enrollmentInput({ startedAt: await now() }));
    await e.act('sendInvitation', { meetingAt: plus(await now(), 2 * HOUR), location: 'home' });
    await e.act('appointNamedCareContact', { contact: 'Distriktssköterska Lind' });
    await e.acknowledgeLatest('planningInvitation');
    await e.act('recordPlanningMeeting', {});
    await e.act('recordSip', { selfCareAssessment: 'Klarar inte sin läkemedelshantering', party: primaryCare, part: 'Läkarbesök var tredje månad' });
    await e.act('appointNamedDoctor', { doctor: 'Dr Berg', unit: primaryCare.id });
    await e.act('decideEnrollment', { decision: 'enroll' });
    await e.act('careNoLongerNeeded', { text: 'Kan besöka vårdcentralen' });
    await e.acknowledgeLatest('outOfEpisodeMessage');
    await e.act('closeSip', {});
    return e.handle;
  },
  // §5 7.3–7.4: ordered, accepted, a visit reported back, ends at its end date (timer)
  async 'singleHomeVisit-accepted-ended'({ env, taskQueue, now }) {
    const orderedAt = await now();
    const startDate = localDateOf(new Date(orderedAt));
    const o = await VisitOrder.start(env, taskQueue, visitInput({ orderedAt, startDate, endDate: startDate }));
    await o.act('accept', {});
    const s = await o.act('reportVisit', { performedOn: startDate, interventions: ['såromläggning'], note: 'Sår läker' });
    await o.act('acknowledge', { messageId: s.messages.find((m) => m.type === 'visitReport')!.messageId, party: primaryCare });
    await sleepUntil(env, plus(s.endsAt, 1000));
    return o.handle;
  },
  // §7: freeze, review (a flag accepted), every municipality approves, final invoices
  async 'monthlyClose-reviewed-final'({ env, taskQueue, ledger }) {
    await seed(ledger, [{ periods: [['2019-03-01', '2019-03-06']] }, { periods: [['2019-03-01', '2019-03-10']], died: true }]);
    const input = { ...closeInputFor(halland, { closeDay: 5, closeHour: 6, reviewWeekdays: 10 }), month: '2019-03' };
    const handle = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue, workflowId: monthlyCloseWorkflowId('halland', '2019-03'), args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE });
    await eventually(async () => (await handle.query(closeQuery)).phase === 'review', 'the review');
    await handle.executeUpdate(monthlyCloseUpdates.flagLine, { args: [{ type: 'flagLine', municipality: '1380', lineRef: '1380-00002', reason: 'DIED_DURING_STAY' }] });
    await handle.executeUpdate(monthlyCloseUpdates.decideFlag, { args: [{ type: 'decideFlag', flagId: '1380-00002#1', decision: 'accept' }] });
    for (const m of halland.municipalities) await handle.executeUpdate(monthlyCloseUpdates.approveBasis, { args: [{ type: 'approveBasis', municipality: m.code }] });
    return handle;
  },
  // the Schedule's entry point: starts the previous month's close as an abandoned child
  async 'monthlyCloseScheduled-started'({ env, taskQueue, ledger, now }) {
    // the child closes the previous month of the skipped clock: give that year a daily amount
    const year = Number((await now()).slice(0, 4));
    for (const y of [year - 1, year]) await setDailyAmount(ledger.db, y, 9_300_00, 'replay fixture', 'replay:capture').catch(() => undefined);
    return env.client.workflow.start<MonthlyCloseScheduledWorkflow>(monthlyCloseScheduledWorkflowType, { taskQueue, workflowId: 'monthly-close-trigger-halland', args: [closeInputFor(halland, { closeDay: 5, closeHour: 6, reviewWeekdays: 10 })] });
  },
  // §6 the coordinators' daily digest (started by a Schedule each day): nothing open, nothing sent
  async 'coordinatorDigest-nothing-open'({ env, taskQueue }) {
    return env.client.workflow.start<CoordinatorDigestWorkflow>(coordinatorDigestWorkflowType, { taskQueue, workflowId: 'coordinator-digest-halland', args: [{ region: 'halland' }] });
  },
};

/**
 * The sequence of event types (with activity and marker names) of a history's JSON, without the
 * workflow-task events: how updates batch into workflow tasks varies from run to run.
 */
const shape = (json: string) =>
  (json.match(/"eventType":"[A-Z_]+"|"activityType":\{"name":"[^"]+"|"markerName":"[^"]+"/g) ?? []).filter((t) => !t.includes('EVENT_TYPE_WORKFLOW_TASK_')).join();
const sameShape = (a: string, b: string) => shape(a) === shape(b);

async function main(): Promise<void> {
  const started = Date.now();
  const force = process.argv.includes('--force');
  const only = process.argv.slice(2).filter((a) => a !== '--force');
  const env = await timeSkippingEnv();
  const dataDir = mkdtempSync(join(tmpdir(), 'replay-capture-'));
  const ledger = await openLedger({ dataDir });
  const taskQueue = 'replay-capture';
  const worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, deps: { ledger, calendar: { invitationCutoff: '14:00' } } });
  const ctx: Ctx = { env, taskQueue, ledger, now: async () => new Date(await env.currentTimeMs()).toISOString() };
  mkdirSync(FIXTURES_DIR, { recursive: true });
  try {
    await worker.runUntil(async () => {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        if (only.length && !only.includes(name)) continue;
        process.stdout.write(`  ${name} … `);
        const handle = await scenario(ctx);
        await handle.result();
        const history = await handle.fetchHistory();
        const file = join(FIXTURES_DIR, `${name}.json`);
        const where = file.slice(projectRoot.length + 1);
        // ids and instants differ on every run: keep a fixture whose events are the same kinds in
        // the same order, so a regenerated fixture's diff always means the code changed
        if (!force && existsSync(file) && sameShape(readFileSync(file, 'utf8'), historyToJson(history))) {
          console.log(`unchanged (${history.events?.length ?? 0} events, same sequence) — kept ${where}`);
          continue;
        }
        writeFileSync(file, historyToJson(history));
        console.log(`${history.events?.length ?? 0} events → ${where}`);
      }
    });
  } finally {
    await ledger.close();
    await env.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`Captured in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
