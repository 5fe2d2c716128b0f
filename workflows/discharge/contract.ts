/**
 * The discharge process's contract (docs/glossary.md: process name `discharge`): what the API,
 * the activities, the scripts and the tests need to start an episode's workflow, act on it and
 * read it, without importing the workflow's implementation (./workflow.ts). Like the Temporal
 * samples' `shared.ts`.
 *
 * Wire names are frozen (docs/architecture.md "Versioning"): the workflow type `dischargeEpisode`,
 * the query `episode` and one Update per action, named after it, are in every history.
 */
import type { StaffActionAnswer } from '../shared/staff-actions';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import { SA } from '../../src/temporal/search-attributes';
import { checklistStatus, DISCHARGE_ACTIONS, parties, type DischargeAction, type DischargeActionType } from '../../src/domain/discharge/actions';
import type { AllowedAction } from '../../src/domain/discharge/allowed';
import type { DischargeState, StartEpisodeInput } from '../../src/domain/discharge/types';
import { openObligations, type Party } from '../../src/domain/obligations';

/** The workflow type, by name: start it with `client.workflow.start<DischargeWorkflow>(dischargeWorkflowType, …)`. */
export const dischargeWorkflowType = 'dischargeEpisode';
/** The workflow's signature (./workflow.ts `dischargeEpisode` implements it). */
export type DischargeWorkflow = (input: StartEpisodeInput) => Promise<DischargeResult>;

/**
 * What the workflow returns when the episode has ended: how it ended, not the whole episode
 * (the result is stored in the history, issue 21; the ledger and the query hold the episode).
 * Histories recorded before return the full view, which has these fields too.
 */
export type DischargeResult = Pick<DischargeUpdateAnswer, 'episodeId' | 'version' | 'status'>;

/** The search attributes an episode starts with (README "Administration API": find episodes by region, municipality, ward, status). */
export function dischargeStartAttributes(input: Pick<StartEpisodeInput, 'region' | 'residenceMunicipality' | 'inpatientUnit' | 'psychiatric'>): TypedSearchAttributes {
  return new TypedSearchAttributes([
    { key: SA.region, value: input.region },
    { key: SA.municipalityCode, value: input.residenceMunicipality },
    { key: SA.inpatientUnit, value: input.inpatientUnit },
    { key: SA.processStatus, value: 'admitted' },
    { key: SA.psychiatric, value: input.psychiatric },
  ]);
}

/**
 * What an action's Update answers (the same in every process: workflows/shared/staff-actions.ts
 * `StaffActionAnswer`): that it was recorded, with the episode's new version and status, the
 * request's hash and any warnings; the API reads the view after the answer.
 */
export type DischargeUpdateAnswer = StaffActionAnswer & { episodeId: string; status: EpisodeView['status'] };

/** One Update per staff action (src/domain/discharge/actions.ts `DISCHARGE_ACTIONS`), named after it, so the history reads like the process. */
export const dischargeUpdates = Object.fromEntries(
  DISCHARGE_ACTIONS.map((t) => [t, defineUpdate<DischargeUpdateAnswer, [DischargeAction]>(t)]),
) as { [K in DischargeActionType]: ReturnType<typeof defineUpdate<DischargeUpdateAnswer, [Extract<DischargeAction, { type: K }>]>> };

/** One workflow per hospital stay: `discharge-<episodeId>` (opaque, no patient data). */
export const dischargeWorkflowId = (episodeId: string) => `discharge-${episodeId}`;

/** What a successful action returns to the API: the new state as staff see it. */
export type EpisodeView = ReturnType<typeof episodeView>;

export const episodeQuery = defineQuery<EpisodeView>('episode');

/**
 * Who the patient is (personnummer, samordningsnummer or reservnummer): only the API asks, for the
 * roles that may see it, and it logs the read (issue 19). The episode's view never carries it.
 */
export const patientQuery = defineQuery<StartEpisodeInput['patient']>('patient');

/** The staff actions the state allows now, each with the refusal a 409 would give (the workspace's buttons, issue 19). */
export const allowedActionsQuery = defineQuery<AllowedAction[], [{ now: string; party?: Party; types?: DischargeActionType[] }]>('allowedActions');

/** The episode as staff see it: the query's answer, and every action's with the request's hash and any warnings. */
export function episodeView(s: DischargeState): ReturnType<typeof fullView> & { requestHash?: string; warnings?: string[] } {
  return fullView(s);
}

function fullView(s: DischargeState) {
  return {
    episodeId: s.episodeId,
    version: s.version,
    status: s.status,
    region: s.input.region,
    /** pseudonymous (HMAC), for the access log of this read (docs/domain.md §10) */
    patientRef: s.input.patientRef,
    /** the start request's hash (Idempotency-Key): the API tells a reused key with another body apart */
    startRequestHash: s.input.requestHash,
    psychiatric: s.input.psychiatric,
    outOfCounty: s.input.outOfCounty,
    parties: parties(s),
    admittedAt: s.input.admittedAt,
    admissionType: s.input.admissionType,
    expectedReadyDate: s.expectedReadyDate,
    admissionNoticeVersion: s.admissionNoticeVersion,
    namedCareContacts: s.namedCareContacts,
    namedDoctor: s.namedDoctor,
    planning: s.planning,
    invitations: s.invitations,
    meetings: s.meetings,
    sip: s.sip,
    treatmentPlan: s.treatmentPlan,
    checklist: checklistStatus(s),
    readyPeriods: s.readyPeriods,
    discharge: s.discharge,
    cancellation: s.cancellation,
    homeCareEnrollmentId: s.homeCareEnrollmentId,
    outpatientServicesUnavailable: s.outpatientServicesUnavailable,
    planningBasis: s.planningBasis,
    firstMedicalRoundAt: s.firstMedicalRoundAt,
    messages: s.messages,
    openObligations: openObligations(s.tracking).sort((a, b) => a.dueAt.localeCompare(b.dueAt)),
    obligations: s.tracking.obligations,
    deviations: s.tracking.deviations,
    timeline: s.timeline,
  };
}
