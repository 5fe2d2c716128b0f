/**
 * What a discharge workflow writes into the episode ledger at every state change (docs/domain.md §8),
 * and what billing (§7) and indicators (§9) read back. Pure data: workflows can import these
 * types without pulling in a database driver.
 *
 * Every field is present (`null` when unknown), never optional: activity inputs travel as JSON,
 * where an `undefined` field disappears, and a missing field must clear the stored value rather
 * than silently keep an old one. The writer still treats a missing field as `null`.
 *
 * Instants are ISO-8601 strings with an explicit offset ('Z' or '+01:00'); they are read back in
 * UTC ('2024-03-31T22:30:00.000Z'). Dates are 'YYYY-MM-DD' local (Europe/Stockholm) dates.
 */
import type { Instant, LocalDate } from './schema';

export type { Instant, LocalDate };

/** The organisational kinds of `src/domain/obligations.ts` `PartyKind`, kept as text here. */
export interface PartyRef {
  kind: string;
  /** HSA-id of the unit, or kommunkod for a municipality */
  id: string;
}

export type Consent = 'given' | 'declined';
/** 001 §5.1: (a) new needs, (b) existing municipal services only, (c) social services only */
export type PlanningFlow = 'a' | 'b' | 'c';
/** akut / planerad inskrivning (docs/domain.md §4 step 1) */
export type AdmissionType = 'acute' | 'planned';
/** 000's split of needs before discharge (docs/domain.md §9) */
export type NeedsCategory = 'unchanged' | 'newSocialServices' | 'newHealthCare' | 'newAdvancedHealthCare';
/** CANCELLED: planning cancelled or the patient died while ready (001 §6.1 step 9b) */
export type ReadyPeriodEndReason = 'DISCHARGED' | 'WITHDRAWN' | 'CANCELLED';

/** One stretch of being ready for discharge; an episode withdrawn and ready again has several (§7). */
export interface ReadyPeriod {
  /** 1, 2, … in order */
  seq: number;
  readyDate: LocalDate;
  /** date of discharge, withdrawal or cancellation; null while open */
  endedDate: LocalDate | null;
  endReason: ReadyPeriodEndReason | null;
  withdrawalReason: string | null;
}

/** One version of a message sent in the process. */
export interface MessageRecord {
  messageId: string;
  type: string;
  version: number;
  sender: PartyRef;
  /** when it was really sent (`occurredAt`) */
  sentAt: Instant;
  /** when it was registered in the system (later than sentAt after downtime) */
  recordedAt: Instant;
}

/** An acknowledgement (or other) obligation of one party, mirroring the domain's `Obligation`. */
export interface ObligationRecord {
  obligationId: string;
  kind: string;
  messageId: string | null;
  responsible: PartyRef;
  dueAt: Instant;
  metAt: Instant | null;
  status: 'open' | 'met' | 'late' | 'overdue' | 'cancelled';
  deviationType: string;
  deviationId: string | null;
}

/** A deviation (docs/domain.md §6), mirroring the domain's `Deviation`. */
export interface DeviationRecord {
  /** globally unique */
  deviationId: string;
  type: string;
  responsible: PartyRef;
  description: string;
  obligationId: string | null;
  deadlineAt: Instant;
  detectedAt: Instant;
  status: 'open' | 'resolved' | 'closed' | 'withdrawn';
  resolvedAt: Instant | null;
  /** migration 0009: when a back-registration showed the deadline was met (docs/domain.md §4 Downtime) */
  withdrawnAt?: Instant | null;
  closedAt: Instant | null;
  closedBy: string | null;
  comment: string | null;
  downtime: boolean;
  escalation: 'none' | 'reminded' | 'escalated';
  reportedBy: string | null;
  /**
   * Coordinators' side (§6, migration 0005). Optional so that projections written before it
   * still read; the writers store `null` for a missing value.
   */
  escalatedAt?: Instant | null;
  escalationAcknowledgedAt?: Instant | null;
  escalationAcknowledgedBy?: string | null;
  /** the unit handling it when a coordinator reassigned it */
  assignedTo?: PartyRef | null;
  resolution?: string | null;
  comments?: { at: Instant; by: string; text: string }[];
}

export interface EpisodeProjection {
  /** opaque, never a personnummer */
  episodeId: string;
  /** the workflow's counter of state changes, > 0; increases with every write */
  version: number;
  region: string;
  /** kommunkod of the municipality where the patient is registered (folkbokförd) */
  residenceMunicipality: string;
  inpatientUnitHsa: string;
  primaryCareUnitHsa: string | null;
  psychiatricOutpatientUnitHsa: string | null;
  hospital: string | null;
  psychiatric: boolean;
  formOfCare: string | null;
  outOfCounty: boolean;
  /**
   * A stable pseudonym of the patient (e.g. an HMAC of the personnummer under a region secret),
   * the same for every episode of one person so readmissions and days per individual can be
   * counted (§9). NEVER the personnummer, samordningsnummer or reservnummer itself: the ledger
   * is read by billing and reports that must not see patient identity (docs/domain.md §2, GDPR).
   */
  patientRef: string;
  /** whole years on the admission date; indicators split at 65 */
  ageAtAdmission: number | null;
  status: string;
  admittedAt: Instant;
  admissionNoticeSentAt: Instant | null;
  expectedReadyDate: LocalDate | null;
  /** final ready date of the last ready period */
  readyDate: LocalDate | null;
  dischargedAt: Instant | null;
  /** local date of discharge: the billing month */
  dischargeDate: LocalDate | null;
  cancelledAt: Instant | null;
  /** e.g. 'PLANNING_CANCELLED', 'PATIENT_DIED' */
  cancellationReason: string | null;
  consent: Consent | null;
  planningFlow: PlanningFlow | null;
  needsCategory: NeedsCategory | null;
  namedCareContactAt: Instant | null;
  namedDoctorAt: Instant | null;
  invitationSentAt: Instant | null;
  sipCreatedAt: Instant | null;
  sipCompletedAt: Instant | null;
  treatmentPlanAt: Instant | null;
  /** halland-2027 checkpoint */
  planningBasisDate: LocalDate | null;
  /** law-2017-612 exemption: region-funded outpatient services were not available */
  outpatientServicesUnavailable: boolean;
  downtime: boolean;
  readyPeriods: ReadyPeriod[];
  messages: MessageRecord[];
  obligations: ObligationRecord[];
  deviations: DeviationRecord[];
  /** the ready-to-go-home checklist is complete (worklist, migration 0005); missing → false */
  checklistComplete?: boolean;
  /** akut / planerad inskrivning (migration 0007); missing → null (not stated) */
  admissionType?: AdmissionType | null;
  /** when every party but inpatient care had acknowledged the SIP (migration 0007); missing → null */
  sipAcknowledgedAt?: Instant | null;
}
