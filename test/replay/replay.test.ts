/**
 * CI's replay gate (docs/architecture.md "Testing": replay tests): every committed history — the
 * main paths of every workflow type, captured by `npm run replay:capture`, and the histories of
 * older code under fixtures/versioning/ — replays against the current workflow code. A change
 * that would break running workflows fails here (README "Versioning" says what to do instead).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as workflows from '../../workflows';
import { historyFromJson } from '../../src/temporal/history-json';
import { describeFailure, historiesFromFiles, replayHistories, workflowTypeOf } from '../../src/temporal/replay';
import { workflowBundle } from '../helpers/temporal';

const FIXTURES = join(__dirname, 'fixtures');
const VERSIONING = join(FIXTURES, 'versioning');

/** The patch ids a history's markers name (`patched()` records one per patch). */
const markers = (file: string) =>
  (historyFromJson(JSON.parse(readFileSync(file, 'utf8'))).events ?? [])
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
    .map((e) => Buffer.from(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!).toString());

describe('replay of the committed histories', () => {
  it('every fixture replays without non-determinism, and every workflow type has one', async () => {
    const sources = historiesFromFiles([FIXTURES, VERSIONING]);
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, sources);
    expect(summary.failures.map(describeFailure)).toEqual([]);
    expect(summary.replayed).toBe(sources.length);
    // every workflow type the worker registers (workflows/index.ts), so a new one needs a fixture
    expect(Object.keys(summary.byType).sort()).toEqual(Object.keys(workflows).sort());
  });

  it('reports a history the code disagrees with, naming the workflow and the first diverging event', async () => {
    // the monthly close as if an older version had scheduled another activity first
    const file = join(FIXTURES, 'monthlyClose-reviewed-final.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const scheduled = json.events.find((e: any) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.activityTaskScheduledEventAttributes.activityType.name).toBe('billingFreezeClose');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'billingFinaliseClose';
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, [{ workflowId: 'tampered-close', history: historyFromJson(json), source: 'test' }]);
    expect(summary.failures).toHaveLength(1);
    const [f] = summary.failures;
    expect(f).toMatchObject({ workflowId: 'tampered-close', workflowType: 'monthlyClose', kind: 'nondeterminism' });
    expect(f!.divergingEvent).toEqual({ eventId: Number(scheduled.eventId), eventType: 'ACTIVITY_TASK_SCHEDULED' });
    expect(describeFailure(f!)).toContain(`monthlyClose tampered-close at event ${scheduled.eventId} (ACTIVITY_TASK_SCHEDULED)`);
  });
});

describe('versioning: the monthly close search-attribute patch (README "Versioning")', () => {
  const before = join(VERSIONING, 'monthlyClose-before-search-attributes-patch.json');
  const after = join(FIXTURES, 'monthlyClose-reviewed-final.json');

  it('a history from before the change and one from after it both replay on the current code', async () => {
    expect(markers(before).join()).not.toContain('monthly-close-search-attributes');
    expect(markers(after).join()).toContain('monthly-close-search-attributes');
    const sources = historiesFromFiles([before, after]);
    expect(sources.map((s) => workflowTypeOf(s.history as any))).toEqual(['monthlyClose', 'monthlyClose']);
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, sources);
    expect(summary.failures.map(describeFailure)).toEqual([]);
    expect(summary.replayed).toBe(2);
  });
});

/**
 * A patch every listed process type went through: its histories from before (under versioning/,
 * no marker) and the current fixtures (with the marker) all replay on the current code.
 */
function versioningCase(title: string, patch: string, names: string[], beforeSuffix: string): void {
  describe(title, () => {
    it('histories from before the change and from after it replay on the current code', async () => {
      const before = names.map((n) => join(VERSIONING, `${n}-${beforeSuffix}.json`));
      const after = names.map((n) => join(FIXTURES, `${n}.json`));
      for (const f of before) expect(markers(f).join()).not.toContain(patch);
      for (const f of after) expect(markers(f).join()).toContain(patch);
      const summary = await replayHistories({ workflowBundle: workflowBundle() }, historiesFromFiles([...before, ...after]));
      expect(summary.failures.map(describeFailure)).toEqual([]);
      expect(summary.replayed).toBe(2 * names.length);
    });
  });
}

const EVERY_PROCESS = ['dischargeEpisode-flow-a-discharged', 'dischargeEpisode-deviation-escalated-cancelled', 'homeCareEnrollment-enrolled-ended', 'singleHomeVisit-accepted-ended'];
versioningCase('versioning: exclusive sections take turns (workflows/shared/process-runtime.ts)', 'exclusive-sections-take-turns', EVERY_PROCESS, 'before-exclusive-turns-patch');
versioningCase('versioning: back-registration without false alarms (workflows/shared/process-runtime.ts)', 'back-registration-grace-period', EVERY_PROCESS, 'before-back-registration-patch');
versioningCase('versioning: the discharge rules read again (workflows/discharge/workflow.ts PATCH_SOURCE_RULES)', 'discharge-rules-read-again', EVERY_PROCESS.slice(0, 2), 'before-source-rules-patch');

describe('versioning: the monthly close alerts the billing officers (workflows/monthly-close/workflow.ts PATCH_BILLING_ALERTS)', () => {
  const PATCH = 'monthly-close-billing-alerts';
  // a close of a year without a daily amount (DAILY_AMOUNT_MISSING), failed before and after the patch
  const before = join(VERSIONING, 'monthlyClose-failed-before-billing-alerts-patch.json');
  const after = join(VERSIONING, 'monthlyClose-failed-with-billing-alerts-patch.json');

  it('a failed close from before the alerts and one from after (with its billingAlert) replay on the current code', async () => {
    expect(markers(before).join()).not.toContain(PATCH);
    expect(markers(after).join()).toContain(PATCH);
    const summary = await replayHistories({ workflowBundle: workflowBundle() }, historiesFromFiles([before, after]));
    expect(summary.failures.map(describeFailure)).toEqual([]);
    expect(summary.replayed).toBe(2);
  });
});
