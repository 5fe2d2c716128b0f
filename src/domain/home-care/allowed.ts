/**
 * The actions an enrollment (hemsjukvård) allows now, for the staff workspace (issue 19), as
 * src/domain/discharge/allowed.ts does for episodes and src/domain/home-visit/allowed.ts for orders:
 * each staff action is tried against the process's own `refusal` rule — the one its workflow's
 * update validators use — with the caller's party acting and ordinary values where the action
 * takes some. What it answers is what a 409 would say for that action now, so the browser keeps
 * no copy of the rules.
 *
 * Values only the person can give (a meeting time, a decision, a date) are tried with a meeting
 * tomorrow, a decision to decline with a reason and today's date; the form's own answer may still
 * be a 409 at its field, which the workspace shows there.
 */
import { addClockHours, stockholmToday as today } from '../local-date';
import { awaitingAcknowledgement, type Party } from '../obligations';
import { answerActions, type AllowedProcessAction, type RuleVersion } from '../process';
import { enrollmentParties, refusal, type HomeCareAction, type HomeCareActionType } from './actions';
import type { HomeCareState } from './types';

/** The enrollment's actions the workspace offers, in the order of 001 §7.2 (coordinators close deviations from their inbox). */
export const ENROLLMENT_WORKSPACE_ACTIONS: readonly HomeCareActionType[] = [
  'acknowledge', 'sendInvitation', 'appointNamedCareContact', 'recordPlanningMeeting', 'recordSip', 'appointNamedDoctor',
  'recordMedicationReview', 'recordEndOfLifeConversation', 'decideEnrollment', 'updateSip', 'sendMessage',
  'careNoLongerNeeded', 'closeSip', 'recordDeath', 'recordMove', 'reportDeviation',
];

const tomorrow = (now: string) => addClockHours(now, 24).toISOString();

function enrollmentProbes(s: HomeCareState, type: HomeCareActionType, me: Party, now: string): HomeCareAction[] {
  switch (type) {
    case 'acknowledge':
      return awaitingAcknowledgement(s, me).map((m) => ({ type, messageId: m.messageId, party: me }));
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

/** Each workspace action of `types` (those the caller's role may do) on the enrollment, with the domain's answer now. */
export function allowedEnrollmentActions(s: HomeCareState, now: string, rules: RuleVersion, opts: { party?: Party; types?: readonly HomeCareActionType[] } = {}): AllowedProcessAction<HomeCareActionType>[] {
  const me = opts.party ?? enrollmentParties(s).primaryCare;
  const types = ENROLLMENT_WORKSPACE_ACTIONS.filter((t) => !opts.types || opts.types.includes(t));
  return answerActions(types, (t) => enrollmentProbes(s, t, me, now), (a) => refusal(s, { ...a, occurredAt: now }, now, rules));
}
