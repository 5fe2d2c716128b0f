/**
 * The monthly close on the time-skipping server with the real ledger (PGlite) and activities:
 * the review timer passes by letting time pass; updates are sent between sleeps (the Java test
 * server does not skip time while a client waits on an update).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { invoicesOfClose, setDailyAmount, setNationalAverage } from '../../src/db/billing';
import { addWeekdays, endOfLocalDay, localDateOf } from '../../src/domain/calendar';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { closeInputFor } from '../../src/temporal/schedules';
import { closeQuery, monthlyCloseWorkflowType, type MonthlyCloseWorkflow, monthlyCloseScheduledWorkflowType, type MonthlyCloseScheduledWorkflow, monthlyCloseWorkflowId, monthlyCloseUpdates, type CloseView, type MonthlyCloseInput } from '../../workflows/monthly-close/contract';
import type { ReviewAction } from '../../src/domain/billing/review';
import { seed } from '../helpers/billing';
import { eventually, refusalOf, sleepUntil } from '../helpers/discharge';
import { useWorkflowTestContext } from '../helpers/temporal';

const ctx = useWorkflowTestContext();

const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
const gavleborg = DEFAULT_REGIONS.find((r) => r.id === 'gavleborg')!;
const input = (region: typeof halland, month: string, reviewWeekdays = 10): MonthlyCloseInput => ({ ...closeInputFor(region, { closeDay: 5, closeHour: 6, reviewWeekdays }), month });

async function startClose(i: MonthlyCloseInput) {
  const handle = await ctx.env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, {
    taskQueue: ctx.taskQueue, workflowId: monthlyCloseWorkflowId(i.region, i.month), args: [i], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  const v = await eventually(async () => { const s = await handle.query(closeQuery); return s.phase === 'review' ? s : undefined; }, 'the review to open');
  return { handle, view: v };
}
/** A review action, then the close as it stands (the Update answers only that it was recorded, as the API reads it). */
const act = async (h: Awaited<ReturnType<typeof startClose>>['handle'], a: ReviewAction): Promise<CloseView> => {
  await h.executeUpdate(monthlyCloseUpdates[a.type], { args: [a] });
  return h.query(closeQuery);
};

