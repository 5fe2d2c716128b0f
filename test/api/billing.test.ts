/**
 * Billing over HTTP against the real Temporal dev server, the real workflows and activities and
 * the real (PGlite) ledger: starting a close (idempotent, refusals), review updates with
 * Idempotency-Key, finalisation, exports (JSON, Excel CSV), credit notes, daily-amount
 * administration, simulation without side effects, and the schedule created idempotently and fired.
 */
import { authHeader } from '../helpers/auth';
import { BOM } from '../../src/domain/billing';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { billingScheduleId, ensureBillingSchedules } from '../../src/temporal/schedules';
import { monthlyCloseWorkflowId } from '../../workflows/monthly-close/contract';
import { newKey, pollUntil, useApi } from '../helpers/api';
import { seed } from '../helpers/billing';

const ctx = useApi();

const gavleborg = DEFAULT_REGIONS.find((r) => r.id === 'gavleborg')!;
const put = (path: string, body: unknown) => ctx.api.request('PUT', path, { body });
const closes = async () => (await ctx.h.ledger.db.selectFrom('billing_closes').select('close_id').execute()).length;

describe('billing API', () => {
  it('daily amounts: the known years are there, an administrator adds one; a year without one cannot be closed', async () => {
    const list = await ctx.api.get('/api/billing/daily-amounts');
    // 2020 from the sourced reference data (src/domain/reference), nobody typed it in (issue 16)
    expect(list.body.dailyAmounts.map((d: { year: number; amountOre: number }) => [d.year, d.amountOre])).toEqual([[2018, 710_000], [2019, 780_000], [2020, 820_000], [2022, 930_000]]);
    expect(list.body.dailyAmounts.find((d: { year: number }) => d.year === 2020)).toMatchObject({ setBy: 'reference data (src/domain/reference)', source: expect.stringContaining('8200 kr') });
    const refused = await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2021-02' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'DAILY_AMOUNT_MISSING', message: expect.stringContaining('2021') });
    expect((await put('/api/billing/daily-amounts/2021', { amountOre: 9_000_00, source: 'test' })).status).toBe(200);
    expect((await put('/api/billing/daily-amounts/2021', { amountOre: -1, source: 'test' })).body.error.code).toBe('VALIDATION_FAILED');
    // (as a billing officer of a configured region: a token naming 'nowhere' is refused at sign-in)
    const officer = ctx.api.as({ role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg' });
    expect((await officer.post('/api/billing/closes', { region: 'nowhere', month: '2021-02' })).status).toBe(400);
    expect((await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2099-01' })).body.error.code).toBe('MONTH_NOT_ENDED');
  });

  it('the rule-set listing says that law-2017-612 in Halland 2018-11 … 2022-10 is an assumption (docs/domain.md §7)', async () => {
    const r = await ctx.api.get('/api/billing/rule-sets');
    expect(r.status).toBe(200);
    const law = r.body.ruleSets.find((x: { id: string }) => x.id === 'law-2017-612');
    expect(law.assumedFor).toEqual([{ region: 'halland', from: '2018-11-01', to: '2022-10-31', note: expect.stringMatching(/^Assumption: the sources do not say which model applied/) }]);
    for (const x of r.body.ruleSets.filter((y: { id: string }) => y.id !== 'law-2017-612')) expect(x.assumedFor ?? []).toEqual([]);
  });

  it('a close end to end: idempotent start, review with Idempotency-Key, final invoices, exports, a credit note', async () => {
    await seed(ctx.h.ledger, [
      { region: 'gavleborg', municipality: '2180', periods: [['2019-05-01', '2019-05-11']] }, // 10 days: individual, 3 days
      { region: 'gavleborg', municipality: '2180', periods: [['2019-05-09', '2019-05-12']] }, // 3
      { region: 'gavleborg', municipality: '2180', periods: [['2019-05-10', '2019-05-12']] }, // 2 → average 2.5: 5 − 4 = 1 day
      { region: 'gavleborg', municipality: '2181', periods: [['2019-05-01', '2019-05-20']] }, // 19 days: individual, 12 days
    ]);
    const first = await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2019-05' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ workflowId: monthlyCloseWorkflowId('gavleborg', '2019-05'), ruleSetId: 'gavleborg-2019' });
    const again = await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month: '2019-05' });
    expect(again).toMatchObject({ status: 200, body: { alreadyStarted: true } });

    const path = '/api/billing/closes/gavleborg/2019-05';
    const v = await pollUntil(() => ctx.api.get(path), (r) => r.status === 200 && r.body.phase === 'review');
    expect(v.body.preliminary.municipalities.find((m: { municipality: string }) => m.municipality === '2180')).toMatchObject({ lines: 3, totalOre: 4 * 7_800_00 });

    // 2181's line: flagged, retried with the same key → one flag
    const key = newKey('flag');
    const flag = { municipality: '2181', lineRef: '2181-00001', reason: 'WRONG_MUNICIPALITY' };
    const f1 = await ctx.api.post(`${path}/flags`, flag, { 'Idempotency-Key': key });
    const f2 = await ctx.api.post(`${path}/flags`, flag, { 'Idempotency-Key': key });
    expect(f1.status).toBe(200);
    expect(f2.body.flags).toHaveLength(1);
    // the same key with another body: 422, nothing recorded (README "API promises": every write)
    const reused = await ctx.api.post(`${path}/flags`, { ...flag, reason: 'DIED_DURING_STAY' }, { 'Idempotency-Key': key });
    expect([reused.status, reused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await ctx.api.get(path)).body.flags).toHaveLength(1);
    const refused = await ctx.api.post(`${path}/flags`, { ...flag, lineRef: '2181-00002' });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'UNKNOWN_LINE' } } });
    expect((await ctx.api.post(`${path}/flags`, { ...flag, reason: 'NOPE' })).status).toBe(400);
    expect((await ctx.api.post(`${path}/flag-decisions`, { flagId: '2181-00001#1', decision: 'accept' })).status).toBe(200);
    for (const m of gavleborg.municipalities) expect((await ctx.api.post(`${path}/approvals`, { municipality: m.code })).status).toBe(200);

    const done = await pollUntil(() => ctx.api.get(path), (r) => r.body.phase === 'final' && r.body.final !== null);
    expect(done.body.final.totalOre).toBe(4 * 7_800_00);
    expect((await ctx.api.post(`${path}/approvals`, { municipality: '2180' })).status).toBe(409);
    // the close's timeline in every process's shape (issue 18): numbered, when it happened and was recorded, who did it
    const timeline = done.body.timeline as Array<{ seq: number; action: string; occurredAt: string; recordedAt: string; actor?: { userId: string; organisation: string } }>;
    expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline.map((e) => e.action)).toEqual(['frozen', 'flagLine', 'decideFlag', ...gavleborg.municipalities.map(() => 'approveBasis'), 'reviewEnded', 'final']);
    expect(timeline.find((e) => e.action === 'flagLine')).toMatchObject({ actor: { userId: expect.any(String), organisation: expect.any(String) }, occurredAt: expect.any(String), recordedAt: expect.any(String) });

    const inv = await ctx.api.get(`${path}/invoices`);
    expect(inv.body.invoices).toHaveLength(gavleborg.municipalities.length);
    const i2180 = inv.body.invoices.find((i: { municipality: string }) => i.municipality === '2180');
    expect(i2180.lines.map((l: { kind: string; amountOre: number }) => [l.kind, l.amountOre])).toEqual([['individual', 3 * 7_800_00], ['average', 7_800_00]]);
    expect(inv.body.invoices.find((i: { municipality: string }) => i.municipality === '2181').totalOre).toBe(0);

    const csv = await ctx.api.get(`${path}/invoices?format=csv&decimal=comma`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    // fetch's text() drops a BOM: read the bytes
    const raw = Buffer.from(await (await fetch(`${ctx.h.baseUrl}${path}/invoices?format=csv`, { headers: await authHeader({ role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg' }) })).arrayBuffer());
    expect(raw.subarray(0, 3)).toEqual(Buffer.from(BOM, 'utf8'));
    expect(csv.body as string).toContain('gavleborg-2019-05-2180;2180;2019-05;gavleborg-2019;1;individual;2180-00001;');
    expect(csv.body as string).toContain(';3,00;23400,00\r\n');
    const basis = await ctx.api.get(`${path}/basis?format=csv&municipality=2180`);
    expect((basis.body as string).split('\r\n').filter(Boolean)).toHaveLength(4);

    // a later correction: credit note for the individual line, idempotent by key
    const noteKey = newKey('note');
    const note = await ctx.api.post(`/api/billing/invoices/${i2180.invoiceId}/notes`, { reason: 'DIED_DURING_STAY', lineRefs: ['2180-00001'] }, { 'Idempotency-Key': noteKey });
    expect(note.status).toBe(201);
    // without the 10-day line: 3 and 2 days, average 2.5 → 1 day; credit 3 days
    expect(note.body).toMatchObject({ kind: 'credit', amountOre: -3 * 7_800_00 });
    expect((await ctx.api.post(`/api/billing/invoices/${i2180.invoiceId}/notes`, { reason: 'DIED_DURING_STAY', lineRefs: ['2180-00001'] }, { 'Idempotency-Key': noteKey })).body.noteId).toBe(note.body.noteId);
    expect((await ctx.api.post(`/api/billing/invoices/${i2180.invoiceId}/notes`, { reason: 'again', lineRefs: ['2180-00001'] })).body.error.code).toBe('NO_CHANGE');
    // the note's key with another body: 422, no second note (was: the first note, silently)
    const reusedNoteKey = await ctx.api.post(`/api/billing/invoices/${i2180.invoiceId}/notes`, { reason: 'WRONG_MUNICIPALITY', lineRefs: ['2180-00002'] }, { 'Idempotency-Key': noteKey });
    expect([reusedNoteKey.status, reusedNoteKey.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await ctx.api.get(`${path}/invoices?municipality=2180`)).body.invoices[0]).toMatchObject({ totalOre: 4 * 7_800_00, notes: [expect.objectContaining({ kind: 'credit' })] });
  });

  it('simulate: two rule sets over the same episodes in one call, nothing written', async () => {
    await seed(ctx.h.ledger, [
      { region: 'halland', municipality: '1380', periods: [['2019-06-01', '2019-06-06']] }, // 5
      { region: 'halland', municipality: '1380', periods: [['2019-06-06', '2019-06-06']] }, // 0
      { region: 'halland', municipality: '1380', periods: [['2019-06-01', '2019-06-11']] }, // 10
    ]);
    const before = await closes();
    const r = await ctx.api.post('/api/billing/simulate', {
      region: 'halland', from: '2019-06', to: '2019-06', ruleSet: 'law-2017-612', compareWith: { base: 'halland-average-2022', benchmarkHundredths: 150 },
    });
    expect(r.status).toBe(200);
    // law: 2 + 0 + 7 days; average of ≥1-day episodes (5, 10) above 1.5: 15 − 3 = 12 days
    expect(r.body.comparison.find((c: { municipality: string }) => c.municipality === '1380')).toEqual({ municipality: '1380', a: 9 * 7_800_00, b: 12 * 7_800_00, differenceOre: 3 * 7_800_00 });
    expect(r.body.ruleSets).toEqual(['law-2017-612', 'halland-average-2022*']);
    expect(await closes()).toBe(before);
    expect((await ctx.api.post('/api/billing/simulate', { region: 'halland', from: '2019-06', to: '2019-05', ruleSet: 'law-2017-612' })).status).toBe(400);
  });

  it('the schedule: created once per region (idempotent), fired, closes the month that ended', async () => {
    const now = new Date();
    const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const month = prev.toISOString().slice(0, 7);
    await put(`/api/billing/daily-amounts/${prev.getUTCFullYear()}`, { amountOre: 10_000_00, source: 'test' });
    const settings = { closeDay: 5, closeHour: 6, reviewWeekdays: 10 };
    expect(await ensureBillingSchedules(ctx.h.env.client, [gavleborg], ctx.h.taskQueue, settings)).toEqual([billingScheduleId('gavleborg')]);
    expect(await ensureBillingSchedules(ctx.h.env.client, [gavleborg], ctx.h.taskQueue, settings)).toEqual([]);
    const schedule = ctx.h.env.client.schedule.getHandle(billingScheduleId('gavleborg'));
    try {
      await schedule.trigger();
      const close = await pollUntil(() => ctx.api.get(`/api/billing/closes/gavleborg/${month}`), (r) => r.status === 200 && r.body.phase === 'review', 20_000);
      expect(close.body).toMatchObject({ month, ruleSetId: 'gavleborg-2019' });
      await schedule.trigger(); // a second firing starts nothing new
      const again = await ctx.api.post('/api/billing/closes', { region: 'gavleborg', month });
      expect(again.body.alreadyStarted).toBe(true);
    } finally {
      await schedule.delete();
      await ctx.h.env.client.workflow.getHandle(monthlyCloseWorkflowId('gavleborg', month)).terminate('test done').catch(() => undefined);
    }
  });
});
