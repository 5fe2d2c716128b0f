/**
 * Månadsavstämning: one workflow per region and month (docs/domain.md §7 "Monthly close"), id
 * `monthly-close-<region>-<YYYY-MM>`, started by the region's Schedule after the month ends
 * (via `monthlyCloseScheduled`) or by a billing officer.
 *
 *   1. freeze the month's episodes and compute every municipality's basis (activity);
 *   2. open the review: a timer of N weekdays; municipalities flag lines and approve, the region
 *      decides flags, rejected flags may be disputed and escalated (Updates with validators);
 *   3. at the timer or when every municipality has approved and no flag is undecided: final
 *      invoices recomputed from the accepted corrections, immutable (activity);
 *   4. later corrections are credit/debit notes (API on the ledger), not this workflow.
 *
 * Starting it twice never yields two invoices: the workflow id is per region-month and starts
 * are made with REJECT_DUPLICATE; the close and invoices are keyed by region-month in the ledger.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  setHandler,
  patched,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { BillingAlert } from '../../src/domain/billing/alerts';
import { applyReview, closeReview, REVIEW_ACTIONS, reviewComplete, reviewRefusal, type ReviewAction } from '../../src/domain/billing/review';
import { addMonths, monthOf } from '../../src/domain/local-date';
import { appendTimeline, type Actor } from '../../src/domain/process';
import { SA } from '../../src/temporal/search-attributes';
import { workflowNow } from '../shared/process-runtime';
import { billingAlerts, billingSteps } from '../shared/proxies';
import { registerActionUpdates } from '../shared/staff-actions';
import {
  type CloseAnswer,
  closeIdOf,
  closeQuery,
  closeView as view,
  monthlyCloseUpdates,
  monthlyCloseWorkflowId,
  type CloseState,
  type CloseView,
  type MonthlyCloseInput,
  type ScheduledCloseInput,
} from './contract';

// the close's steps and alerts, under their retry policies (workflows/shared/proxies.ts); what a
// retry cannot fix fails at once (non-retryable, activities/billing.ts)
const act = billingSteps;
const alerts = billingAlerts;

/**
 * Patch id of the alerts added in issue 15: a close that fails for a reason a retry cannot fix,
 * or freezes with episodes the engine cannot compute, alerts the region's billing officers and
 * administrators (activity `billingAlert`). Histories from before replay without it.
 */
export const PATCH_BILLING_ALERTS = 'monthly-close-billing-alerts';

/** Patch id of the search attributes added in issue 8 (see README "Versioning"). */
export const PATCH_SEARCH_ATTRIBUTES = 'monthly-close-search-attributes';

