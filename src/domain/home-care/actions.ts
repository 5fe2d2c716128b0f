/**
 * Staff actions on a home health care enrollment (docs/domain.md §5, 001 §7.1–§7.2) and the rule that
 * decides whether the enrollment's state allows each one. Pure: the workflow's update validators
 * call `refusal`, unit tests can call it without Temporal. A refusal carries a machine-readable
 * code and a sentence a nurse understands; nothing is recorded.
 */
import { sameParty, settledDeviationRefusal, type Party } from '../obligations';
import type { EndReason, EnrollmentStatus, HomeCareState } from './types';
import { acknowledgedBeforeSent, CURRENT_RULES, everyType, type RuleVersion } from '../process';
import { refuse, type Refusal } from '../process';

export interface Base {
  /** when it really happened; defaults to when it is recorded (back-registration after downtime) */
  occurredAt?: string;
  actor?: { userId: string; organisation: string };
  /** hash of the HTTP request, echoed in the answer so a reused Idempotency-Key can be told apart */
  requestHash?: string;
}

export type HomeCareAction =
  | ({ type: 'sendInvitation'; meetingAt: string; location: 'healthCentre' | 'home' } & Base)
  | ({ type: 'acknowledge'; messageId: string; party: Party } & Base)
  | ({ type: 'appointNamedCareContact'; contact: string } & Base)
  | ({ type: 'recordPlanningMeeting' } & Base)
  | ({ type: 'recordSip'; selfCareAssessment: string; party: Party; part: string } & Base)
  | ({ type: 'appointNamedDoctor'; doctor: string; unit: string } & Base)
  | ({ type: 'recordMedicationReview' } & Base)
  | ({ type: 'recordEndOfLifeConversation' } & Base)
  | ({ type: 'decideEnrollment'; decision: 'enroll' | 'decline'; reason?: string } & Base)
  | ({ type: 'updateSip'; party: Party; part: string } & Base)
  | ({ type: 'sendMessage'; sender: Party; text: string } & Base)
  | ({ type: 'careNoLongerNeeded'; text?: string } & Base)
  | ({ type: 'closeSip' } & Base)
  | ({ type: 'recordDeath'; date: string } & Base)
  | ({ type: 'recordMove'; toMunicipality?: string } & Base)
  | ({ type: 'reportDeviation'; responsible: Party; description: string } & Base)
  | ({ type: 'closeDeviation'; deviationId: string; comment: string } & Base);

export type HomeCareActionType = HomeCareAction['type'];

/**
 * Every staff action of the home care process, without zod, for the workflow (one Update each,
 * workflows/home-care/contract.ts); the API's endpoints and the roles are in ./action-catalog.ts.
 */
export const HOME_CARE_ACTIONS = everyType<HomeCareActionType>()([
  'sendInvitation', 'acknowledge', 'appointNamedCareContact', 'recordPlanningMeeting', 'recordSip', 'appointNamedDoctor',
  'recordMedicationReview', 'recordEndOfLifeConversation', 'decideEnrollment', 'updateSip', 'sendMessage',
  'careNoLongerNeeded', 'closeSip', 'recordDeath', 'recordMove', 'reportDeviation', 'closeDeviation',
]);

export type { Refusal } from '../process';

/** The two parties of an enrollment: the municipality and the health centre where the patient is listed. */
export function enrollmentParties(s: Pick<HomeCareState, 'input'>): { municipality: Party; primaryCare: Party } {
  return {
    municipality: { kind: 'municipality', id: s.input.residenceMunicipality },
    primaryCare: { kind: 'primaryCare', id: s.input.primaryCareUnit },
  };
}

export const isEnrollmentParty = (s: Pick<HomeCareState, 'input'>, x: Party): boolean => {
  const p = enrollmentParties(s);
  return sameParty(x, p.municipality) || sameParty(x, p.primaryCare);
};

export const enrollmentClosed = (status: EnrollmentStatus): boolean => status === 'ended' || status === 'notEnrolled';

/** Actions still possible once the enrollment has ended (late acknowledgements, deviations). */
const AFTER_END: ReadonlySet<HomeCareActionType> = new Set(['acknowledge', 'reportDeviation', 'closeDeviation']);

