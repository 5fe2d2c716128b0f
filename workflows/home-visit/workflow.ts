/**
 * Enstaka hembesök: one workflow per order (docs/domain.md §5, 001 §7.3–§7.4).
 *
 * The health centre's order (an out-of-episode message with the template "single home visit":
 * interventions, start and end dates) starts it. The municipality acknowledges it and accepts
 * or declines the assignment; performed visits are reported back to the health centre; the
 * order ends at its end date or when cancelled. A missed acknowledgement (ACK_MISSING) or an
 * order left unanswered (ORDER_UNANSWERED) raises a deviation and climbs the escalation ladder
 * on the shared ProcessRuntime, like every other deadline.
 */
import { upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import type { StartVisitOrderInput, VisitOrderState } from '../../src/domain/home-visit/types';
import { VISIT_ACTIONS, orderClosed, visitParties, visitRefusal, type VisitAction } from '../../src/domain/home-visit/actions';
import { openObligations, type Obligation } from '../../src/domain/obligations';
import { SA } from '../../src/temporal/search-attributes';
import { acknowledge, openOf, sendMessage } from '../shared/messages';
import { deviationHandlers, processRuntime, wireProcess, type ActionHandlers } from '../shared/process-kit';
import { local } from '../shared/proxies';
import { allowedVisitActions } from '../../src/domain/home-visit/allowed';
import { homeVisitUpdates, visitAllowedActionsQuery, visitOrderQuery, visitOrderView as view, type VisitOrderView } from './contract';

const DESCRIBE: Record<string, (o: Obligation) => string> = {
  acknowledge: (o) => `Message not acknowledged by ${o.responsible.kind} ${o.responsible.id} by ${o.dueLocalDate}`,
  answerOrder: (o) => `Single home visit order neither accepted nor declined by municipality ${o.responsible.id} by ${o.dueLocalDate}`,
};

export async function singleHomeVisit(input: StartVisitOrderInput): Promise<VisitOrderView> {
  const s: VisitOrderState = {
    orderId: input.orderId,
    input,
    status: 'ordered',
    version: 0,
    orderMessageId: '',
    endsAt: '',
    visits: [],
    messages: [],
    tracking: { obligations: [], deviations: [] },
    timeline: [],
  };
  const rt = processRuntime(s, { processType: 'singleHomeVisit', processId: s.orderId, input, describe: DESCRIBE, project: () => local.projectHomeVisit(s) });
  const p = visitParties(s);
  const cancelOpen = (reason: string) => openObligations(s.tracking).filter((o) => o.kind === 'answerOrder' || o.messageId === s.orderMessageId).forEach((o) => rt.cancel(o.obligationId, reason));

  // ---- the order -------------------------------------------------------------------------------
  // The start-up hold, begun before the staff actions are wired below: an answer that arrives with the
  // start (update-with-start shares the very first activation) waits its turn until the order is
  // recorded and its obligations are open. The timeline entry comes first, so that a read right
  // after the start already shows it. Awaited after the wiring.
  const order = rt.startUp(async () => {
    rt.record({ action: 'ordered', occurredAt: input.orderedAt, actor: input.actor, summary: `Single home visit ordered (${input.interventions.join(', ')}) from ${input.startDate} to ${input.endDate}` });
    const [end] = await local.obligationDeadlines([{ rule: 'calendarDays', fromDate: input.endDate, days: 0 }], input.settings.escalationWeekdays);
    s.endsAt = end.dueAt;
    const m = await sendMessage(rt, s.messages, { type: 'singleHomeVisitOrder', sender: p.primaryCare, recipients: [p.municipality], occurredAt: input.orderedAt, text: input.interventions.join(', ') });
    s.orderMessageId = m.messageId;
    // Decision: the answer (accept/decline) is due by the acknowledgement deadline of the order
    await rt.openObligations([{ kind: 'answerOrder', messageId: m.messageId, responsible: p.municipality, deviationType: 'ORDER_UNANSWERED', deadline: { rule: 'acknowledgement', from: input.orderedAt } }]);
  }, 'asExclusive');

  const handlers: ActionHandlers<VisitAction> = {
    async acknowledge(a, at) {
      return acknowledge(rt, a.messageId, a.party, at);
    },
    // 001 §7.3: the municipality's licensed staff assess the case and accept or decline;
    // an answer is also the receipt of the order
    async accept(_a, at) {
      s.status = 'accepted';
      s.answer = { answer: 'accepted', at };
      answered(at);
      return 'The municipality accepted the single home visit (enstaka hembesök)';
    },
    async decline(a, at) {
      s.status = 'declined';
      s.answer = { answer: 'declined', reason: a.reason, at };
      answered(at);
      return `The municipality declined the single home visit: ${a.reason}`;
    },
    // the municipality performs only the ordered interventions and reports back (återkopplar)
    async reportVisit(a, at) {
      const m = await sendMessage(rt, s.messages, { type: 'visitReport', sender: p.municipality, recipients: [p.primaryCare], occurredAt: at, text: a.note });
      s.visits.push({ visitId: uuid4(), performedOn: a.performedOn, reportedAt: at, interventions: a.interventions, messageId: m.messageId });
      return `Home visit on ${a.performedOn} reported back to the health centre: ${a.interventions.join(', ')}`;
    },
    async cancel(a, at) {
      s.status = 'cancelled';
      s.cancellation = { reason: a.reason, at };
      cancelOpen('order cancelled');
      return `The health centre cancelled the order: ${a.reason}`;
    },
    ...deviationHandlers(rt),
  };

  function answered(at: string): void {
    openOf(rt, 'answerOrder').forEach((o) => rt.meet(o.obligationId, at));
    openOf(rt, 'acknowledge', p.municipality).filter((o) => o.messageId === s.orderMessageId).forEach((o) => rt.meet(o.obligationId, at));
  }

  wireProcess(rt, s, {
    types: VISIT_ACTIONS, updates: homeVisitUpdates, refusal: visitRefusal, handlers, identity: { orderId: s.orderId },
    viewQuery: visitOrderQuery, view, allowedQuery: visitAllowedActionsQuery, allowed: allowedVisitActions,
  });

  await order;

  // ---- until the order is closed and settled; the end date closes it ----------------------------
  const open = () => !orderClosed(s.status);
  const done = () => !open() && openObligations(s.tracking).length === 0 && !s.tracking.deviations.some((d) => d.status === 'open');
  const endDatePassed = () => open() && Date.now() >= Date.parse(s.endsAt);
  for (;;) {
    await rt.run(() => done() || endDatePassed(), () => (open() ? s.endsAt : undefined));
    if (done()) break;
    await rt.exclusive(async () => {
      if (!endDatePassed()) return;
      const expired = s.status === 'ordered';
      s.status = expired ? 'expired' : 'completed';
      if (expired) openOf(rt, 'acknowledge').filter((o) => o.messageId === s.orderMessageId).forEach((o) => rt.cancel(o.obligationId, 'order expired'));
      if (expired) openOf(rt, 'answerOrder').forEach((o) => rt.cancel(o.obligationId, 'order expired'));
      upsertSearchAttributes([{ key: SA.processStatus, value: s.status }]);
      rt.record({ action: expired ? 'expired' : 'completed', occurredAt: s.endsAt, summary: expired ? 'The end date passed without an answer from the municipality' : 'The order’s end date has passed' });
    });
  }
  await rt.finish();
  return view(s);
}
