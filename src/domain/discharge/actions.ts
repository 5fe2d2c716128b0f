/**
 * Staff actions on a discharge episode (docs/domain.md §4) and the rule deciding whether the
 * episode's state allows each one. Pure: the workflow's update validators call `refusal`,
 * unit tests call it without Temporal. A refusal carries a machine-readable code and a
 * sentence a nurse understands; nothing is recorded.
 */
import { agreementOn } from '../regions';
import { sameParty, settledDeviationRefusal, type Party } from '../obligations';
import { stockholmDateOf } from '../local-date';
import { acknowledgedBeforeSent, CURRENT_RULES, everyType, type RuleVersion } from '../process';
import type { CancellationReason, DischargeState, HomeHealthCare, PlanningFlow } from './types';
import { refuse, type Refusal } from '../process';

interface Base {
  /** when it really happened; defaults to when it is recorded (downtime back-registration, 001 §4) */
  occurredAt?: string;
  actor?: { userId: string; organisation: string };
  /** hash of the HTTP request, echoed in the result so a reused Idempotency-Key can be told apart */
  requestHash?: string;
}

export type DischargeAction =
  | ({ type: 'careRequest'; sender: Party } & Base)
  | ({ type: 'outOfEpisodeMessage'; sender: Party; recipients: Party[]; text?: string } & Base)
  | ({ type: 'admissionNotice'; expectedReadyDate: string } & Base)
  | ({ type: 'acknowledge'; messageId: string; party: Party } & Base)
  | ({ type: 'appointNamedCareContact'; party: Party; contact: string; existing?: boolean } & Base)
  | ({ type: 'appointNamedDoctor'; doctor: string; unit: string } & Base)
  | ({ type: 'planningNeeded'; flow: PlanningFlow; consent: 'given' | 'declined'; formOfCare?: string; needs?: string } & Base)
  | ({ type: 'sendInvitation'; sender: Party; meetingAt: string; place: string; mode: 'phone' | 'video' | 'inPerson'; location: 'hospital' | 'home' | 'healthCentre' | 'other'; inviteInpatient: boolean } & Base)
  | ({ type: 'withdrawInvitation'; sender: Party; invitationId?: string; reason: string } & Base)
  | ({ type: 'moveInvitation'; sender: Party; invitationId?: string; meetingAt: string; place?: string; mode?: 'phone' | 'video' | 'inPerson'; location?: 'hospital' | 'home' | 'healthCentre' | 'other' } & Base)
  | ({ type: 'recordPlanningMeeting'; invitationId?: string } & Base)
  | ({ type: 'recordFirstMedicalRound' } & Base)
  | ({ type: 'recordPlanningBasis'; date: string } & Base)
  | ({ type: 'recordSip'; coordinator: string; responsibilities: { party: string; responsibility: string }[]; selfCareAssessment: boolean } & Base)
  | ({ type: 'completeSip' } & Base)
  | ({ type: 'acknowledgeSip'; party: Party } & Base)
  | ({ type: 'updateChecklist'; aidsAndMedicationListInPlace?: boolean; medicinesSecured?: boolean; informationTransferred?: boolean; plannedDischargeDate?: string } & Base)
  | ({ type: 'recordTreatmentPlan' } & Base)
  | ({ type: 'markReady'; readyDate: string } & Base)
  | ({ type: 'withdrawReadiness'; date: string; reason: string } & Base)
  | ({ type: 'discharge'; sendNotice: boolean; homeHealthCare?: HomeHealthCare } & Base)
  | ({ type: 'sendDischargeNotice' } & Base)
  | ({ type: 'cancel'; reason: CancellationReason; comment?: string } & Base)
  | ({ type: 'setOutpatientServicesUnavailable'; value: boolean; comment?: string } & Base)
  | ({ type: 'reportDeviation'; responsible: Party; description: string } & Base)
  | ({ type: 'closeDeviation'; deviationId: string; comment: string } & Base)
  | ({ type: 'linkHomeCareEnrollment'; enrollmentId: string } & Base);