/** Whether the enrollment's state allows the action; `now` is the workflow's time. Undefined when allowed. */
export function refusal(s: HomeCareState, a: HomeCareAction, now: string, rules: RuleVersion = CURRENT_RULES): Refusal | undefined {
  const at = a.occurredAt ?? now;
  if (Date.parse(at) > Date.parse(now) + 5 * 60_000) return refuse('OCCURRED_IN_FUTURE', 'The time given for when this happened is in the future.');
  if (Date.parse(at) < Date.parse(s.input.startedAt)) {
    return refuse('OCCURRED_BEFORE_START', `This cannot have happened before the planning started (${s.input.startedAt}).`);
  }
  if (enrollmentClosed(s.status) && !AFTER_END.has(a.type)) {
    return s.status === 'notEnrolled'
      ? refuse('NOT_ENROLLED', 'The municipality decided not to enroll the patient in home health care; this planning is closed.')
      : refuse('ENROLLMENT_ENDED', 'The patient has been discharged from home health care; this action is no longer possible.');
  }
  switch (a.type) {
    // 001 §7.2 step 2: the kallelse goes from primary care to the municipality
    case 'sendInvitation':
      if (s.status !== 'planning') return refuse('ALREADY_DECIDED', 'The enrollment decision has been made; a new planning invitation is not needed.');
      if (s.invitation && !s.invitation.heldAt) return refuse('INVITATION_ALREADY_SENT', 'A planning meeting is already booked; record it as held first.');
      if (Date.parse(a.meetingAt) < Date.parse(at)) return refuse('MEETING_IN_PAST', 'The meeting time must be after the invitation is sent.');
      return undefined;
    case 'acknowledge': {
      const m = s.messages.find((x) => x.messageId === a.messageId);
      if (!m) return refuse('UNKNOWN_MESSAGE', 'There is no such message in this enrollment.');
      if (!m.recipients.some((r) => sameParty(r, a.party))) return refuse('NOT_A_RECIPIENT', 'Only a recipient of the message can acknowledge it.');
      const o = s.tracking.obligations.find((x) => x.messageId === a.messageId && x.kind === 'acknowledge' && sameParty(x.responsible, a.party));
      if (o && (o.status === 'met' || o.status === 'late')) return refuse('ALREADY_ACKNOWLEDGED', 'This message has already been acknowledged by this unit.');
      if (o?.status === 'cancelled') return refuse('MESSAGE_WITHDRAWN', 'This message needs no acknowledgement any more.');
      return acknowledgedBeforeSent(rules, m.occurredAt, at);
    }
    // step 3: the named care contact in primary care; may change while enrolled
    case 'appointNamedCareContact':
      return undefined;
    case 'recordPlanningMeeting':
      if (!s.invitation || s.invitation.heldAt) return refuse('NO_MEETING_BOOKED', 'No planning meeting is booked: send an invitation (kallelse) first.');
      return undefined;
    // step 6a: SIP established at the planning, self-care assessment part of it
    case 'recordSip':
      if (s.sip) return refuse('SIP_EXISTS', 'The SIP is already established; update your part of it instead.');
      if (!s.invitation?.heldAt) return refuse('NO_PLANNING_MEETING', 'The SIP is established at the coordinated planning meeting: record the meeting first.');
      if (!isEnrollmentParty(s, a.party)) return refuse('NOT_A_PARTY', 'Only the municipality or the patient’s health centre writes a part of this SIP.');
      return undefined;
    // 001 §7.1: the named doctor is at the health centre where the patient is listed
    case 'appointNamedDoctor':
      if (a.unit !== s.input.primaryCareUnit) {
        return refuse('DOCTOR_NOT_AT_LISTED_CENTRE', 'The named doctor (fast läkarkontakt) must be at the health centre where the patient is listed.');
      }
      return undefined;
    case 'recordMedicationReview':
    case 'recordEndOfLifeConversation':
      return undefined;
    // step 6: the municipality's licensed staff decide
    case 'decideEnrollment':
      if (s.status !== 'planning') return refuse('ALREADY_DECIDED', 'The municipality has already decided on this enrollment.');
      if (a.decision === 'decline') {
        if (!a.reason?.trim()) return refuse('REASON_REQUIRED', 'State the reason why the patient is not enrolled in home health care.');
        return undefined;
      }
      if (!s.sip) return refuse('SIP_REQUIRED', 'A SIP with a self-care assessment must be established before the patient is enrolled.');
      if (!s.namedDoctor) return refuse('NAMED_DOCTOR_REQUIRED', 'A named doctor (fast läkarkontakt) at the health centre must be appointed before the patient is enrolled.');
      return undefined;
    // while enrolled: each party updates its own part (step 9 "uppdatera/avsluta SIP")
    case 'updateSip':
      if (!s.sip) return refuse('NO_SIP', 'There is no SIP to update yet.');
      if (s.sip.closedAt) return refuse('SIP_CLOSED', 'The SIP has been closed.');
      if (!isEnrollmentParty(s, a.party)) return refuse('NOT_A_PARTY', 'Only the municipality or the patient’s health centre writes a part of this SIP.');
      return undefined;
    case 'sendMessage':
      if (!isEnrollmentParty(s, a.sender)) return refuse('NOT_A_PARTY', 'Messages are sent between the municipality and the patient’s health centre.');
      return undefined;
    // step 7: the municipality's out-of-episode message, care at home no longer needed
    case 'careNoLongerNeeded':
      if (s.status !== 'enrolled') return s.status === 'ending'
        ? refuse('ALREADY_ENDING', 'The municipality has already sent that care at home is no longer needed.')
        : refuse('NOT_ENROLLED', 'The patient is not enrolled in home health care yet.');
      return undefined;
    // step 9: the named care contact closes the SIP with the patient
    case 'closeSip':
      if (s.status !== 'ending') return refuse('NOT_ENDING', 'The SIP is closed when the municipality has sent that care at home is no longer needed.');
      if (!s.sip) return undefined; // nothing to close: the enrollment can still end
      if (s.sip.closedAt) return refuse('SIP_CLOSED', 'The SIP has already been closed.');
      return undefined;
    case 'recordDeath':
    case 'recordMove':
      return undefined;
    case 'reportDeviation':
      if (!isEnrollmentParty(s, a.responsible)) return refuse('NOT_A_PARTY', 'The responsible unit must be the municipality or the patient’s health centre.');
      return undefined;
    case 'closeDeviation': {
      const d = s.tracking.deviations.find((x) => x.deviationId === a.deviationId);
      if (!d) return refuse('UNKNOWN_DEVIATION', 'There is no such deviation in this enrollment.');
      return settledDeviationRefusal(d);
    }
  }
}

export const END_SUMMARY: Record<EndReason, string> = {
  CARE_NO_LONGER_NEEDED: 'Discharged from home health care (utskriven från hemsjukvården)',
  PATIENT_DIED: 'Enrollment ended: the patient died',
  PATIENT_MOVED: 'Enrollment ended: the patient moved',
};
