/**
 * The actions an enrollment (hemsjukvård) or a single home visit order (enstaka hembesök) allows
 * now, for the staff workspace (issue 19), as src/domain/discharge/allowed.ts does for episodes:
 * each staff action is tried against the process's own `refusal` rule — the one its workflow's
 * update validators use — with the caller's party acting and ordinary values where the action
 * takes some. What it answers is what a 409 would say for that action now, so the browser keeps
 * no copy of the rules.
 *
 * Values only the person can give (a meeting time, a decision, a visit date) are tried with a
 * meeting tomorrow, a decision to decline with a reason and today's date within the order; the
 * form's own answer may still be a 409 at its field, which the workspace shows there.
 */
import { addClockHours, stockholmDateOf } from '../local-date';
import { sameParty, type Party } from '../obligations';
import type { AllowedProcessAction, RuleVersion } from '../process';
import { enrollmentParties, refusal, type HomeCareAction, type HomeCareActionType, type Refusal } from './actions';
import { visitParties, visitRefusal, type VisitAction, type VisitActionType } from './visit-actions';
import type { HomeCareMessage, HomeCareState, VisitOrderState } from './types';
import type { Tracking } from '../obligations';

export type { AllowedProcessAction } from '../process';

/** The enrollment's actions the workspace offers, in the order of 001 §7.2 (coordinators close deviations from their inbox). */
export const ENROLLMENT_WORKSPACE_ACTIONS: readonly HomeCareActionType[] = [
  'acknowledge', 'sendInvitation', 'appointNamedCareContact', 'recordPlanningMeeting', 'recordSip', 'appointNamedDoctor',
  'recordMedicationReview', 'recordEndOfLifeConversation', 'decideEnrollment', 'updateSip', 'sendMessage',
  'careNoLongerNeeded', 'closeSip', 'recordDeath', 'recordMove', 'reportDeviation',
];

/** The order's actions the workspace offers. */
export const VISIT_WORKSPACE_ACTIONS: readonly VisitActionType[] = ['acknowledge', 'accept', 'decline', 'reportVisit', 'cancel', 'reportDeviation'];

/** The messages still awaiting the party's acknowledgement. */
function awaiting(s: { messages: HomeCareMessage[]; tracking: Tracking }, me: Party): HomeCareMessage[] {
  return s.messages.filter((m) =>
    s.tracking.obligations.some((o) => o.kind === 'acknowledge' && o.messageId === m.messageId && sameParty(o.responsible, me) && (o.status === 'open' || o.status === 'overdue')),
  );
}

const today = (now: string) => stockholmDateOf(now) ?? now.slice(0, 10);
const tomorrow = (now: string) => addClockHours(now, 24).toISOString();

function enrollmentProbes(s: HomeCareState, type: HomeCareActionType, me: Party, now: string): HomeCareAction[] {
  switch (type) {
    case 'acknowledge':
      return awaiting(s, me).map((m) => ({ type, messageId: m.messageId, party: me }));
    case 'sendInvitation':
      return [{ type, meetingAt: tomorrow(now), location: 'healthCentre' }];
    case 'appointNamedCareContact':
      return [{ type, contact: 'probe' }];
    case 'recordSip':
      return [{ type, selfCareAssessment: 'probe', party: me, part: 'probe' }];
    case 'appointNamedDoctor':
      return [{ type, doctor: 'probe', unit: s.input.primaryCareUnit }];
    case 'decideEnrollment':
      // a decision is possible while planning; enrolling also needs the SIP and the doctor, which the form's 409 says
      return [{ type, decision: 'decline', reason: 'probe' }];
    case 'updateSip':
      return [{ type, party: me, part: 'probe' }];
    case 'sendMessage':
      return [{ type, sender: me, text: 'probe' }];
    case 'recordDeath':
      return [{ type, date: today(now) }];
    case 'reportDeviation':
      return [{ type, responsible: me, description: 'probe' }];
    case 'closeDeviation':
      return [];
    default:
      return [{ type } as HomeCareAction];
  }
}

function visitProbes(s: VisitOrderState, type: VisitActionType, me: Party, now: string): VisitAction[] {
  switch (type) {
    case 'acknowledge':
      return awaiting(s, me).map((m) => ({ type, messageId: m.messageId, party: me }));
    case 'accept':
      return [{ type }];
    case 'decline':
    case 'cancel':
      return [{ type, reason: 'probe' }];
    case 'reportVisit': {
      // a visit within the ordered period (today when it is in it), of the ordered interventions
      const d = today(now);
      const performedOn = d < s.input.startDate ? s.input.startDate : d > s.input.endDate ? s.input.endDate : d;
      return [{ type, performedOn, interventions: s.input.interventions }];
    }
    case 'reportDeviation':
      return [{ type, responsible: me, description: 'probe' }];
    default:
      return [];
  }
}

/** Acknowledgements list only the messages awaiting the caller; every other action is answered allowed or with its refusal. */
function answer<T extends string, A extends { type: T }>(types: readonly T[], probe: (t: T) => A[], refuse: (a: A) => Refusal | undefined): AllowedProcessAction<T>[] {
  const out: AllowedProcessAction<T>[] = [];
  for (const type of types) {
    for (const a of probe(type)) {
      const r = refuse(a);
      if (type === 'acknowledge') {
        if (!r) out.push({ type, messageId: (a as unknown as { messageId: string }).messageId, allowed: true });
        continue;
      }
      out.push(r ? { type, allowed: false, refusal: r } : { type, allowed: true });
    }
  }
  return out;
}

/** Each workspace action of `types` (those the caller's role may do) on the enrollment, with the domain's answer now. */
export function allowedEnrollmentActions(s: HomeCareState, now: string, rules: RuleVersion, opts: { party?: Party; types?: readonly HomeCareActionType[] } = {}): AllowedProcessAction<HomeCareActionType>[] {
  const me = opts.party ?? enrollmentParties(s).primaryCare;
  const types = ENROLLMENT_WORKSPACE_ACTIONS.filter((t) => !opts.types || opts.types.includes(t));
  return answer(types, (t) => enrollmentProbes(s, t, me, now), (a) => refusal(s, { ...a, occurredAt: now }, now, rules));
}

/** Each workspace action of `types` on the order, with the domain's answer now. */
export function allowedVisitActions(s: VisitOrderState, now: string, rules: RuleVersion, opts: { party?: Party; types?: readonly VisitActionType[] } = {}): AllowedProcessAction<VisitActionType>[] {
  const me = opts.party ?? visitParties(s).primaryCare;
  const types = VISIT_WORKSPACE_ACTIONS.filter((t) => !opts.types || opts.types.includes(t));
  return answer(types, (t) => visitProbes(s, t, me, now), (a) => visitRefusal(s, { ...a, occurredAt: now }, now, rules));
}