describe('monthly close', () => {
  it('review: flags accepted and rejected, a dispute escalates, every approval finalises from the accepted corrections', async () => {
    await seed(ctx.ledger, [
      { periods: [['2019-03-01', '2019-03-06']] }, // 5 days → 2 chargeable
      { periods: [['2019-03-01', '2019-03-10']], died: true }, // 9 days → 6, cancelled: in the basis by its cancellation date
      { periods: [['2019-03-01', '2019-03-11']] }, // 10 days → 7
      { periods: [['2019-02-26', '2019-03-03']], municipality: '1383' }, // spans the month boundary: 5 → 2
    ]);
    const { handle, view } = await startClose(input(halland, '2019-03'));
    expect(view.ruleSetId).toBe('law-2017-612');
    expect(view.preliminary!.municipalities.find((m) => m.municipality === '1380')).toMatchObject({ lines: 3, totalOre: 15 * 7_800_00, hints: 1 });
    expect(view.municipalities).toHaveLength(6);

    // line refs: 1380-00001 (03-06), 1380-00002 (03-10, died), 1380-00003 (03-11)
    expect(await refusalOf(act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1380-00009', reason: 'OTHER', text: 'x' }))).toMatchObject({ code: 'UNKNOWN_LINE' });
    expect(await refusalOf(act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'OTHER' }))).toMatchObject({ code: 'TEXT_REQUIRED' });
    expect(await refusalOf(act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1383-00001', reason: 'WRONG_MUNICIPALITY' }))).toMatchObject({ code: 'UNKNOWN_LINE' });

    await act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1380-00002', reason: 'DIED_DURING_STAY' });
    await act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1380-00003', reason: 'REGISTRATION_ERROR', text: 'ready registered before the treatment plan' });
    await act(handle, { type: 'decideFlag', flagId: '1380-00002#1', decision: 'accept' });
    await act(handle, { type: 'decideFlag', flagId: '1380-00003#1', decision: 'reject', note: 'registered per routine' });
    expect(await refusalOf(act(handle, { type: 'decideFlag', flagId: '1380-00003#1', decision: 'accept' }))).toMatchObject({ code: 'FLAG_DECIDED' });
    await act(handle, { type: 'raiseDispute', flagId: '1380-00003#1', note: 'we disagree' });
    let v = await act(handle, { type: 'escalateDispute', flagId: '1380-00003#1' });
    expect(v.flags.find((f) => f.flagId === '1380-00003#1')?.dispute?.level).toBe('countyLeadership');
    expect(await refusalOf(act(handle, { type: 'escalateDispute', flagId: '1380-00003#1' }))).toMatchObject({ code: 'TOP_LEVEL' });

    for (const m of halland.municipalities) v = await act(handle, { type: 'approveBasis', municipality: m.code });
    const result = await handle.result();
    expect(result.phase).toBe('final');
    expect(result.timeline.find((t) => t.action === 'reviewEnded')?.summary).toBe('every municipality approved');
    const invoices = await invoicesOfClose(ctx.ledger.db, 'halland-2019-03');
    expect(invoices).toHaveLength(6);
    // 1380: the death is corrected away (6 days), the rejected flag stays: (2 + 7) × 7 800 kr
    expect(invoices.find((i) => i.municipality === '1380')).toMatchObject({ totalOre: 9 * 7_800_00, lines: [expect.objectContaining({ lineRef: '1380-00001' }), expect.objectContaining({ lineRef: '1380-00003' })] });
    expect(invoices.find((i) => i.municipality === '1383')?.totalOre).toBe(2 * 7_800_00);
    expect(invoices.find((i) => i.municipality === '1315')).toMatchObject({ totalOre: 0, lines: [] });
    // final invoices are immutable, in the database itself
    await expect(ctx.ledger.db.updateTable('billing_invoices').set({ total_ore: 1 }).where('close_id', '=', 'halland-2019-03').execute()).rejects.toThrow(/immutable/);
  });

  it('review timer: the invoice is final at the end of the 10th weekday; undecided flags lapse', async () => {
    await seed(ctx.ledger, [{ periods: [['2019-04-01', '2019-04-08']] }]); // 7 days → 4
    const { handle, view } = await startClose(input(halland, '2019-04'));
    const opened = localDateOf(new Date(await ctx.env.currentTimeMs()));
    expect(view.reviewEndsAt).toBe(endOfLocalDay(addWeekdays(opened, 10)).toISOString());
    await act(handle, { type: 'flagLine', municipality: '1380', lineRef: '1380-00001', reason: 'WRONG_MUNICIPALITY' });

    await sleepUntil(ctx.env, new Date(Date.parse(view.reviewEndsAt!) - 60_000).toISOString());
    expect((await handle.query(closeQuery)).phase).toBe('review');
    await sleepUntil(ctx.env, new Date(Date.parse(view.reviewEndsAt!) + 60_000).toISOString());
    const result = await handle.result();
    expect(result.timeline.find((t) => t.action === 'reviewEnded')?.summary).toBe('review period ended');
    expect(result.flags[0]).toMatchObject({ status: 'lapsed' });
    expect((await invoicesOfClose(ctx.ledger.db, 'halland-2019-04')).find((i) => i.municipality === '1380')?.totalOre).toBe(4 * 7_800_00);
    expect(await refusalOf(act(handle, { type: 'approveBasis', municipality: '1380' }))).toBeDefined();
  });

  it('started as the schedule would: closes the month that ended; a second firing starts nothing and never a second invoice', async () => {
    const now = new Date(await ctx.env.currentTimeMs());
    const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const month = prev.toISOString().slice(0, 7);
    const year = prev.getUTCFullYear();
    // the rule in force then needs the year's daily amount (and the previous year's national average)
    await setDailyAmount(ctx.ledger.db, year, 10_000_00, 'test', 'test');
    await setNationalAverage(ctx.ledger.db, year - 1, 200, 'test', 'test');
    await seed(ctx.ledger, [{ region: 'gavleborg', municipality: '2180', periods: [[`${month}-02`, `${month}-12`]] }]); // 10 days: individual 3
    const args = [closeInputFor(gavleborg, { closeDay: 5, closeHour: 6, reviewWeekdays: 2 })] as const;
    const first = await ctx.env.client.workflow.execute<MonthlyCloseScheduledWorkflow>(monthlyCloseScheduledWorkflowType, { taskQueue: ctx.taskQueue, workflowId: 'monthly-close-trigger-gavleborg-1', args: [...args] });
    expect(first).toEqual({ workflowId: monthlyCloseWorkflowId('gavleborg', month), started: true });
    const second = await ctx.env.client.workflow.execute<MonthlyCloseScheduledWorkflow>(monthlyCloseScheduledWorkflowType, { taskQueue: ctx.taskQueue, workflowId: 'monthly-close-trigger-gavleborg-2', args: [...args] });
    expect(second).toEqual({ workflowId: first.workflowId, started: false });

    const handle = ctx.env.client.workflow.getHandle(first.workflowId);
    const result = (await handle.result()) as CloseView; // the 2-weekday timer passes by itself
    expect(result).toMatchObject({ phase: 'final', ruleSetId: 'gavleborg-2019' });
    // a billing officer starting it again is refused by the id, even after it completed
    await expect(ctx.env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue: ctx.taskQueue, workflowId: first.workflowId, args: [{ ...args[0], month }], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE }))
      .rejects.toThrow(/already/i);
    const invoices = await invoicesOfClose(ctx.ledger.db, `gavleborg-${month}`);
    expect(invoices).toHaveLength(gavleborg.municipalities.length);
    expect(invoices.find((i) => i.municipality === '2180')?.totalOre).toBe(3 * 10_000_00);
  });

  it('a month whose year has no daily amount fails with a clear error', async () => {
    const h = await ctx.env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue: ctx.taskQueue, workflowId: monthlyCloseWorkflowId('gavleborg', '2021-02'), args: [input(gavleborg, '2021-02')] });
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { cause?: { type?: string; message?: string } };
    expect(cause.cause).toMatchObject({ type: 'DAILY_AMOUNT_MISSING', message: expect.stringMatching(/No daily amount .* 2021/) });
  });
});
