/**
 * Back-registration without false alarms (docs/domain.md §4 Downtime, issue 15): the scenario a new
 * user hit — an episode entered ten days after admission, its admission notice back-registered
 * as sent 23 hours after admission — and the rules around it, on the time-skipping server with
 * the real activities and ledger:
 * - an obligation whose deadline had passed at registration is judged at the end of the grace
 *   period (the end of the first weekday after registration), not at once;
 * - met on time by then: no deviation, no reminder, no escalation, ever;
 * - met late: the deviation is raised with its real times, resolved, never escalated;
 * - not met: raised at the end of the grace period, then the ladder;
 * - a deviation already raised that a later back-registration shows was met on time is
 *   withdrawn, kept on the timeline, and whoever it reached is told;
 * - a ready date after the day the ready message is sent is refused.
 */
import { coordinatorInbox, digestFor } from '../../src/db/escalation';
import { notificationsFor } from '../../src/db/operations';
import { unitInbox } from '../../src/db/worklist';
import { OrganisationSchema } from '../../src/domain/escalation';
import { addWeekdays, admissionNoticeAfterFirstRound, endOfLocalDay, localDateOf } from '../../src/domain/calendar';
import { Episode, episodeInput, eventually, inpatient, municipality, primaryCare, refusalOf, sleepUntil, UNITS } from '../helpers/discharge';
import { useWorkflowTestContext } from '../helpers/temporal';

const ctx = useWorkflowTestContext();
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** the end of the first weekday after the local day of `iso` (the default grace period) */
const graceEnd = (iso: string) => endOfLocalDay(addWeekdays(localDateOf(new Date(iso)), 1)).toISOString();

async function backRegisteredEpisode(daysAgo: number) {
  const admittedAt = plus(await now(), -daysAgo * DAY);
  const registeredAt = await now();
  const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt }));
  return { e, admittedAt, registeredAt };
}

