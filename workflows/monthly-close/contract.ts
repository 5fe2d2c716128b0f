/**
 * The monthly close's contract (docs/glossary.md: process name `monthlyClose`, one close per
 * region and month): what the API, the schedules, the scripts and the tests need to start a
 * close, review it and read it, without importing ./workflow.ts.
 *
 * Wire names are frozen (docs/architecture.md "Versioning"): the workflow types `monthlyClose`
 * and `monthlyCloseScheduled`, the query `close` and one Update per review action, named after it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CloseInput, CloseSummary, FinalSummary } from '../../src/db/billing-close';
import type { TimelineEntry } from '../../src/domain/process';
import { REVIEW_ACTIONS, type ReviewAction, type ReviewActionType, type ReviewState } from '../../src/domain/billing/review';

/** The workflow type, by name: start it with `client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, …)`. */
export const monthlyCloseWorkflowType = 'monthlyClose';
export type MonthlyCloseWorkflow = (input: MonthlyCloseInput) => Promise<CloseView>;
/** What the region's Schedule starts each month (src/temporal/schedules.ts); it starts the month's `monthlyClose`. */
export const monthlyCloseScheduledWorkflowType = 'monthlyCloseScheduled';
export type MonthlyCloseScheduledWorkflow = (input: ScheduledCloseInput) => Promise<{ workflowId: string; started: boolean }>;

export interface MonthlyCloseInput extends CloseInput {
  /** the review period in weekdays (docs/domain.md §7: configurable, e.g. 10) */
  reviewWeekdays: number;
  startedBy?: 'schedule' | 'billingOfficer';
}

export interface ScheduledCloseInput extends Omit<MonthlyCloseInput, 'month' | 'startedBy'> {}

/** One close per region and month: `monthly-close-<region>-<YYYY-MM>`. */
export const monthlyCloseWorkflowId = (region: string, month: string) => `monthly-close-${region}-${month}`;

/** The close as billing officers and municipalities see it: the query's answer. */
export type CloseView = ReturnType<typeof closeView>;
export const closeQuery = defineQuery<CloseView>('close');

/**
 * What a review action's Update answers, as every process's staff actions do
 * (workflows/shared/staff-actions.ts `StaffActionAnswer`): that it was recorded — the close, its
 * phase, and the hash of the request it answers, so the API tells a reused Idempotency-Key with
 * another body apart (src/temporal/process-client.ts) — not the close itself. An answer is stored
 * in the history, and the close's view grows with every flag and timeline entry; the API reads
 * the view by query after the answer. Histories recorded before hold full views as answers; those
 * have every field of this one.
 */
export interface CloseAnswer {
  closeId: string;
  phase: CloseState['phase'];
  requestHash?: string;
}

/** One Update per review action, named after it. */
export const monthlyCloseUpdates = Object.fromEntries(REVIEW_ACTIONS.map((t) => [t, defineUpdate<CloseAnswer, [ReviewAction]>(t)])) as Record<
  ReviewActionType,
  ReturnType<typeof defineUpdate<CloseAnswer, [ReviewAction]>>
>;

/** The workflow's state (./workflow.ts), from which the view is made. */
export interface CloseState {
  input: MonthlyCloseInput;
  phase: 'freezing' | 'review' | 'final';
  summary?: CloseSummary;
  reviewEndsAt?: string;
  review: ReviewState;
  final?: FinalSummary;
  /** what happened to the close, in the shape of every process's timeline (src/domain/process.ts) */
  timeline: TimelineEntry[];
}

/** The close's id: the frozen summary's, or `<region>-<month>` before the freeze. */
export const closeIdOf = (s: CloseState): string => s.summary?.closeId ?? `${s.input.region}-${s.input.month}`;

export function closeView(s: CloseState) {
  return {
    closeId: closeIdOf(s),
    region: s.input.region,
    month: s.input.month,
    phase: s.phase,
    ruleSetId: s.summary?.ruleSetId ?? null,
    dailyAmountOre: s.summary?.dailyAmountOre ?? null,
    reviewEndsAt: s.reviewEndsAt ?? null,
    preliminary: s.summary ?? null,
    municipalities: Object.entries(s.review.municipalities).map(([municipality, m]) => ({ municipality, ...m })),
    flags: s.review.flags,
    final: s.final ?? null,
    timeline: s.timeline,
  };
}
