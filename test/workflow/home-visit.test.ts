/**
 * Single home visit orders (enstaka hembesök, docs/domain.md §5, 001 §7.3–§7.4) on the time-skipping
 * server with the real activities and ledger: accept → visits reported → end date; decline;
 * cancel; a missed acknowledgement and an unanswered order raise deviations that escalate;
 * an order left unanswered past its end date expires.
 */
import { processCounts } from '../../src/db/process-ledger';
import { getVisitOrderRow } from '../../src/db/home-visit';
import { unitInbox } from '../../src/db/operations';
import { acknowledgementDeadline, localDateOf } from '../../src/domain/calendar';
import { eventually, municipality, primaryCare, refusalOf, sleepUntil, UNITS } from '../helpers/discharge';
import { VisitOrder, visitInput } from '../helpers/home-care';
import { actWithStart, useWorkflowTestContext } from '../helpers/temporal';
import { homeVisitUpdates, homeVisitWorkflowId, homeVisitWorkflowType, visitOrderQuery, type VisitOrderView } from '../../workflows/home-visit/contract';

const ctx = useWorkflowTestContext();

const DAY = 86_400_000;
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const dateAfter = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);

async function order(days = 7, overrides: Partial<Parameters<typeof visitInput>[0]> = {}) {
  const orderedAt = await now();
  const startDate = localDateOf(new Date(orderedAt));
  return VisitOrder.start(ctx.env, ctx.taskQueue, visitInput({ orderedAt, startDate, endDate: dateAfter(startDate, days), ...overrides }));
}

describe('single home visit: every path', () => {
  it('accepted, visits reported back with acknowledgements, ends at its end date; the ledger has the order', async () => {
    const o = await order(3);
    let s = await o.state();
    expect(s.status).toBe('ordered');
    expect(s.messages.map((m) => [m.type, m.sender, m.recipients])).toEqual([['singleHomeVisitOrder', primaryCare, [municipality]]]);
    expect(s.openObligations.map((x) => [x.kind, x.responsible])).toEqual([['acknowledge', municipality], ['answerOrder', municipality]]);

    s = await o.act('accept', {});
    expect(s.status).toBe('accepted');
    expect(s.openObligations).toEqual([]); // accepting is also the receipt of the order

    // 001 §7.3: only the ordered interventions, within the ordered period
    expect((await refusalOf(o.act('reportVisit', { performedOn: s.startDate, interventions: ['injektion'] }))).code).toBe('NOT_ORDERED');
    expect((await refusalOf(o.act('reportVisit', { performedOn: dateAfter(s.endDate, 1), interventions: ['provtagning'] }))).code).toBe('OUTSIDE_ORDER_PERIOD');
    s = await o.act('reportVisit', { performedOn: s.startDate, interventions: ['såromläggning'], note: 'Sår läker' });
    expect(s.visits).toHaveLength(1);
    const report = s.messages.find((m) => m.type === 'visitReport')!;
    expect(report.recipients).toEqual([primaryCare]);
    s = await o.act('acknowledge', { messageId: report.messageId, party: primaryCare });
    expect(s.openObligations).toEqual([]);

    await sleepUntil(ctx.env, plus(s.endsAt, 1000));
    const result = await o.handle.result();
    expect(result.status).toBe('completed');
    const row = await eventually(async () => { const r = await getVisitOrderRow(ctx.ledger.db, s.orderId); return r?.status === 'completed' ? r : undefined; }, 'ledger row');
    expect(row).toMatchObject({ answer: 'accepted', visits_reported: 1, residence_municipality: UNITS.municipality, age_at_order: 58 });
    expect(JSON.parse(row.interventions)).toEqual(['såromläggning', 'provtagning']);
    expect(await processCounts(ctx.ledger.db, 'singleHomeVisit', s.orderId)).toMatchObject({ messages: 2, obligations: 3, deviations: 0 });
  });

  it('declined with a reason ends the order; a reason is required', async () => {
    const o = await order();
    expect((await refusalOf(o.act('decline', { reason: ' ' }))).code).toBe('REASON_REQUIRED');
    const s = await o.act('decline', { reason: 'Patienten kan ta sig till vårdcentralen' });
    expect(s).toMatchObject({ status: 'declined', answer: { answer: 'declined', reason: 'Patienten kan ta sig till vårdcentralen' } });
    // closed and settled: the process ends, so nothing more can be recorded on it
    expect((await o.handle.result()).status).toBe('declined');
    await expect(o.act('accept', {})).rejects.toThrow();
  });

  it('cancelled by the health centre: pending obligations are withdrawn without deviations', async () => {
    const o = await order();
    expect((await refusalOf(o.act('reportVisit', { performedOn: (await o.state()).startDate, interventions: ['provtagning'] }))).code).toBe('NOT_ACCEPTED');
    const s = await o.act('cancel', { reason: 'Patienten inlagd på sjukhus' });
    expect(s.status).toBe('cancelled');
    expect(s.obligations.map((x) => x.status)).toEqual(['cancelled', 'cancelled']);
    expect((await o.handle.result()).deviations).toEqual([]);
  });
});

