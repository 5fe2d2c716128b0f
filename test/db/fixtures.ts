/** Episode projections for ledger tests: a plausible Halland episode, overridable per test. */
import type { EpisodeProjection } from '../../src/db/ledger';

let counter = 0;
/** A fresh opaque id per call, so tests sharing one ledger never touch each other's rows. */
export const newEpisodeId = (): string => `ep-${process.pid}-${Date.now()}-${++counter}`;

/** A deviation's coordinator side (§6) before any coordinator acted on it, as the projection writes it. */
export const NO_COORDINATOR_ACTION = { escalatedAt: null, escalationAcknowledgedAt: null, escalationAcknowledgedBy: null, assignedTo: null, resolution: null, comments: [] };

export function episode(overrides: Partial<EpisodeProjection> = {}): EpisodeProjection {
  return {
    episodeId: newEpisodeId(),
    version: 1,
    region: 'halland',
    residenceMunicipality: '1380',
    inpatientUnitHsa: 'SE2321000115-HALM1',
    primaryCareUnitHsa: 'SE2321000115-VC01',
    psychiatricOutpatientUnitHsa: null,
    hospital: 'Hallands sjukhus Halmstad',
    psychiatric: false,
    formOfCare: null,
    outOfCounty: false,
    patientRef: 'p_9f2c4e',
    ageAtAdmission: 82,
    status: 'ready',
    admittedAt: '2024-03-04T08:15:00.000Z',
    admissionNoticeSentAt: '2024-03-04T12:00:00.000Z',
    expectedReadyDate: '2024-03-08',
    readyDate: '2024-03-08',
    dischargedAt: null,
    dischargeDate: null,
    cancelledAt: null,
    cancellationReason: null,
    consent: 'given',
    planningFlow: 'a',
    needsCategory: 'newHealthCare',
    namedCareContactAt: '2024-03-05T09:00:00.000Z',
    namedDoctorAt: null,
    invitationSentAt: '2024-03-06T10:00:00.000Z',
    sipCreatedAt: null,
    sipCompletedAt: null,
    admissionType: null,
    sipAcknowledgedAt: null,
    treatmentPlanAt: '2024-03-07T14:00:00.000Z',
    planningBasisDate: '2024-03-08',
    outpatientServicesUnavailable: false,
    downtime: false,
    checklistComplete: false,
    readyPeriods: [{ seq: 1, readyDate: '2024-03-08', endedDate: null, endReason: null, withdrawalReason: null }],
    messages: [
      {
        messageId: 'msg-1',
        type: 'admissionNotice',
        version: 1,
        sender: { kind: 'inpatient', id: 'SE2321000115-HALM1' },
        sentAt: '2024-03-04T12:00:00.000Z',
        recordedAt: '2024-03-04T12:00:01.000Z',
      },
    ],
    obligations: [
      {
        obligationId: 'ob-1',
        kind: 'acknowledge',
        messageId: 'msg-1',
        responsible: { kind: 'municipality', id: '1380' },
        dueAt: '2024-03-05T23:00:00.000Z',
        metAt: null,
        status: 'open',
        deviationType: 'ACK_MISSING',
        deviationId: null,
      },
    ],
    deviations: [],
    ...overrides,
  };
}
