/**
 * The discharge process's data (docs/domain.md §4): what an episode knows, what staff send.
 * Names follow the glossary (docs/domain.md §2); the Swedish term is in the comment.
 */
import type { Party, Tracking } from '../obligations';
import type { Actor, TimelineEntry } from '../process';

export type { Actor, TimelineEntry };

export type EpisodeStatus = 'admitted' | 'readyForDischarge' | 'discharged' | 'cancelled';

export type PatientIdKind = 'personnummer' | 'samordningsnummer' | 'reservnummer';

export type MessageType =
  | 'careRequest' // vårdbegäran
  | 'outOfEpisodeMessage' // meddelande utanför vårdtillfälle
  | 'admissionNotice' // inskrivningsmeddelande
  | 'planningNeeded' // generellt meddelande: samordnad planering behövs
  | 'planningInvitation' // kallelse
  | 'invitationWithdrawn' // kallelse återtagen
  | 'invitationMoved' // kallelse flyttad till ny tid
  | 'treatmentPlan' // behandlingsplan tillgänglig för mottagande part (002)
  | 'planningBasis' // planeringsunderlag (002 checkpoint)
  | 'readyForDischarge' // utskrivningsklar
  | 'readinessWithdrawn' // återtag av utskrivningsklar
  | 'dischargeNotice' // utskrivningsmeddelande
  | 'planningCancelled'; // avbruten vårdplanering

export interface Message {
  messageId: string;
  type: MessageType;
  /** admission notice versions: every change of the preliminary date is a new version */
  version?: number;
  sender: Party;
  recipients: Party[];
  occurredAt: string;
  recordedAt: string;
  withdrawn?: boolean;
  details?: Record<string, string | number | boolean | undefined>;
}

export type PlanningFlow = 'a' | 'b' | 'c';
export type HomeHealthCare = 'none' | 'enrolled' | 'planned';
export type CancellationReason = 'PLANNING_CANCELLED' | 'PATIENT_DIED';
/** akut / planerad inskrivning (docs/domain.md §4 step 1) */
export type AdmissionType = 'acute' | 'planned';

/** What starts an episode: the admission (inskrivning). */
export interface StartEpisodeInput {
  episodeId: string;
  region: string;
  patient: { kind: PatientIdKind; value: string };
  /** pseudonymous reference for the ledger; never the personnummer */
  patientRef: string;
  /** for indicators (> 65); undefined for reservnummer */
  patientAgeAtAdmission?: number;
  residenceMunicipality: string;
  /** 001 §5.8: registered in another county — the home municipality is the party */
  outOfCounty: boolean;
  inpatientUnit: string;
  hospital?: string;
  primaryCareUnit: string;
  psychiatric: boolean;
  psychiatricOutpatientUnit?: string;
  homeHealthCare: HomeHealthCare;
  admittedAt: string;
  /** akut / planerad inskrivning; undefined when not stated (and in histories from before it was recorded) */
  admissionType?: AdmissionType;
  actor?: Actor;
  /** hash of the starting request when it had an Idempotency-Key: a reused key with another body is told apart (422) */
  requestHash?: string;
  /** from region configuration at admission, so the process never reads configuration at replay */
  settings: { escalationWeekdays: number; invitationLateDays: number; followUpDays: number };
  agreements: { ruleSetId: string; from: string; to?: string; requiresTreatmentPlan: boolean }[];
}

export interface Invitation {
  invitationId: string;
  messageId: string;
  meetingAt: string;
  place: string;
  mode: 'phone' | 'video' | 'inPerson';
  location: 'hospital' | 'home' | 'healthCentre' | 'other';
  status: 'sent' | 'withdrawn' | 'held';
  sentAt: string;
  /** moved to a new time by its sender (each move a message to acknowledge); the earlier times */
  moves?: { at: string; from: string; messageId: string }[];
  withdrawnAt?: string;
  withdrawalReason?: string;
}

export interface ReadyPeriod {
  /** the final ready date the parties were notified of (utskrivningsklar) */
  readyDate: string;
  readyAt: string;
  endDate?: string;
  endReason?: 'DISCHARGED' | 'WITHDRAWN' | 'CANCELLED';
  withdrawalReason?: string;
}

export interface Checklist {
  /** hjälpmedel för toalett och förflyttning inomhus, aktuell läkemedelslista, medicintekniska produkter */
  aidsAndMedicationListInPlace: boolean;
  /** läkemedel, material och nutrition säkrade i tre dagar */
  medicinesSecured: boolean;
  /** computed: end of the third weekday after the planned discharge date */
  medicinesSecuredUntil?: string;
  plannedDischargeDate?: string;
  /** information för fortsatt vård överförd till alla enheter som fått inskrivningsmeddelande */
  informationTransferred: boolean;
}

export interface DischargeState {
  episodeId: string;
  input: StartEpisodeInput;
  status: EpisodeStatus;
  version: number;
  /** the Stockholm date of admission (dates staff give are compared with it, not with UTC) */
  admittedLocalDate: string;
  expectedReadyDate?: string;
  admissionNoticeVersion: number;
  /** `confirmed`: an existing contact continues (001 step 3 "får denne fortsätta"), not a new appointment */
  namedCareContacts: { party: Party; contact: string; appointedAt: string; confirmed?: boolean }[];
  namedDoctor?: { doctor: string; unit: string; appointedAt: string };
  planning?: { flow: PlanningFlow; consent: 'given' | 'declined'; formOfCare?: string; sentAt: string; needs?: string };
  invitations: Invitation[];
  meetings: { heldAt: string; invitationId?: string }[];
  sip?: {
    createdAt: string;
    updatedAt: string;
    completedAt?: string;
    coordinator: string;
    responsibilities: { party: string; responsibility: string }[];
    selfCareAssessment: boolean;
    /** SIP kvitterad: one entry per party that acknowledged it (§9); absent before the first */
    acknowledgements?: { party: Party; at: string }[];
  };
  treatmentPlan?: { establishedAt: string; messageId?: string };
  /** planeringsunderlag (002 checkpoint "datum för planeringsunderlag"): its own document with its date */
  planningBasis?: { date: string; recordedAt: string; messageId?: string };
  /** when staff recorded the first medical round (001 §6.1 step 2) */
  firstMedicalRoundAt?: string;
  /**
   * The rules read again from the seeds (issue 16) apply: set once when the episode starts
   * (patched), so episodes started before keep the rules they started with and replay.
   */
  sourceRules?: boolean;
  checklist: Checklist;
  readyPeriods: ReadyPeriod[];
  discharge?: { dischargedAt: string; noticeSentAt?: string; followUpUntil: string };
  cancellation?: { reason: CancellationReason; comment?: string; at: string };
  /** linked home-care enrollment (docs/domain.md §5) */
  homeCareEnrollmentId?: string;
  outpatientServicesUnavailable: boolean;
  messages: Message[];
  tracking: Tracking;
  timeline: TimelineEntry[];
}
