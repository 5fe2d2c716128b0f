/**
 * The discharge rules read again from the seeds (issue 16), on the time-skipping server:
 * - 001 step 3: a named care contact is owed only where coordinated planning with a SIP is needed
 *   (flow (a); for a psychiatric stay by both units); an existing contact is confirmed;
 * - 001 step 4: without consent the general message is not sent;
 * - 001 §5/step 7: the sender withdraws an invitation or moves the meeting; each change is a
 *   message to acknowledge, a withdrawn invitation owes none, a meeting outside weekdays,
 *   daytime is accepted with a warning;
 * - 001 step 8 criterion 2: the final ready date, not the preliminary one nor a withdrawn one;
 * - 001 §6.1 step 2: "… eller efter första medicinska ronden";
 * - 002: the planning basis is a document of its own; the treatment plan is sent to the parties;
 *   under the 2027 agreement the patient is marked ready only on the day they can go home.
 */
import { getEpisode } from '../../src/db/ledger';
import { admissionNoticeAfterFirstRound, admissionNoticeDeadline, isWeekday, localDateOf } from '../../src/domain/calendar';
import { DateTime } from 'luxon';
import { Episode, episodeInput, eventually, municipality, primaryCare, psychiatricOutpatient, refusalOf, sleepUntil, UNITS, inpatient } from '../helpers/discharge';
import { useWorkflowTestContext } from '../helpers/temporal';

const ctx = useWorkflowTestContext();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = async () => new Date(await ctx.env.currentTimeMs()).toISOString();
const today = async () => localDateOf(new Date(await ctx.env.currentTimeMs()));
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const start = async (o: Partial<Parameters<typeof episodeInput>[0]> = {}) => Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: await now(), ...o }));

describe('named care contact (001 step 3)', () => {
  it('flows (b) and (c) owe none, ever; flow (a) owes one by primary care; a psychiatric stay by both units', async () => {
    for (const flow of ['b', 'c'] as const) {
      const e = await start();
      await e.act('admissionNotice', { expectedReadyDate: await today() });
      const s = await e.act('planningNeeded', { flow, consent: 'given' });
      expect(s.obligations.filter((o) => o.kind === 'appointNamedCareContact')).toEqual([]);
    }
    const a = await start();
    await a.act('admissionNotice', { expectedReadyDate: await today() });
    expect((await a.state()).obligations.filter((o) => o.kind === 'appointNamedCareContact')).toEqual([]);
    let s = await a.act('planningNeeded', { flow: 'a', consent: 'given' });
    expect(s.openObligations.filter((o) => o.kind === 'appointNamedCareContact').map((o) => o.responsible)).toEqual([primaryCare]);
    s = await a.act('appointNamedCareContact', { party: primaryCare, contact: 'Distriktssköterska A', existing: true });
    expect(s.namedCareContacts).toEqual([expect.objectContaining({ party: primaryCare, confirmed: true })]);
    expect(s.timeline.at(-1)!.summary).toMatch(/confirmed/);
    expect(s.openObligations.filter((o) => o.kind === 'appointNamedCareContact')).toEqual([]);

    const psych = await start({ psychiatric: true, psychiatricOutpatientUnit: UNITS.psychiatricOutpatient });
    await psych.act('admissionNotice', { expectedReadyDate: await today() });
    s = await psych.act('planningNeeded', { flow: 'a', consent: 'declined', formOfCare: 'HSL' });
    // "Detta förutsätter inte samtycke": owed even without consent
    expect(s.openObligations.filter((o) => o.kind === 'appointNamedCareContact').map((o) => o.responsible)).toEqual([primaryCare, psychiatricOutpatient]);

    // a week later: only flow (a) raised NAMED_CONTACT_MISSING (the psychiatric one, twice)
    await ctx.env.sleep('7 days');
    expect((await psych.state()).deviations.filter((d) => d.type === 'NAMED_CONTACT_MISSING').map((d) => d.responsible)).toEqual([primaryCare, psychiatricOutpatient]);
  });
});

describe('consent declined (001 step 4)', () => {
  it('the general message is not sent; the process still runs to discharge', async () => {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: await today() });
    const s = await e.act('planningNeeded', { flow: 'a', consent: 'declined' });
    expect(s.planning).toMatchObject({ flow: 'a', consent: 'declined' });
    expect(s.messages.filter((m) => m.type === 'planningNeeded')).toEqual([]);
    await e.act('markReady', { readyDate: await today() });
    expect((await e.act('discharge', { sendNotice: true })).status).toBe('discharged');
  });
});