describe('back-registration after a downtime (docs/domain.md §4)', () => {
  it('the reported scenario: admitted ten days ago, notice back-registered as sent after 23 hours → no deviation, no notification, ever', async () => {
    const { e, admittedAt, registeredAt } = await backRegisteredEpisode(10);
    const s0 = await e.state();
    const o = s0.openObligations.find((x) => x.kind === 'sendAdmissionNotice')!;
    expect(o.judgeAt).toBe(graceEnd(registeredAt));
    expect(s0.deviations).toEqual([]);

    const sentAt = plus(admittedAt, 23 * HOUR);
    let s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(admittedAt)), occurredAt: sentAt });
    expect(s.obligations.find((x) => x.kind === 'sendAdmissionNotice')).toMatchObject({ status: 'met', metAt: sentAt });
    // the other parties back-register their acknowledgements after it, the next morning
    await ctx.env.sleep('14 hours');
    const notice = s.messages.find((m) => m.type === 'admissionNotice')!;
    for (const party of notice.recipients) s = await e.act('acknowledge', { messageId: notice.messageId, party, occurredAt: plus(sentAt, 2 * HOUR) });
    s = await e.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A', occurredAt: plus(sentAt, 3 * HOUR) });

    // well past every grace period and escalation period
    await ctx.env.sleep('7 days');
    s = await e.state();
    expect(s.deviations).toEqual([]);
    expect(s.timeline.map((t) => t.action)).not.toContain('deviationRaised');
    for (const unit of [UNITS.inpatient, UNITS.municipality, UNITS.primaryCare]) expect(await notificationsFor(ctx.ledger.db, unit)).toEqual([]);
  });

  it('met late inside the grace period: judged at its end — then raised with its real times, already resolved, never escalated', async () => {
    const { e, admittedAt, registeredAt } = await backRegisteredEpisode(8);
    // late: six hours after its deadline (24 h, or the end of the first medical round's day after a weekend)
    const due = admissionNoticeAfterFirstRound(new Date(admittedAt)).at.toISOString();
    const sentAt = plus(due, 6 * HOUR);
    let s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(admittedAt)), occurredAt: sentAt });
    expect(s.obligations.find((o) => o.kind === 'sendAdmissionNotice')).toMatchObject({ status: 'late', metAt: sentAt });
    expect(s.deviations).toEqual([]); // nothing is raised before the grace period ends
    const judgeAt = graceEnd(registeredAt);
    await sleepUntil(ctx.env, plus(judgeAt, 1000));
    const [d] = await eventually(async () => { const x = (await e.state()).deviations.filter((y) => y.type === 'ADMISSION_NOTICE_LATE'); return x.length ? x : undefined; }, 'the late notice judged');
    expect(d).toMatchObject({ status: 'resolved', resolvedAt: sentAt, deadlineAt: due, escalation: 'none' });
    expect(Date.parse(d.detectedAt)).toBeGreaterThanOrEqual(Date.parse(judgeAt));
    await ctx.env.sleep('7 days');
    s = await e.state();
    expect(s.deviations.find((x) => x.deviationId === d.deviationId)).toMatchObject({ status: 'resolved', escalation: 'none' });
    expect(await notificationsFor(ctx.ledger.db, UNITS.inpatient)).toEqual([]);
  });

  it('not met by the end of the grace period: raised then, not before, with the real deadline; the ladder counts from then', async () => {
    const { e, admittedAt, registeredAt } = await backRegisteredEpisode(8);
    const judgeAt = graceEnd(registeredAt);
    await sleepUntil(ctx.env, plus(judgeAt, -1000));
    expect((await e.state()).deviations).toEqual([]);
    await sleepUntil(ctx.env, plus(judgeAt, 1000));
    const [d] = await eventually(async () => { const x = (await e.state()).deviations; return x.length ? x : undefined; }, 'deviation at the end of the grace period');
    expect(d).toMatchObject({ type: 'ADMISSION_NOTICE_LATE', status: 'open', escalation: 'reminded', deadlineAt: admissionNoticeAfterFirstRound(new Date(admittedAt)).at.toISOString() });
    expect(Date.parse(d.detectedAt)).toBeGreaterThanOrEqual(Date.parse(judgeAt));
    // escalated one escalation period after the end of the grace period, not at once
    expect(Date.parse(d.escalateAt!)).toBeGreaterThan(Date.parse(judgeAt));
  });

  it('a deviation shown by a later back-registration to have been met on time is withdrawn, and whoever it reached is told', async () => {
    const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: await now() }));
    const sentAt = await now();
    let s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(sentAt)) });
    const notice = s.messages.find((m) => m.type === 'admissionNotice')!;
    const ack = s.openObligations.find((o) => o.messageId === notice.messageId && o.responsible.kind === 'municipality')!;
    // the acknowledgement deadline passes; the deviation is raised, reminded, then escalated
    await sleepUntil(ctx.env, plus(ack.dueAt, 1000));
    const [d] = await eventually(async () => { const x = (await e.state()).deviations.filter((y) => y.obligationId === ack.obligationId); return x.length ? x : undefined; }, 'ACK_MISSING');
    await sleepUntil(ctx.env, plus(d.escalateAt!, 1000));
    await eventually(async () => (await e.state()).deviations.find((y) => y.deviationId === d.deviationId)?.escalation === 'escalated', 'escalation');
    // until withdrawn it is in the municipality's worklist and its coordinators' inbox and digest
    const kommun = OrganisationSchema.parse({ id: 'kommun-1380', name: 'Halmstads kommun', municipalities: [UNITS.municipality] });
    const listed = async () => {
      const at = await now();
      const [unit, coordinators, digest] = await Promise.all([unitInbox(ctx.ledger.db, UNITS.municipality), coordinatorInbox(ctx.ledger.db, kommun, { limit: 500 }), digestFor(ctx.ledger.db, kommun, at, plus(at, DAY), 500)]);
      return {
        unit: unit.deviations.some((x) => x.deviation_id === d.deviationId),
        coordinators: coordinators.items.some((x) => x.deviation_id === d.deviationId),
        digest: digest.escalations.some((x) => x.deviation_id === d.deviationId),
      };
    };
    await eventually(async () => { const l = await listed(); return l.unit && l.coordinators && l.digest ? l : undefined; }, 'the escalated deviation in the inboxes');

    // the municipality had acknowledged by phone before the deadline: back-registered now
    const ackedAt = plus(sentAt, HOUR);
    s = await e.act('acknowledge', { messageId: notice.messageId, party: municipality, occurredAt: ackedAt });
    const w = s.deviations.find((y) => y.deviationId === d.deviationId)!;
    expect(w).toMatchObject({ status: 'withdrawn', escalation: 'escalated' });
    expect(Date.parse(w.withdrawnAt!)).toBeGreaterThan(Date.parse(w.deadlineAt));
    expect(w.resolvedAt).toBeUndefined();
    expect(s.timeline.filter((t) => t.deviationId === d.deviationId).map((t) => t.action)).toEqual(['deviationRaised', 'deviationEscalated', 'deviationWithdrawn']);
    const notes = await eventually(async () => { const n = (await notificationsFor(ctx.ledger.db, UNITS.municipality)).filter((x) => x.deviation_id === d.deviationId); return n.length === 3 ? n : undefined; }, 'withdrawal notice');
    expect(notes.map((n) => n.kind)).toEqual(['reminder', 'escalation', 'withdrawal']);
    // the ledger has it withdrawn: out of every count that reads open deviations
    const row = await eventually(async () => { const r = await ctx.ledger.db.selectFrom('deviations').selectAll().where('deviation_id', '=', d.deviationId).executeTakeFirst(); return r?.status === 'withdrawn' ? r : undefined; }, 'withdrawn in the ledger');
    expect(row.withdrawn_at).not.toBeNull();
    // withdrawn: out of the unit's worklist, the coordinators' inbox and their digest (the indicators: test/unit/indicators-ledger.test.ts)
    expect(await listed()).toEqual({ unit: false, coordinators: false, digest: false });
  });

  it('a ready date after the day the ready message is sent is refused; today is accepted', async () => {
    const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: plus(await now(), -2 * DAY) }));
    const today = localDateOf(new Date(await now()));
    const tomorrow = localDateOf(new Date(Date.parse(await now()) + DAY));
    const before = await e.state();
    const r = await refusalOf(e.act('markReady', { readyDate: tomorrow }));
    expect(r.code).toBe('READY_DATE_IN_FUTURE');
    expect((await e.state()).version).toBe(before.version);
    // back-registered: the date is judged against the day it was really sent
    const yesterday = plus(await now(), -DAY);
    expect((await refusalOf(e.act('markReady', { readyDate: today, occurredAt: yesterday }))).code).toBe('READY_DATE_IN_FUTURE');
    const s = await e.act('markReady', { readyDate: today });
    expect(s.status).toBe('readyForDischarge');
    expect(inpatient.kind).toBe('inpatient');
  });

  // Found by the model run on the workflows (seed 232929855): an acknowledgement back-dated to
  // before its message was sent was accepted, and counted as met on time.
  it('regression: an acknowledgement back-dated to before the message was sent is refused (ACKNOWLEDGED_BEFORE_SENT)', async () => {
    const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: plus(await now(), -5 * HOUR) }));
    const sentAt = plus(await now(), -2 * HOUR);
    const s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(sentAt)), occurredAt: sentAt });
    const notice = s.messages.find((m) => m.type === 'admissionNotice')!;
    const r = await refusalOf(e.act('acknowledge', { messageId: notice.messageId, party: municipality, occurredAt: plus(sentAt, -HOUR) }));
    expect(r.code).toBe('ACKNOWLEDGED_BEFORE_SENT');
    expect((await e.state()).version).toBe(s.version);
    expect((await e.act('acknowledge', { messageId: notice.messageId, party: municipality, occurredAt: sentAt })).obligations.find((o) => o.messageId === notice.messageId && o.responsible.kind === 'municipality')?.status).toBe('met');
  });
});
