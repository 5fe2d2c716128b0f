/**
 * The actions a single home visit order (enstaka hembesök) allows now, for the staff workspace
 * (issue 19), as src/domain/home-care/allowed.ts does for enrollments: each staff action is tried
 * against the order's own `visitRefusal` rule — the one its workflow's update validators use —
 * with the caller's party acting and ordinary values where the action takes some (a visit today,
 * within the order's period, of the ordered interventions).
 */
import { awaitingAcknowledgement, type Party } from '../obligations';
import { stockholmToday as today } from '../local-date';
import { answerActions, type AllowedProcessAction, type RuleVersion } from '../process';
import { visitParties, visitRefusal, type VisitAction, type VisitActionType } from './actions';
import type { VisitOrderState } from './types';

/** The order's actions the workspace offers. */
export const VISIT_WORKSPACE_ACTIONS: readonly VisitActionType[] = ['acknowledge', 'accept', 'decline', 'reportVisit', 'cancel', 'reportDeviation'];

function visitProbes(s: VisitOrderState, type: VisitActionType, me: Party, now: string): VisitAction[] {
  switch (type) {
    case 'acknowledge':
      return awaitingAcknowledgement(s, me).map((m) => ({ type, messageId: m.messageId, party: me }));
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

/** Each workspace action of `types` on the order, with the domain's answer now. */
export function allowedVisitActions(s: VisitOrderState, now: string, rules: RuleVersion, opts: { party?: Party; types?: readonly VisitActionType[] } = {}): AllowedProcessAction<VisitActionType>[] {
  const me = opts.party ?? visitParties(s).primaryCare;
  const types = VISIT_WORKSPACE_ACTIONS.filter((t) => !opts.types || opts.types.includes(t));
  return answerActions(types, (t) => visitProbes(s, t, me, now), (a) => visitRefusal(s, { ...a, occurredAt: now }, now, rules));
}
