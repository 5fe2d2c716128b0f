/**
 * Staff actions on a single home visit order (enstaka hembesök, docs/domain.md §5, 001 §7.3–§7.4)
 * and the rule deciding whether the order's state allows each one. Pure, like `actions.ts`.
 */
import { sameParty, settledDeviationRefusal, type Party } from '../obligations';
import type { Base, Refusal } from '../home-care/actions';
import type { VisitOrderState, VisitOrderStatus } from './types';
import { acknowledgedBeforeSent, CURRENT_RULES, everyType, type RuleVersion } from '../process';

export type VisitAction =
  | ({ type: 'acknowledge'; messageId: string; party: Party } & Base)
  | ({ type: 'accept' } & Base)
  | ({ type: 'decline'; reason: string } & Base)
  | ({ type: 'reportVisit'; performedOn: string; interventions: string[]; note?: string } & Base)
  | ({ type: 'cancel'; reason: string } & Base)
  | ({ type: 'reportDeviation'; responsible: Party; description: string } & Base)
  | ({ type: 'closeDeviation'; deviationId: string; comment: string } & Base);

export type VisitActionType = VisitAction['type'];

/**
 * Every staff action of the home visit process, without zod, for the workflow (one Update each,
 * workflows/home-visit/contract.ts); the API's endpoints and the roles are in ./action-catalog.ts.
 */
export const VISIT_ACTIONS = everyType<VisitActionType>()(['acknowledge', 'accept', 'decline', 'reportVisit', 'cancel', 'reportDeviation', 'closeDeviation']);

const refuse = (code: string, message: string): Refusal => ({ code, message });

export function visitParties(s: Pick<VisitOrderState, 'input'>): { municipality: Party; primaryCare: Party } {
  return {
    municipality: { kind: 'municipality', id: s.input.residenceMunicipality },
    primaryCare: { kind: 'primaryCare', id: s.input.primaryCareUnit },
  };
}

export const orderClosed = (status: VisitOrderStatus): boolean => status !== 'ordered' && status !== 'accepted';

export function visitRefusal(s: VisitOrderState, a: VisitAction, now: string, rules: RuleVersion = CURRENT_RULES): Refusal | undefined {
  const at = a.occurredAt ?? now;
  if (Date.parse(at) > Date.parse(now) + 5 * 60_000) return refuse('OCCURRED_IN_FUTURE', 'The time given for when this happened is in the future.');
  if (Date.parse(at) < Date.parse(s.input.orderedAt)) return refuse('OCCURRED_BEFORE_ORDER', `This cannot have happened before the order was sent (${s.input.orderedAt}).`);
  const p = visitParties(s);
  switch (a.type) {
    case 'acknowledge': {
      const m = s.messages.find((x) => x.messageId === a.messageId);
      if (!m) return refuse('UNKNOWN_MESSAGE', 'There is no such message in this order.');
      if (!m.recipients.some((r) => sameParty(r, a.party))) return refuse('NOT_A_RECIPIENT', 'Only a recipient of the message can acknowledge it.');
      const o = s.tracking.obligations.find((x) => x.messageId === a.messageId && x.kind === 'acknowledge' && sameParty(x.responsible, a.party));
      if (o && (o.status === 'met' || o.status === 'late')) return refuse('ALREADY_ACKNOWLEDGED', 'This message has already been acknowledged by this unit.');
      if (o?.status === 'cancelled') return refuse('MESSAGE_WITHDRAWN', 'This message needs no acknowledgement any more.');
      return acknowledgedBeforeSent(rules, m.occurredAt, at);
    }
    // 001 §7.3: the municipality's licensed staff assess each case and accept or decline
    case 'accept':
    case 'decline':
      if (s.status !== 'ordered') return refuse('ALREADY_ANSWERED', closedMessage(s.status) ?? 'The municipality has already answered this order.');
      if (a.type === 'decline' && !a.reason.trim()) return refuse('REASON_REQUIRED', 'State the reason why the order is declined.');
      return undefined;
    // 001 §7.3: the municipality performs only the ordered interventions and reports back
    case 'reportVisit': {
      if (s.status !== 'accepted' && s.status !== 'completed') return refuse('NOT_ACCEPTED', closedMessage(s.status) ?? 'The order has not been accepted by the municipality.');
      const extra = a.interventions.filter((i) => !s.input.interventions.includes(i));
      if (extra.length) return refuse('NOT_ORDERED', `Only the ordered interventions are performed; not ordered: ${extra.join(', ')}.`);
      if (a.performedOn < s.input.startDate || a.performedOn > s.input.endDate) {
        return refuse('OUTSIDE_ORDER_PERIOD', `The visit must fall within the ordered period ${s.input.startDate} – ${s.input.endDate}.`);
      }
      return undefined;
    }
    case 'cancel':
      if (orderClosed(s.status)) return refuse('ORDER_CLOSED', closedMessage(s.status)!);
      return undefined;
    case 'reportDeviation':
      if (!sameParty(a.responsible, p.municipality) && !sameParty(a.responsible, p.primaryCare)) {
        return refuse('NOT_A_PARTY', 'The responsible unit must be the municipality or the ordering health centre.');
      }
      return undefined;
    case 'closeDeviation': {
      const d = s.tracking.deviations.find((x) => x.deviationId === a.deviationId);
      if (!d) return refuse('UNKNOWN_DEVIATION', 'There is no such deviation in this order.');
      return settledDeviationRefusal(d);
    }
  }
}

function closedMessage(status: VisitOrderStatus): string | undefined {
  switch (status) {
    case 'declined': return 'The municipality declined this order.';
    case 'cancelled': return 'The health centre cancelled this order.';
    case 'completed': return 'The order’s end date has passed.';
    case 'expired': return 'The order’s end date passed without an answer from the municipality.';
    default: return undefined;
  }
}