export type DischargeActionType = DischargeAction['type'];

/**
 * Every staff action of the discharge process, without zod, for the workflow (one Update each,
 * workflows/discharge/contract.ts); the API's endpoints and the roles are in ./action-catalog.ts.
 */
export const DISCHARGE_ACTIONS = everyType<DischargeActionType>()([
  'careRequest', 'outOfEpisodeMessage', 'admissionNotice', 'acknowledge', 'appointNamedCareContact',
  'appointNamedDoctor', 'planningNeeded', 'sendInvitation', 'withdrawInvitation', 'moveInvitation', 'recordPlanningMeeting',
  'recordFirstMedicalRound', 'recordPlanningBasis', 'recordSip',
  'completeSip', 'acknowledgeSip', 'updateChecklist', 'recordTreatmentPlan', 'markReady', 'withdrawReadiness', 'discharge',
  'sendDischargeNotice', 'cancel', 'setOutpatientServicesUnavailable', 'reportDeviation', 'closeDeviation',
  'linkHomeCareEnrollment',
]);

export type { Refusal } from '../process';

/** The episode's parties (docs/domain.md §4 "Participants"). */
export function parties(s: Pick<DischargeState, 'input'>): { inpatient: Party; municipality: Party; primaryCare: Party; psychiatricOutpatient?: Party } {
  const i = s.input;
  return {
    inpatient: { kind: 'inpatient', id: i.inpatientUnit },
    municipality: { kind: 'municipality', id: i.residenceMunicipality },
    primaryCare: { kind: 'primaryCare', id: i.primaryCareUnit },
    psychiatricOutpatient: i.psychiatric && i.psychiatricOutpatientUnit ? { kind: 'psychiatricOutpatient', id: i.psychiatricOutpatientUnit } : undefined,
  };
}

/** Units that appoint a named care contact and convene planning: primary care, and for psychiatric stays psychiatric outpatient care. */
export function outpatientParties(s: Pick<DischargeState, 'input'>): Party[] {
  const p = parties(s);
  return p.psychiatricOutpatient ? [p.primaryCare, p.psychiatricOutpatient] : [p.primaryCare];
}

/** The parties that acknowledge the SIP (kvitterar): every party of the episode but inpatient care. */
export function sipAcknowledgingParties(s: Pick<DischargeState, 'input'>): Party[] {
  return [parties(s).municipality, ...outpatientParties(s)];
}

/** When the last of `sipAcknowledgingParties` acknowledged the SIP; undefined until all have. */
export function sipAcknowledgedAt(s: Pick<DischargeState, 'input' | 'sip'>): string | undefined {
  const acks = s.sip?.acknowledgements ?? [];
  let last: string | undefined;
  for (const party of sipAcknowledgingParties(s)) {
    const ack = acks.find((x) => sameParty(x.party, party));
    if (!ack) return undefined;
    if (last === undefined || Date.parse(ack.at) > Date.parse(last)) last = ack.at;
  }
  return last;
}

export function isParty(s: Pick<DischargeState, 'input'>, x: Party): boolean {
  const p = parties(s);
  return [p.inpatient, p.municipality, p.primaryCare, p.psychiatricOutpatient].some((q) => q && sameParty(q, x));
}


export function requiresTreatmentPlan(s: DischargeState, readyDate: string): boolean {
  return agreementOn({ agreements: s.input.agreements.map((a) => ({ ...a })) }, readyDate)?.requiresTreatmentPlan ?? false;
}

export function currentReadyPeriod(s: DischargeState) {
  const last = s.readyPeriods[s.readyPeriods.length - 1];
  return last && !last.endDate ? last : undefined;
}

export function activeInvitation(s: DischargeState) {
  return s.invitations.find((i) => i.status === 'sent');
}