export async function monthlyClose(input: MonthlyCloseInput): Promise<CloseView> {
  const s: CloseState = { input, phase: 'freezing', review: { status: 'review', municipalities: {}, flags: [] }, timeline: [] };
  const now = workflowNow;
  /** what happened, on the close's timeline as on every process's; a close's steps happen when they are recorded */
  const record = (action: string, summary: string, actor?: Actor) => appendTimeline(s.timeline, { action, occurredAt: now(), ...(actor ? { actor } : {}), summary }, now());

  // the review actions, wired as every process's actions are (workflows/shared/staff-actions.ts)
  registerActionUpdates<ReviewAction, CloseAnswer>({
    types: REVIEW_ACTIONS,
    updates: monthlyCloseUpdates,
    refusal: (a) =>
      s.phase !== 'review'
        ? { code: s.phase === 'final' ? 'CLOSE_FINAL' : 'NOT_IN_REVIEW', message: `The close is ${s.phase}; review actions are not possible now.` }
        : reviewRefusal(s.review, a),
    handle: (a, refuseOrThrow) => {
      refuseOrThrow(a);
      const summary = applyReview(s.review, a, now());
      record(a.type, summary, a.actor);
      // recorded, not the close (CloseAnswer); the hash of the request this answers: a reused
      // Idempotency-Key with another body is detected by the API
      return { closeId: closeIdOf(s), phase: s.phase, ...(a.requestHash ? { requestHash: a.requestHash } : {}) };
    },
  });
  setHandler(closeQuery, () => view(s));
  // Region and ProcessStatus (= phase) let administrators find the closes in review
  // (README "Administration API"). Added after closes had started: patched() keeps histories
  // from before the change replaying (README "Versioning"); once no close started before it
  // is open, this becomes deprecatePatch(), and later plain code.
  const showsPhase = patched(PATCH_SEARCH_ATTRIBUTES);
  const showPhase = () => {
    if (showsPhase) upsertSearchAttributes([{ key: SA.region, value: input.region }, { key: SA.processStatus, value: s.phase }]);
  };
  showPhase();

  const closeId = `${input.region}-${input.month}`;
  /** Tells the region's billing officers and administrators; a failed alert never changes the close's own outcome. */
  const alertBilling = async (a: Pick<BillingAlert, 'kind' | 'step' | 'code' | 'message' | 'episodeIds'>) => {
    try {
      await alerts.billingAlert({ ...a, region: input.region, month: input.month, closeId, runId: workflowInfo().runId, at: now() });
    } catch {
      // recorded in the ledger with its failed deliveries (GET /api/billing/alerts)
    }
  };
  /** A step's activity; when it fails for a reason a retry cannot fix, the alert goes out and the close fails with it. */
  const step = async <T>(name: BillingAlert['step'], run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.nonRetryable && patched(PATCH_BILLING_ALERTS)) {
        const details = (cause.details?.[0] ?? {}) as { episodeIds?: unknown };
        const episodeIds = Array.isArray(details.episodeIds) ? details.episodeIds.filter((x): x is string => typeof x === 'string') : [];
        record('failed', `${name} failed: ${cause.type ?? 'ERROR'}: ${cause.message}`);
        await alertBilling({ kind: 'closeFailed', step: name, code: cause.type ?? 'ERROR', message: cause.message, episodeIds });
      }
      throw err;
    }
  };

  // 1–2. freeze and compute (fails the close with DAILY_AMOUNT_MISSING etc. when configuration lacks)
  s.summary = await step('freeze', () => act.billingFreezeClose({ region: input.region, month: input.month, municipalities: input.municipalities, agreements: input.agreements }));
  for (const m of s.summary.municipalities) s.review.municipalities[m.municipality] = { lines: m.lines, approvedAt: null };
  record('frozen', `${s.summary.episodeCount} episodes frozen under ${s.summary.ruleSetId}`);
  // episodes the engine cannot compute are in no invoice: the billing officer must look at them (docs/domain.md §7)
  const cannot = s.summary.cannotCompute ?? [];
  if (cannot.length > 0 && patched(PATCH_BILLING_ALERTS)) {
    const message = `${cannot.length} episode(s) of ${input.month} cannot be computed and are in no invoice: ${cannot.map((c) => `${c.episodeId} (${c.code}: ${c.reason})`).join('; ')}`;
    record('cannotCompute', message);
    await alertBilling({ kind: 'cannotCompute', step: 'freeze', code: 'CANNOT_COMPUTE', message, episodeIds: cannot.map((c) => c.episodeId) });
  }

  // 3. review period: a durable timer in weekdays
  s.reviewEndsAt = await act.billingReviewDeadline(now(), input.reviewWeekdays);
  s.phase = 'review';
  showPhase();
  const remaining = Math.max(0, Date.parse(s.reviewEndsAt) - Date.now());
  const early = await condition(() => reviewComplete(s.review), remaining);
  record('reviewEnded', early ? 'every municipality approved' : 'review period ended');

  // 4. final: recomputed from the accepted corrections, immutable
  s.phase = 'final';
  showPhase();
  const corrections = closeReview(s.review);
  const summary = s.summary;
  s.final = await step('finalise', () =>
    act.billingFinaliseClose(
      summary.closeId,
      corrections,
      s.review.flags.map((f) => ({
        flagId: f.flagId, municipality: f.municipality, lineRef: f.lineRef, reason: f.reason, text: f.text, status: f.status,
        disputeLevel: f.dispute?.level ?? null, raisedBy: f.raisedBy, raisedAt: f.raisedAt, decidedBy: f.decidedBy, decidedAt: f.decidedAt, decisionNote: f.decisionNote,
      })),
      now(),
    ),
  );
  record('final', `${s.final.invoices.length} invoices final`);
  await condition(allHandlersFinished);
  return view(s);
}

// ---- the Schedule's entry point ---------------------------------------------------------------

/**
 * What the region's Schedule starts each month: closes the month that just ended by starting its
 * `monthlyClose` (abandoned child, so it outlives this short run). A second firing for the same
 * month — a catch-up, a manual trigger, a close already started by a billing officer — finds the
 * id taken and does nothing.
 */
export async function monthlyCloseScheduled(input: ScheduledCloseInput): Promise<{ workflowId: string; started: boolean }> {
  // The schedule fires at 05:00–23:00 of day ≥ 1 in Europe/Stockholm, when the UTC date is the
  // same day, so the month of the start time's UTC date is the local month. Kept on the UTC date
  // (not localDateOf), as it always was: a catch-up run started just after a local midnight
  // must close the month it has always closed, or an older history would not replay.
  const month = addMonths(monthOf(workflowInfo().runStartTime.toISOString()), -1);
  const workflowId = monthlyCloseWorkflowId(input.region, month);
  try {
    await startChild(monthlyClose, {
      workflowId,
      args: [{ ...input, month, startedBy: 'schedule' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return { workflowId, started: true };
  } catch (err) {
    if ((err as Error).name === 'WorkflowExecutionAlreadyStartedError') return { workflowId, started: false };
    throw err;
  }
}
