/**
 * The home health care process's contract (docs/glossary.md: process name `homeCare`, one
 * enrollment per instance): what the API, the activities, the scripts and the tests need to start
 * an enrollment's workflow, act on it and read it, without importing ./workflow.ts.
 *
 * Wire names are frozen (docs/architecture.md "Versioning"): the workflow type
 * `homeCareEnrollment`, the query `enrollment` and one Update per action, named after it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StaffActionAnswer } from '../shared/staff-actions';
import { enrollmentParties, HOME_CARE_ACTIONS, type HomeCareAction, type HomeCareActionType } from '../../src/domain/home-care/actions';
import type { HomeCareState, StartEnrollmentInput } from '../../src/domain/home-care/types';
import { openObligations, type Party } from '../../src/domain/obligations';
import type { AllowedProcessAction } from '../../src/domain/process';

/** The workflow type, by name: start it with `client.workflow.start<HomeCareWorkflow>(homeCareWorkflowType, …)`. */
export const homeCareWorkflowType = 'homeCareEnrollment';
/** The workflow's signature (./workflow.ts `homeCareEnrollment` implements it; `carried` is continue-as-new's). */
export type HomeCareWorkflow = (input: StartEnrollmentInput, carried?: HomeCareState) => Promise<EnrollmentView>;

/** Continue as new past this many history events (Temporal's own suggestion comes much later). */
export const HISTORY_LIMIT = 1_000;
/** Update results carry only the newest entries: a years-long enrollment must not copy its state into every event. */

/** One workflow per enrollment: `homecare-<enrollmentId>` (opaque, no patient data). */
export const homeCareWorkflowId = (enrollmentId: string) => `homecare-${enrollmentId}`;

/** The enrollment as staff see it (query). */
export type EnrollmentView = ReturnType<typeof enrollmentView>;

export function enrollmentView(s: HomeCareState) {
  const p = enrollmentParties(s);
  return {
    enrollmentId: s.enrollmentId,
    version: s.version,
    status: s.status,
    region: s.input.region,
    /** pseudonymous (HMAC), for the access log of this read (docs/domain.md §10) */
    patientRef: s.input.patientRef,
    /** the start request's hash (Idempotency-Key): the API tells a reused key with another body apart */
    startRequestHash: s.input.requestHash,
    parties: p,
    initiatedBy: s.input.initiatedBy,
    startedAt: s.input.startedAt,
    dischargeEpisodeId: s.input.dischargeEpisodeId,
    dischargeLink: s.dischargeLink,
    namedCareContact: s.namedCareContact,
    namedDoctor: s.namedDoctor,
    invitation: s.invitation,
    sip: s.sip,
    medicationReviewAt: s.medicationReviewAt,
    endOfLifeConversationAt: s.endOfLifeConversationAt,
    decision: s.decision,
    enrolledAt: s.enrolledAt,
    ending: s.ending,
    end: s.end,
    run: s.run,
    continuedAsNew: s.continuedAsNew,
    messages: s.messages,
    openObligations: openObligations(s.tracking).sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    obligations: s.tracking.obligations,
    deviations: s.tracking.deviations,
    timeline: s.timeline,
  };
}

export const enrollmentQuery = defineQuery<EnrollmentView>('enrollment');

/** The staff actions the enrollment's state allows now, each with the refusal a 409 would give (the workspace's buttons, issue 19). */
export const enrollmentAllowedActionsQuery = defineQuery<AllowedProcessAction<HomeCareActionType>[], [{ now: string; party?: Party; types?: HomeCareActionType[] }]>('allowedActions');

/**
 * What an action's Update answers (workflows/shared/staff-actions.ts `StaffActionAnswer`): that it
 * was recorded; the API reads the enrollment by query after it. Histories recorded before hold
 * (compact) views as answers, which have these fields too.
 */
export type HomeCareAnswer = StaffActionAnswer & { enrollmentId: string };

/** One Update per staff action, named after it. */
export const homeCareUpdates = Object.fromEntries(HOME_CARE_ACTIONS.map((t) => [t, defineUpdate<HomeCareAnswer, [HomeCareAction]>(t)])) as {
  [K in HomeCareActionType]: ReturnType<typeof defineUpdate<HomeCareAnswer, [Extract<HomeCareAction, { type: K }>]>>;
};