describe('a staff action that arrives with the start', () => {
  it('waits until the order is recorded: an answer in the first activation meets the order’s obligations', async () => {
    const orderedAt = await now();
    const startDate = localDateOf(new Date(orderedAt));
    const input = visitInput({ orderedAt, startDate, endDate: dateAfter(startDate, 7) });
    // update-with-start puts the action in the workflow's very first activation, beside its start
    await actWithStart(ctx, homeVisitUpdates.accept, { type: 'accept' } as never, homeVisitWorkflowType, homeVisitWorkflowId(input.orderId), input);
    // the Update answers compactly (issue 21); the state is read by query, as the API does
    const s: VisitOrderView = await ctx.env.client.workflow.getHandle(homeVisitWorkflowId(input.orderId)).query(visitOrderQuery);
    expect(s.timeline.map((t) => t.action)).toEqual(['ordered', 'accept']);
    // the order's obligations were opened before the answer met them, not after (then they would stay open)
    const after = await ctx.env.client.workflow.getHandle(homeVisitWorkflowId(input.orderId)).query(visitOrderQuery);
    expect(after.obligations.map((o) => [o.kind, o.status])).toEqual([['acknowledge', 'met'], ['answerOrder', 'met']]);
    expect(after.openObligations).toEqual([]);
  });
});

describe('single home visit: deadlines met and missed', () => {
  it('an order neither acknowledged nor answered: ACK_MISSING and ORDER_UNANSWERED at the next weekday, escalated, in the municipality inbox', async () => {
    const orderedAt = await now();
    const o = await order(30);
    const due = acknowledgementDeadline(new Date(orderedAt)).at.toISOString();
    expect((await o.state()).openObligations.map((x) => x.dueAt)).toEqual([due, due]);
    await eventually(async () => (await unitInbox(ctx.ledger.db, UNITS.municipality)).acknowledgements.some((a) => a.process_type === 'singleHomeVisit'), 'inbox item');

    await sleepUntil(ctx.env, plus(due, -1000));
    expect((await o.state()).deviations).toEqual([]);
    await sleepUntil(ctx.env, plus(due, 1000));
    const devs = await eventually(async () => { const d = (await o.state()).deviations; return d.length === 2 ? d : undefined; }, 'deviations');
    expect(devs.map((d) => [d.type, d.responsible, d.escalation]).sort()).toEqual([['ACK_MISSING', municipality, 'reminded'], ['ORDER_UNANSWERED', municipality, 'reminded']]);
    await sleepUntil(ctx.env, plus(devs[0].escalateAt!, 1000));
    await eventually(async () => (await o.state()).deviations.every((d) => d.escalation === 'escalated'), 'escalation');
    const inbox = await eventually(async () => { const i = await unitInbox(ctx.ledger.db, UNITS.municipality); return i.deviations.filter((d) => d.process_id === devs[0].deviationId || d.process_type === 'singleHomeVisit').length >= 2 ? i : undefined; }, 'inbox deviations');
    expect(inbox.deviations.filter((d) => d.process_type === 'singleHomeVisit').map((d) => d.escalation)).toContain('escalated');

    // the late answer resolves both deviations, which stay on record
    const s = await o.act('accept', {});
    expect(s.deviations.map((d) => d.status)).toEqual(['resolved', 'resolved']);
    expect(s.obligations.map((x) => x.status)).toEqual(['late', 'late']);
  });

  it('acknowledged on time but left unanswered past its end date: ORDER_UNANSWERED, then expired; a coordinator closes the deviation', async () => {
    const o = await order(2);
    let s = await o.state();
    s = await o.act('acknowledge', { messageId: s.orderMessageId, party: municipality });
    const answer = s.openObligations.find((x) => x.kind === 'answerOrder')!;
    await sleepUntil(ctx.env, plus(answer.dueAt, 1000));
    const [d] = await eventually(async () => { const x = (await o.state()).deviations; return x.length ? x : undefined; }, 'ORDER_UNANSWERED');
    expect(d).toMatchObject({ type: 'ORDER_UNANSWERED', responsible: municipality });
    await sleepUntil(ctx.env, plus(s.endsAt, 1000));
    s = await eventually(async () => { const x = await o.state(); return x.status === 'expired' ? x : undefined; }, 'expired');
    expect((await refusalOf(o.act('accept', {}))).code).toBe('ALREADY_ANSWERED');
    await o.act('closeDeviation', { deviationId: d.deviationId, comment: 'Kontaktat kommunen', actor: { userId: 'koordinator', organisation: UNITS.municipality } });
    const result = await o.handle.result();
    expect(result.status).toBe('expired');
    expect(result.deviations[0]).toMatchObject({ status: 'closed', closedBy: 'koordinator' });
  });
});
