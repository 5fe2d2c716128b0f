/**
 * The single home visit process's contract (docs/glossary.md: process name `homeVisit`, one
 * order per instance): what the API, the scripts and the tests need to start an order's
 * workflow, act on it and read it, without importing ./workflow.ts.
 *
 * Wire names are frozen (docs/architecture.md "Versioning"): the workflow type
 * `singleHomeVisit`, the query `visitOrder` and one Update per action, named after it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StaffActionAnswer } from '../shared/staff-actions';
import type { StartVisitOrderInput, VisitOrderState } from '../../src/domain/home-visit/types';
import { visitParties, type VisitAction, type VisitActionType, VISIT_ACTIONS } from '../../src/domain/home-visit/actions';
import { openObligations, type Party } from '../../src/domain/obligations';
import type { AllowedProcessAction } from '../../src/domain/process';

/** The workflow type, by name: start it with `client.workflow.start<HomeVisitWorkflow>(homeVisitWorkflowType, …)`. */
export const homeVisitWorkflowType = 'singleHomeVisit';
/** The workflow's signature (./workflow.ts `singleHomeVisit` implements it). */
export type HomeVisitWorkflow = (input: StartVisitOrderInput) => Promise<VisitOrderView>;

/** One workflow per order: `homevisit-<orderId>` (opaque, no patient data). */
export const homeVisitWorkflowId = (orderId: string) => `homevisit-${orderId}`;

export type VisitOrderView = ReturnType<typeof visitOrderView>;

/** The order as staff see it: the query's answer and every action's. */
export function visitOrderView(s: VisitOrderState) {
  return {
    orderId: s.orderId,
    version: s.version,
    status: s.status,
    region: s.input.region,
    /** pseudonymous (HMAC), for the access log of this read (docs/domain.md §10) */
    patientRef: s.input.patientRef,
    /** the start request's hash (Idempotency-Key): the API tells a reused key with another body apart */
    startRequestHash: s.input.requestHash,
    parties: visitParties(s),
    interventions: s.input.interventions,
    startDate: s.input.startDate,
    endDate: s.input.endDate,
    orderedAt: s.input.orderedAt,
    orderMessageId: s.orderMessageId,
    endsAt: s.endsAt,
    answer: s.answer,
    cancellation: s.cancellation,
    visits: s.visits,
    messages: s.messages,
    openObligations: openObligations(s.tracking).sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    obligations: s.tracking.obligations,
    deviations: s.tracking.deviations,
    timeline: s.timeline,
  };
}

export const visitOrderQuery = defineQuery<VisitOrderView>('visitOrder');

/** The staff actions the order's state allows now, each with the refusal a 409 would give (the workspace's buttons, issue 19). */
export const visitAllowedActionsQuery = defineQuery<AllowedProcessAction<VisitActionType>[], [{ now: string; party?: Party; types?: VisitActionType[] }]>('allowedActions');

/**
 * What an action's Update answers (workflows/shared/staff-actions.ts `StaffActionAnswer`): that it
 * was recorded; the API reads the order by query after it. Histories recorded before hold full
 * views as answers, which have these fields too.
 */
export type HomeVisitAnswer = StaffActionAnswer & { orderId: string };

/** One Update per staff action, named after it. */
export const homeVisitUpdates = Object.fromEntries(VISIT_ACTIONS.map((t) => [t, defineUpdate<HomeVisitAnswer, [VisitAction]>(t)])) as {
  [K in VisitActionType]: ReturnType<typeof defineUpdate<HomeVisitAnswer, [Extract<VisitAction, { type: K }>]>>;
};
