/**
 * The discharge process's activity (docs/domain.md §4, §8): its ledger projection. Every state
 * change is projected by an idempotent upsert keyed on (episode id, version): activity retries and
 * workflow replays never duplicate a row or move a row backwards.
 */
import { localDateOf } from '../src/domain/calendar';
import { checklistStatus, sipAcknowledgedAt } from '../src/domain/discharge/actions';
import type { DischargeState } from '../src/domain/discharge/types';
import type { LedgerStore } from '../src/db/ledger';
import { upsertEpisode } from '../src/db/discharge';
import { episodeView } from '../workflows/discharge/contract';
import type { EpisodeProjection } from '../src/db/projection';
import { deviationRecord, obligationRecord, partyRecord } from './ledger';

/** What billing and indicators need from a discharge episode, and nothing that identifies the patient. */
export function dischargeProjection(s: DischargeState): EpisodeProjection {
  const i = s.input;
  const firstOf = (type: string) => s.messages.find((m) => m.type === type)?.occurredAt ?? null;
  const lastReady = s.readyPeriods[s.readyPeriods.length - 1];
  const firstNotice = s.messages.find((m) => m.type === 'admissionNotice');
  return {
    episodeId: s.episodeId,
    version: s.version,
    region: i.region,
    residenceMunicipality: i.residenceMunicipality,
    inpatientUnitHsa: i.inpatientUnit,
    primaryCareUnitHsa: i.primaryCareUnit,
    psychiatricOutpatientUnitHsa: i.psychiatricOutpatientUnit ?? null,
    hospital: i.hospital ?? null,
    psychiatric: i.psychiatric,
    formOfCare: s.planning?.formOfCare ?? null,
    outOfCounty: i.outOfCounty,
    patientRef: i.patientRef,
    ageAtAdmission: i.patientAgeAtAdmission ?? null,
    status: s.status,
    admittedAt: i.admittedAt,
    admissionNoticeSentAt: firstOf('admissionNotice'),
    expectedReadyDate: s.expectedReadyDate ?? null,
    readyDate: lastReady?.readyDate ?? null,
    dischargedAt: s.discharge?.dischargedAt ?? null,
    dischargeDate: s.discharge ? localDateOf(new Date(s.discharge.dischargedAt)) : null,
    cancelledAt: s.cancellation?.at ?? null,
    cancellationReason: s.cancellation?.reason ?? null,
    consent: s.planning?.consent ?? null,
    planningFlow: s.planning?.flow ?? null,
    needsCategory: (s.planning?.needs as EpisodeProjection['needsCategory']) ?? null,
    namedCareContactAt: s.namedCareContacts[0]?.appointedAt ?? null,
    namedDoctorAt: s.namedDoctor?.appointedAt ?? null,
    invitationSentAt: firstOf('planningInvitation'),
    sipCreatedAt: s.sip?.createdAt ?? null,
    sipCompletedAt: s.sip?.completedAt ?? null,
    treatmentPlanAt: s.treatmentPlan?.establishedAt ?? null,
    // halland-2027 checkpoint: the planning basis carries a (preliminary ready) date
    // 002 checkpoint: the planning basis is its own document (rules read again); episodes started
    // before it took the admission notice's preliminary date
    planningBasisDate: s.planningBasis?.date ?? (s.sourceRules ? null : ((firstNotice?.details?.expectedReadyDate as string | undefined) ?? null)),
    outpatientServicesUnavailable: s.outpatientServicesUnavailable,
    downtime: s.tracking.deviations.some((d) => d.downtime) || s.messages.some((m) => Date.parse(m.recordedAt) - Date.parse(m.occurredAt) > 3_600_000),
    readyPeriods: s.readyPeriods.map((r, idx) => ({
      seq: idx + 1,
      readyDate: r.readyDate,
      endedDate: r.endDate ?? null,
      endReason: r.endReason ?? null,
      withdrawalReason: r.withdrawalReason ?? null,
    })),
    messages: s.messages.map((m) => ({
      messageId: m.messageId,
      type: m.type,
      version: m.version ?? 1,
      sender: partyRecord(m.sender),
      sentAt: m.occurredAt,
      recordedAt: m.recordedAt,
    })),
    obligations: s.tracking.obligations.map(obligationRecord),
    deviations: s.tracking.deviations.map(deviationRecord),
    checklistComplete: checklistStatus(s).complete,
    admissionType: i.admissionType ?? null,
    sipAcknowledgedAt: sipAcknowledgedAt(s) ?? null,
  };
}

export function createDischargeActivities(ledger: LedgerStore) {
  return {
    /** The episode's row, its shared rows and its timeline, and the view the API answers with (issue 21), in one write. */
    async projectDischargeEpisode(state: DischargeState): Promise<void> {
      await upsertEpisode(ledger.db, dischargeProjection(state), { timeline: state.timeline, view: episodeView(state) });
    },
  };
}
