/**
 * The actions an episode's state allows now, for the staff workspace (issue 19): each staff
 * action is tried against the same `refusal` rule the workflow's update validators use, with the
 * caller's own party acting and ordinary values where the action takes some. What it answers is
 * what a 409 would say for that action now, so the browser never keeps a copy of the rules.
 *
 * Actions whose refusal depends on values only the person can give (a date, a meeting time) are
 * tried with today's date and a meeting tomorrow; the form's own answer may still be a 409 at its
 * field, which the workspace shows there.
 */
import { addCalendarDays, addClockHours, stockholmToday } from '../local-date';
import { awaitingAcknowledgement, type Party } from '../obligations';
import { answerActions, type AllowedProcessAction, type RuleVersion } from '../process';
import { convener, parties, refusal, type DischargeAction, type DischargeActionType } from './actions';
import type { DischargeState } from './types';

export type AllowedAction = AllowedProcessAction<DischargeActionType>;

/** The actions the workspace offers, in the order of the flowchart (001 §6). */
export const WORKSPACE_ACTIONS: readonly DischargeActionType[] = [
  'admissionNotice', 'acknowledge', 'appointNamedCareContact', 'planningNeeded', 'sendInvitation', 'recordPlanningMeeting',
  'recordSip', 'acknowledgeSip', 'updateChecklist', 'recordTreatmentPlan', 'markReady', 'withdrawReadiness', 'discharge',
  'sendDischargeNotice', 'cancel', 'reportDeviation',
];

/** The probe of each action: the caller's party acting, today's date, a meeting tomorrow at 10:00 local time. */
function probes(s: DischargeState, type: DischargeActionType, party: Party | undefined, now: string): DischargeAction[] {
  const today = stockholmToday(now);
  const me = party ?? parties(s).inpatient;
  switch (type) {
    case 'admissionNotice':
      // a new preliminary date: the unchanged-date refusal belongs to the form's field
      return [{ type, expectedReadyDate: s.expectedReadyDate === today ? nextDay(today) : today }];
    case 'acknowledge':
      return awaitingAcknowledgement(s, me).map((m) => ({ type, messageId: m.messageId, party: me }));
    case 'appointNamedCareContact':
      return [{ type, party: me, contact: 'probe' }];
    case 'planningNeeded':
      return [{ type, flow: 'a', consent: 'given', formOfCare: s.input.psychiatric ? 'probe' : undefined }];
    case 'sendInvitation':
      return [{ type, sender: party ?? convener(s), meetingAt: addClockHours(now, 24).toISOString(), place: 'probe', mode: 'inPerson', location: 'hospital', inviteInpatient: true }];
    case 'recordPlanningMeeting':
      return [{ type }];
    case 'recordSip':
      return [{ type, coordinator: 'probe', responsibilities: [], selfCareAssessment: false }];
    case 'acknowledgeSip':
      return [{ type, party: me }];
    case 'updateChecklist':
    case 'recordTreatmentPlan':
    case 'sendDischargeNotice':
      return [{ type } as DischargeAction];
    case 'markReady':
      return [{ type, readyDate: today }];
    case 'withdrawReadiness':
      return [{ type, date: today, reason: 'probe' }];
    case 'discharge':
      return [{ type, sendNotice: true }];
    case 'cancel':
      return [{ type, reason: 'PLANNING_CANCELLED' } as DischargeAction];
    case 'reportDeviation':
      return [{ type, responsible: me, description: 'probe' }];
    default:
      return [];
  }
}

const nextDay = (d: string): string => addCalendarDays(d, 1);

/**
 * Each workspace action of `types` (those the caller's role may do) with the domain's answer now.
 * Acknowledgements list only the messages still awaiting the caller's party.
 */
export function allowedActions(s: DischargeState, now: string, rules: RuleVersion, opts: { party?: Party; types?: readonly DischargeActionType[] } = {}): AllowedAction[] {
  const types = WORKSPACE_ACTIONS.filter((t) => !opts.types || opts.types.includes(t));
  return answerActions(types, (t) => probes(s, t, opts.party, now), (a) => refusal(s, { ...a, occurredAt: now }, now, rules));
}
