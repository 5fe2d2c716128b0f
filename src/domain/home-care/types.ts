/**
 * Home health care (hemsjukvård): the data of the long-lived process of docs/domain.md §5 (source
 * 001 §7–§7.2), and the message and settings it shares with single home visits
 * (src/domain/home-visit/types.ts). Names follow the glossary (§2).
 */
import type { Actor, TimelineEntry } from '../process';
import type { Party, Tracking } from '../obligations';

export type { Actor, TimelineEntry };

/** A message between the parties; each recipient acknowledges it (001 §6.1, applied to §7). */
export interface HomeCareMessage {
  messageId: string;
  type:
    | 'planningRequest' // the municipality's licensed staff contact primary care (001 §7.2 step 1)
    | 'planningInvitation' // kallelse till samordnad planering (step 2)
    | 'generalMessage' // generellt meddelande while enrolled
    | 'outOfEpisodeMessage' // meddelande utanför vårdtillfälle: care at home no longer needed (step 7)
    | 'singleHomeVisitOrder' // meddelande utanför vårdtillfälle, mall "Enstaka hembesök" (001 §7.3)
    | 'visitReport'; // återkoppling to the ordering health centre (001 §7.3)
  sender: Party;
  recipients: Party[];
  occurredAt: string;
  recordedAt: string;
  text?: string;
}

export interface ProcessSettings {
  /** §6: weekdays after a missed deadline before the coordinators get the deviation */
  escalationWeekdays: number;
  /**
   * docs/domain.md §5 step 4 Decision: the municipality acknowledges the kallelse "as soon as possible",
   * by default the general next-weekday rule; 'invitation' applies the 14:00 receipt-day rule.
   */
  invitationAckRule: 'acknowledgement' | 'invitation';
}

// ---- hemsjukvård -------------------------------------------------------------------------------

export type EnrollmentStatus =
  | 'planning' // samordnad planering in progress (001 §7.2 steps 1–6)
  | 'enrolled' // inskriven i hemsjukvården (step 7)
  | 'ending' // out-of-episode message sent; waiting for acknowledgement and the SIP to be closed (steps 7–9)
  | 'ended' // utskriven från hemsjukvården, or died / moved
  | 'notEnrolled'; // the municipality's licensed staff decided not to enroll

export type EndReason = 'CARE_NO_LONGER_NEEDED' | 'PATIENT_DIED' | 'PATIENT_MOVED';

export interface StartEnrollmentInput {
  /** hash of the starting request when it had an Idempotency-Key: a reused key with another body is told apart (422) */
  requestHash?: string;
  enrollmentId: string;
  region: string;
  /** pseudonymous reference for the ledger; never the personnummer */
  patientRef: string;
  /** age in whole years when planning started; indicators split at 65 (docs/domain.md §9) */
  patientAgeAtStart?: number;
  residenceMunicipality: string;
  /** HSA-id of the health centre where the patient is listed (doctor's responsibility, 001 §7.1) */
  primaryCareUnit: string;
  /** 001 §7.2 step 1: primary care initiates with consent, or the municipality's licensed staff contact primary care */
  initiatedBy: 'primaryCare' | 'municipality';
  consent: 'given';
  /** the discharge episode whose plan sends the patient home to home health care (docs/domain.md §5) */
  dischargeEpisodeId?: string;
  startedAt: string;
  actor?: Actor;
  settings: ProcessSettings;
}

export interface SipPart {
  party: Party;
  text: string;
  updatedAt: string;
  updatedBy?: string;
}

export interface HomeCareState {
  enrollmentId: string;
  input: StartEnrollmentInput;
  status: EnrollmentStatus;
  version: number;
  namedCareContact?: { contact: string; appointedAt: string };
  namedDoctor?: { doctor: string; unit: string; appointedAt: string };
  invitation?: { messageId: string; meetingAt: string; location: 'healthCentre' | 'home'; sentAt: string; heldAt?: string };
  /** SIP: each party writes its own part (001 §7.2 step 6a, 9) */
  sip?: { createdAt: string; updatedAt: string; selfCareAssessment: string; parts: SipPart[]; closedAt?: string };
  medicationReviewAt?: string; // läkemedelsgenomgång (step 6b)
  endOfLifeConversationAt?: string; // brytpunktssamtal (step 6b)
  decision?: { decision: 'enroll' | 'decline'; reason?: string; at: string };
  enrolledAt?: string;
  ending?: { messageId: string; sentAt: string };
  end?: { reason: EndReason; at: string; toMunicipality?: string };
  /** the link to the discharge episode: done once, in the first run */
  dischargeLink?: { episodeId: string; outcome: 'linked' | 'episodeClosed' | 'episodeNotFound'; at: string };
  messages: HomeCareMessage[];
  tracking: Tracking;
  timeline: TimelineEntry[];
  /** how many runs (continue-as-new generations) this enrollment has had */
  run: number;
  /** the last runs that continued as new, with their history length (bounded) */
  continuedAsNew: { runId: string; historyLength: number; at: string }[];
}