/** The unit that convenes the planning: primary care, or psychiatric outpatient care for a psychiatric stay. */
export function convener(s: DischargeState): Party {
  const p = parties(s);
  return p.psychiatricOutpatient ?? p.primaryCare;
}

/** Whether a named care contact is owed (001 step 3: patients who need coordinated planning with a SIP, flow (a)). */
export function namedContactOwed(s: DischargeState): boolean {
  return s.planning?.flow === 'a';
}

/** Why a booked invitation cannot be changed by this action at `at`, or undefined. */
function invitationChangeRefusal(s: DischargeState, invitationId: string | undefined, at: string): Refusal | undefined {
  const inv = invitationId ? s.invitations.find((i) => i.invitationId === invitationId) : activeInvitation(s);
  if (!inv || inv.status !== 'sent') return refuse('NO_SUCH_INVITATION', 'There is no booked planning meeting to change.');
  if (Date.parse(at) >= Date.parse(inv.meetingAt)) return refuse('MEETING_TIME_PASSED', `The meeting time (${inv.meetingAt}) has passed: record the meeting as held instead.`);
  return undefined;
}

/** hemgångsklar: all five criteria of 001 §6.1 step 8. */
export function checklistStatus(s: DischargeState) {
  const criteria = {
    admissionNoticeSent: s.admissionNoticeVersion > 0,
    // 001 step 8 criterion 2: the doctor has set the final ready date (utskrivningsklar) — not the
    // preliminary date, not a withdrawn ready period (rules read again, issue 16)
    readyDateSet: s.sourceRules ? s.readyPeriods.length > 0 && s.readyPeriods[s.readyPeriods.length - 1]!.endReason !== 'WITHDRAWN' : s.readyPeriods.length > 0 || s.expectedReadyDate !== undefined,
    aidsAndMedicationListInPlace: s.checklist.aidsAndMedicationListInPlace,
    medicinesSecured: s.checklist.medicinesSecured,
    informationTransferred: s.checklist.informationTransferred,
  };
  return { criteria, complete: Object.values(criteria).every(Boolean), medicinesSecuredUntil: s.checklist.medicinesSecuredUntil };
}

const ENDED_ALLOWED: ReadonlySet<DischargeActionType> = new Set([
  'acknowledge',
  'recordSip',
  'completeSip',
  'acknowledgeSip',
  'appointNamedDoctor',
  'sendDischargeNotice',
  'reportDeviation',
  'closeDeviation',
  'setOutpatientServicesUnavailable',
  'linkHomeCareEnrollment',
]);

/**
 * Whether the episode's state allows the action; `now` is the workflow's time.
 * Returns undefined when allowed.
 */