describe('the invitation (kallelse) withdrawn or moved by its sender (001 §5, step 7)', () => {
  async function invited() {
    const e = await start();
    await e.act('admissionNotice', { expectedReadyDate: await today() });
    await e.act('planningNeeded', { flow: 'a', consent: 'given' });
    // the next weekday after tomorrow, 10:00 local
    let day = DateTime.fromISO(await now(), { zone: 'Europe/Stockholm' }).plus({ days: 2 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    while (!isWeekday(day.toISODate()!)) day = day.plus({ days: 1 });
    const s = await e.act('sendInvitation', { sender: primaryCare, meetingAt: day.toUTC().toISO()!, place: 'VC', mode: 'inPerson', location: 'healthCentre', inviteInpatient: true });
    expect((s as { warnings?: string[] }).warnings).toBeUndefined();
    return { e, s, day };
  }

  it('moved: the earlier acknowledgements end, the moved invitation is acknowledged anew; a Saturday meeting is accepted with a warning', async () => {
    const { e, s: before, day } = await invited();
    const original = before.messages.find((m) => m.type === 'planningInvitation')!;
    expect((await refusalOf(e.act('moveInvitation', { sender: municipality, meetingAt: day.plus({ days: 1 }).toUTC().toISO()! }))).code).toBe('NOT_THE_SENDER');
    let saturday = day;
    while (saturday.weekday !== 6) saturday = saturday.plus({ days: 1 });
    const s = await e.act('moveInvitation', { sender: primaryCare, meetingAt: saturday.toUTC().toISO()! });
    expect((s as { warnings?: string[] }).warnings?.[0]).toMatch(/not on a weekday/);
    expect(s.invitations[0]).toMatchObject({ status: 'sent', meetingAt: saturday.toUTC().toISO(), moves: [expect.objectContaining({ from: day.toUTC().toISO() })] });
    expect(s.obligations.filter((o) => o.messageId === original.messageId).map((o) => o.status)).toEqual(['cancelled', 'cancelled']);
    const moved = s.messages.find((m) => m.type === 'invitationMoved')!;
    expect(moved.recipients).toEqual([municipality, inpatient]);
    expect(s.openObligations.filter((o) => o.messageId === moved.messageId)).toHaveLength(2);
    // a second invitation is still refused while one is booked: move or withdraw it
    expect((await refusalOf(e.act('sendInvitation', { sender: primaryCare, meetingAt: saturday.toUTC().toISO()!, place: 'VC', mode: 'inPerson', location: 'healthCentre', inviteInpatient: false }))).code).toBe('INVITATION_ALREADY_SENT');
  });

  it('withdrawn: owes no acknowledgement; the withdrawal is a message to acknowledge; a new invitation can then be sent', async () => {
    const { e, s: before, day } = await invited();
    const original = before.messages.find((m) => m.type === 'planningInvitation')!;
    let s = await e.act('withdrawInvitation', { sender: primaryCare, reason: 'Patienten infekterad' });
    expect(s.invitations[0]).toMatchObject({ status: 'withdrawn', withdrawalReason: 'Patienten infekterad' });
    expect(s.obligations.filter((o) => o.messageId === original.messageId).map((o) => o.status)).toEqual(['cancelled', 'cancelled']);
    const w = s.messages.find((m) => m.type === 'invitationWithdrawn')!;
    expect(s.openObligations.filter((o) => o.messageId === w.messageId).map((o) => o.responsible)).toEqual([municipality, inpatient]);
    expect((await refusalOf(e.act('withdrawInvitation', { sender: primaryCare, reason: 'igen' }))).code).toBe('NO_SUCH_INVITATION');
    s = await e.act('sendInvitation', { sender: primaryCare, meetingAt: day.plus({ days: 1 }).toUTC().toISO()!, place: 'VC', mode: 'phone', location: 'home', inviteInpatient: false });
    expect(s.invitations.map((i) => i.status)).toEqual(['withdrawn', 'sent']);
  });
});

describe('hemgångsklar criterion 2 (001 step 8)', () => {
  it('is the final ready date: not the preliminary date, not a withdrawn ready period', async () => {
    const e = await start({ admittedAt: plus(await now(), -2 * DAY) });
    let s = await e.act('admissionNotice', { expectedReadyDate: await today() });
    expect(s.checklist.criteria.readyDateSet).toBe(false);
    s = await e.act('markReady', { readyDate: await today() });
    expect(s.checklist.criteria.readyDateSet).toBe(true);
    s = await e.act('withdrawReadiness', { date: await today(), reason: 'Feber' });
    expect(s.checklist.criteria.readyDateSet).toBe(false);
  });
});

describe('the admission notice after the first medical round (001 §6.1 step 2)', () => {
  it('admitted on a Saturday: not late on Sunday; due by the end of Monday (the assumed round)', async () => {
    let saturday = DateTime.fromISO(await now(), { zone: 'Europe/Stockholm' }).plus({ days: 1 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
    while (saturday.weekday !== 6) saturday = saturday.plus({ days: 1 });
    await sleepUntil(ctx.env, saturday.toUTC().toISO()!);
    const e = await start({ admittedAt: saturday.toUTC().toISO()! });
    const o = (await e.state()).openObligations.find((x) => x.kind === 'sendAdmissionNotice')!;
    const expected = admissionNoticeAfterFirstRound(saturday.toJSDate());
    expect(o.dueAt).toBe(expected.at.toISOString());
    expect(Date.parse(o.dueAt)).toBeGreaterThan(admissionNoticeDeadline(saturday.toJSDate()).at.getTime());
    expect(isWeekday(o.dueLocalDate)).toBe(true);
    // Sunday evening: no deviation
    await sleepUntil(ctx.env, saturday.plus({ days: 1, hours: 10 }).toUTC().toISO()!);
    expect((await e.state()).deviations).toEqual([]);
  });

  it('a recorded round later than 24 h moves the deadline to the end of its day', async () => {
    let monday = DateTime.fromISO(await now(), { zone: 'Europe/Stockholm' }).plus({ days: 1 }).set({ hour: 7, minute: 0, second: 0, millisecond: 0 });
    while (monday.weekday !== 1 || !isWeekday(monday.plus({ days: 1 }).toISODate()!)) monday = monday.plus({ days: 1 });
    await sleepUntil(ctx.env, monday.plus({ days: 1, hours: 2 }).toUTC().toISO()!);
    const e = await start({ admittedAt: monday.toUTC().toISO()! });
    // the round on Tuesday at 09:00, after the 24 hours ended at 07:00
    const s = await e.act('recordFirstMedicalRound', { occurredAt: monday.plus({ days: 1, hours: 2 }).toUTC().toISO()! });
    const o = s.openObligations.find((x) => x.kind === 'sendAdmissionNotice')!;
    expect(o.dueLocalDate).toBe(monday.plus({ days: 1 }).toISODate());
    expect(o.dueAt).toBe(monday.plus({ days: 2 }).startOf('day').toUTC().toISO());
    expect(s.firstMedicalRoundAt).toBeDefined();
    expect((await refusalOf(e.act('recordFirstMedicalRound', {}))).code).toBe('ALREADY_RECORDED');
  });
});

describe('the 2027 agreement (002)', () => {
  it('the planning basis is its own document in the ledger; the treatment plan goes to the parties; ready only on the day the patient can go home', async () => {
    // into 2027 (the time-skipping clock only moves forward)
    const jan = '2027-01-11T08:00:00+01:00';
    if (Date.parse(await now()) < Date.parse(jan)) await sleepUntil(ctx.env, new Date(jan).toISOString());
    const e = await start({ admittedAt: plus(await now(), -DAY), region: 'halland', agreements: [{ ruleSetId: 'halland-2027', from: '2027-01-01', requiresTreatmentPlan: true }] });
    const prelim = localDateOf(new Date(Date.parse(await now()) + 3 * DAY));
    let s = await e.act('admissionNotice', { expectedReadyDate: prelim });
    s = await e.act('recordPlanningBasis', { date: await today() });
    expect(s.planningBasis).toMatchObject({ date: await today() });
    expect(s.messages.find((m) => m.type === 'planningBasis')!.recipients).toEqual([municipality, primaryCare]);
    s = await e.act('recordTreatmentPlan', {});
    expect(s.messages.find((m) => m.type === 'treatmentPlan')!.messageId).toBe(s.treatmentPlan!.messageId);
    const yesterday = localDateOf(new Date(Date.parse(await now()) - DAY));
    expect((await refusalOf(e.act('markReady', { readyDate: yesterday }))).code).toBe('READY_NOT_TODAY');
    s = await e.act('markReady', { readyDate: await today() });
    expect(s.status).toBe('readyForDischarge');
    // the ledger's checkpoint is the planning basis's own date, not the preliminary ready date
    await eventually(async () => (await getEpisode(ctx.ledger.db, s.episodeId))?.planningBasisDate === (await today()), 'planning basis in the ledger');
  });

  it('under the 2027 agreement a ready date from before it began is refused too: the press day decides, not the ready date', async () => {
    const jan = '2027-01-11T08:00:00+01:00';
    if (Date.parse(await now()) < Date.parse(jan)) await sleepUntil(ctx.env, new Date(jan).toISOString());
    const e = await start({ admittedAt: '2026-12-20T09:00:00+01:00', region: 'halland', agreements: [
      { ruleSetId: 'halland-average-2023-discount', from: '2023-11-01', to: '2026-12-31', requiresTreatmentPlan: false },
      { ruleSetId: 'halland-2027', from: '2027-01-01', requiresTreatmentPlan: true },
    ] });
    await e.act('admissionNotice', { expectedReadyDate: '2026-12-31' });
    // a ready date of 2026 (under the 2023 agreement) pressed in 2027: before, accepted without a treatment plan
    expect((await refusalOf(e.act('markReady', { readyDate: '2026-12-31' }))).code).toBe('READY_NOT_TODAY');
    await e.act('recordTreatmentPlan', {});
    expect((await e.act('markReady', { readyDate: await today() })).status).toBe('readyForDischarge');
  });
});
