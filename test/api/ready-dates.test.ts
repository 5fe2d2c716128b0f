/**
 * Issue 15 "No poison pills", through the HTTP API: a ready date after the day the ready message is
 * sent is refused with 409 and a code (a future date belongs in the admission notice as the
 * preliminary ready date, docs/domain.md §7), and so is a withdrawal of ready dated after the
 * day it is sent; a refusal records nothing. The date is judged against the day the message was
 * really sent (`occurredAt`), not the day it is entered.
 */
import { isoPlus, pollUntil, startBody, stockholmDate, useApi } from '../helpers/api';

const ctx = useApi();
const DAY = 24 * 3_600_000;

async function refused(episodeId: string, path: string, body: unknown, code: string): Promise<void> {
  const before = (await ctx.api.get(`/api/episodes/${episodeId}`)).body;
  const r = await ctx.api.post(`/api/episodes/${episodeId}/${path}`, body);
  expect([r.status, r.body.error?.code]).toEqual([409, code]);
  expect(r.body.error.message).toMatch(/.{20,}/);
  const after = (await ctx.api.get(`/api/episodes/${episodeId}`)).body;
  expect([after.version, after.timeline.length, after.status]).toEqual([before.version, before.timeline.length, before.status]);
}

describe('ready dates after the day they are sent: 409 with a code, nothing recorded', () => {
  it('mark ready and withdraw ready: tomorrow refused, today accepted; a back-dated message is judged by its own day', async () => {
    const start = await ctx.api.post('/api/episodes', startBody({ admittedAt: isoPlus(-3 * DAY) }));
    expect(start.status).toBe(201);
    const id = start.body.episodeId as string;
    await pollUntil(() => ctx.api.get(`/api/episodes/${id}`).then((x) => x.body), (b: any) => b?.status === 'admitted' && Array.isArray(b.obligations));
    const today = stockholmDate();
    const tomorrow = stockholmDate(new Date(Date.now() + DAY));

    await refused(id, 'ready', { readyDate: tomorrow }, 'READY_DATE_IN_FUTURE');
    // sent yesterday (back-registered): today's date was then in the future
    await refused(id, 'ready', { readyDate: today, occurredAt: isoPlus(-DAY) }, 'READY_DATE_IN_FUTURE');
    const ready = await ctx.api.post(`/api/episodes/${id}/ready`, { readyDate: today });
    expect([ready.status, ready.body.status]).toEqual([200, 'readyForDischarge']);

    await refused(id, 'ready/withdraw', { date: tomorrow, reason: 'Försämrat allmäntillstånd' }, 'WITHDRAWAL_DATE_IN_FUTURE');
    const withdrawn = await ctx.api.post(`/api/episodes/${id}/ready/withdraw`, { date: today, reason: 'Försämrat allmäntillstånd' });
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'admitted']);
  });
});