export function refusal(s: DischargeState, a: DischargeAction, now: string, rules: RuleVersion = CURRENT_RULES): Refusal | undefined {
  const at = a.occurredAt ?? now;
  if (Date.parse(at) > Date.parse(now) + 5 * 60_000) {
    return refuse('OCCURRED_IN_FUTURE', 'The time given for when this happened is in the future.');
  }
  if (Date.parse(at) < Date.parse(s.input.admittedAt) && a.type !== 'careRequest' && a.type !== 'outOfEpisodeMessage') {
    return refuse('OCCURRED_BEFORE_ADMISSION', `This cannot have happened before the patient was admitted (${s.input.admittedAt}).`);
  }
  if (s.status === 'cancelled' && !ENDED_ALLOWED.has(a.type)) {
    return refuse('EPISODE_CANCELLED', 'The planning for this episode has been cancelled; this action is no longer possible.');
  }
  if (s.status === 'discharged' && !ENDED_ALLOWED.has(a.type)) {
    return refuse('EPISODE_DISCHARGED', 'The patient has already been discharged; this action is no longer possible.');
  }
  const p = parties(s);
  switch (a.type) {
    case 'careRequest':
      if (!sameParty(a.sender, p.municipality)) return refuse('NOT_A_PARTY', 'A care request (vårdbegäran) is sent by the patient’s municipality.');
      return undefined;
    case 'outOfEpisodeMessage':
      if (a.recipients.length === 0) return refuse('NO_RECIPIENTS', 'The message needs at least one recipient.');
      return undefined;
    case 'admissionNotice':
      if (a.expectedReadyDate < s.admittedLocalDate) {
        return refuse('READY_DATE_BEFORE_ADMISSION', 'The preliminary ready date cannot be before the admission date.');
      }
      if (s.expectedReadyDate === a.expectedReadyDate) {
        return refuse('ADMISSION_NOTICE_UNCHANGED', `The admission notice already carries the preliminary ready date ${a.expectedReadyDate}.`);
      }
      return undefined;
    case 'acknowledge': {
      const m = s.messages.find((x) => x.messageId === a.messageId);
      if (!m) return refuse('UNKNOWN_MESSAGE', 'There is no such message in this episode.');
      if (!m.recipients.some((r) => sameParty(r, a.party))) return refuse('NOT_A_RECIPIENT', 'Only a recipient of the message can acknowledge it.');
      const o = s.tracking.obligations.find((x) => x.messageId === a.messageId && x.kind === 'acknowledge' && sameParty(x.responsible, a.party));
      if (o && (o.status === 'met' || o.status === 'late')) return refuse('ALREADY_ACKNOWLEDGED', 'This message has already been acknowledged by this unit.');
      if (m.withdrawn || o?.status === 'cancelled') return refuse('MESSAGE_WITHDRAWN', 'This message has been withdrawn and needs no acknowledgement.');
      return acknowledgedBeforeSent(rules, m.occurredAt, at);
    }
    case 'appointNamedCareContact':
      if (!outpatientParties(s).some((x) => sameParty(x, a.party))) {
        return refuse('NOT_RESPONSIBLE', 'The named care contact (fast vårdkontakt) is appointed by the patient’s primary care unit, or psychiatric outpatient care for psychiatric stays.');
      }
      return undefined;
    case 'appointNamedDoctor':
      return undefined;
    case 'planningNeeded':
      if (s.planning) return refuse('PLANNING_ALREADY_STARTED', 'Coordinated planning has already been requested for this episode.');
      if (s.input.psychiatric && !a.formOfCare) return refuse('FORM_OF_CARE_REQUIRED', 'For psychiatric inpatient care the form of care (vårdform) must be stated.');
      return undefined;
    case 'sendInvitation':
      if (!s.planning) return refuse('PLANNING_NOT_REQUESTED', 'Coordinated planning must be requested (generellt meddelande) before an invitation is sent.');
      if (s.planning.consent === 'declined') return refuse('CONSENT_DECLINED', 'The patient declined consent: there is no joint planning meeting or SIP; each party plans its own services.');
      if (!outpatientParties(s).some((x) => sameParty(x, a.sender))) {
        return refuse('NOT_RESPONSIBLE', 'The invitation (kallelse) is sent by primary care, or psychiatric outpatient care for psychiatric stays.');
      }
      if (activeInvitation(s)) return refuse('INVITATION_ALREADY_SENT', s.sourceRules ? 'A planning meeting is already booked; move it to a new time or withdraw the invitation first.' : 'A planning meeting is already booked; record it as held or withdraw readiness first.');
      if (Date.parse(a.meetingAt) < Date.parse(at)) return refuse('MEETING_IN_PAST', 'The meeting time must be after the invitation is sent.');
      return undefined;
    case 'withdrawInvitation':
    case 'moveInvitation': {
      if (!s.sourceRules) return refuse('NOT_AVAILABLE', 'This episode started before invitations could be changed; withdraw readiness to withdraw the invitation.');
      const r = invitationChangeRefusal(s, a.invitationId, at);
      if (r) return r;
      const inv = a.invitationId ? s.invitations.find((i) => i.invitationId === a.invitationId)! : activeInvitation(s)!;
      const sentBy = s.messages.find((m) => m.messageId === inv.messageId)?.sender;
      if (sentBy && !sameParty(sentBy, a.sender)) return refuse('NOT_THE_SENDER', 'Only the unit that sent the invitation (kallelse) can withdraw it or move the meeting.');
      if (a.type === 'moveInvitation' && Date.parse(a.meetingAt) < Date.parse(at)) return refuse('MEETING_IN_PAST', 'The new meeting time must be after the change is sent.');
      return undefined;
    }
    case 'recordFirstMedicalRound':
      if (!s.sourceRules) return refuse('NOT_AVAILABLE', 'This episode started before the first medical round could be recorded.');
      if (s.firstMedicalRoundAt) return refuse('ALREADY_RECORDED', `The first medical round is already recorded (${s.firstMedicalRoundAt}).`);
      if (s.admissionNoticeVersion > 0) return refuse('ADMISSION_NOTICE_SENT', 'The admission notice has already been sent; the first medical round no longer moves its deadline.');
      if (s.tracking.obligations.some((o) => o.kind === 'sendAdmissionNotice' && o.status === 'overdue')) {
        return refuse('ADMISSION_NOTICE_ALREADY_LATE', 'The admission notice deadline has passed and its deviation is raised; a coordinator can close it if the round explains the delay.');
      }
      return undefined;
    case 'recordPlanningBasis':
      if (!s.sourceRules) return refuse('NOT_AVAILABLE', 'This episode started before the planning basis was a document of its own.');
      if (a.date < s.admittedLocalDate) return refuse('DATE_BEFORE_ADMISSION', 'The planning basis cannot be dated before the admission.');
      if (rules.realTimes) {
        const sentOn = stockholmDateOf(at);
        if (sentOn && a.date > sentOn) return refuse('DATE_IN_FUTURE', `The planning basis is dated ${a.date}, after the day it is recorded (${sentOn}).`);
      }
      return undefined;
    case 'recordPlanningMeeting': {
      if (s.planning?.consent === 'declined') return refuse('CONSENT_DECLINED', 'The patient declined consent: there is no joint planning meeting.');
      if (a.invitationId && !s.invitations.some((i) => i.invitationId === a.invitationId && i.status === 'sent')) {
        return refuse('NO_SUCH_INVITATION', 'There is no booked meeting with that invitation.');
      }
      if (!a.invitationId && !activeInvitation(s) && s.planning?.flow === 'a') {
        return refuse('NO_MEETING_BOOKED', 'No planning meeting is booked: send an invitation (kallelse) first.');
      }
      return undefined;
    }
    case 'recordSip':
      if (s.planning?.consent === 'declined') return refuse('CONSENT_DECLINED', 'The patient declined consent to a SIP; each party plans its own services.');
      if (s.sip?.completedAt) return refuse('SIP_COMPLETED', 'The SIP has already been completed.');
      return undefined;
    case 'completeSip':
      if (!s.sip) return refuse('NO_SIP', 'There is no SIP to complete.');
      if (s.sip.completedAt) return refuse('SIP_COMPLETED', 'The SIP has already been completed.');
      return undefined;
    case 'acknowledgeSip':
      if (!s.sip) return refuse('NO_SIP', 'There is no SIP to acknowledge.');
      if (!sipAcknowledgingParties(s).some((x) => sameParty(x, a.party))) {
        return refuse('NOT_A_PARTY', 'The SIP is acknowledged (kvitteras) by the patient’s municipality and primary care, or psychiatric outpatient care for psychiatric stays.');
      }
      if (s.sip.acknowledgements?.some((x) => sameParty(x.party, a.party))) return refuse('ALREADY_ACKNOWLEDGED', 'This unit has already acknowledged the SIP.');
      return undefined;
    case 'updateChecklist':
    case 'recordTreatmentPlan':
      return undefined;
    case 'markReady': {
      if (s.status === 'readyForDischarge') return refuse('ALREADY_READY', 'The patient is already marked ready for discharge (utskrivningsklar).');
      if (a.readyDate < s.admittedLocalDate) return refuse('READY_DATE_BEFORE_ADMISSION', 'The ready date cannot be before the admission date.');
      if (requiresTreatmentPlan(s, a.readyDate) && !s.treatmentPlan) {
        return refuse(
          'TREATMENT_PLAN_REQUIRED',
          'A treatment plan (behandlingsplan) must be established and available to the receiving parties before the patient can be marked ready for discharge.',
        );
      }
      // 002: "knapptrycket utskrivningsklar sker först när patienten kan gå hem samma dag": under the
      // agreement in force on the day of the press, also for a ready date from before it began
      // (pressed on 2027-01-04 with ready date 2026-12-30 is refused, not let through by the older agreement)
      const pressedOn = stockholmDateOf(at);
      if (s.sourceRules && (requiresTreatmentPlan(s, a.readyDate) || (pressedOn && requiresTreatmentPlan(s, pressedOn)))) {
        if (pressedOn && a.readyDate !== pressedOn) {
          return refuse('READY_NOT_TODAY', `Under the 2027 agreement the patient is marked ready only on the day they can go home: the ready date must be ${pressedOn}, not ${a.readyDate}.`);
        }
      }
      if (rules.realTimes) {
        // docs/domain.md §7: the final ready date is sent when it is set; a future date belongs in the admission notice
        const sentOn = stockholmDateOf(at);
        if (sentOn && a.readyDate > sentOn) {
          return refuse('READY_DATE_IN_FUTURE', `The ready date ${a.readyDate} is after the day the ready message is sent (${sentOn}); a future date belongs in the admission notice as the preliminary ready date.`);
        }
        const last = s.readyPeriods[s.readyPeriods.length - 1];
        if (last?.endDate && a.readyDate < last.endDate) {
          return refuse('READY_DATE_BEFORE_WITHDRAWAL', `The ready date cannot be before ${last.endDate}, when the previous ready status was withdrawn.`);
        }
      }
      return undefined;
    }
    case 'withdrawReadiness': {
      const cur = currentReadyPeriod(s);
      if (s.status !== 'readyForDischarge' || !cur) return refuse('NOT_READY', 'The patient is not marked ready for discharge, so there is nothing to withdraw.');
      if (a.date < cur.readyDate) return refuse('WITHDRAWAL_BEFORE_READY', `The withdrawal date cannot be before the ready date ${cur.readyDate}.`);
      const sentOn = stockholmDateOf(at);
      if (rules.realTimes && sentOn && a.date > sentOn) {
        return refuse('WITHDRAWAL_DATE_IN_FUTURE', `The withdrawal date ${a.date} is after the day the withdrawal is sent (${sentOn}).`);
      }
      return undefined;
    }
    case 'discharge':
      return undefined;
    case 'sendDischargeNotice':
      if (s.status !== 'discharged') return refuse('NOT_DISCHARGED', 'The discharge notice is sent when the patient leaves: record the discharge first.');
      if (s.discharge?.noticeSentAt) return refuse('NOTICE_ALREADY_SENT', 'The discharge notice has already been sent.');
      return undefined;
    case 'cancel':
      return undefined;
    case 'setOutpatientServicesUnavailable':
      return undefined;
    case 'reportDeviation':
      if (!isParty(s, a.responsible)) return refuse('NOT_A_PARTY', 'The responsible unit must be one of the episode’s parties.');
      return undefined;
    case 'closeDeviation': {
      const d = s.tracking.deviations.find((x) => x.deviationId === a.deviationId);
      if (!d) return refuse('UNKNOWN_DEVIATION', 'There is no such deviation in this episode.');
      return settledDeviationRefusal(d);
    }
    case 'linkHomeCareEnrollment':
      return undefined;
  }
}
