/**
 * Calendar-sensitive deadlines of the discharge workflow on the time-skipping server, with a
 * clock of their own (this file's server): an invitation sent at 14:00 and at 14:01 on a Monday
 * (001 §6.1 step 6a), and a message sent the day before Christmas Eve. The dates are the next
 * ones after the day the suite runs, so the test never depends on today's date; the expected
 * weekdays are asserted by hand, not only through the calendar module.
 */
import { DateTime } from 'luxon';
import { acknowledgementDeadline, localDateOf } from '../../src/domain/calendar';
import { Episode, episodeInput, eventually, primaryCare, sleepUntil } from '../helpers/discharge';
import { useWorkflowTestContext } from '../helpers/temporal';

const ctx = useWorkflowTestContext();
const ZONE = 'Europe/Stockholm';
const now = async () => DateTime.fromMillis(await ctx.env.currentTimeMs(), { zone: ZONE });
const weekday = (date: string) => DateTime.fromISO(date, { zone: ZONE }).toFormat('cccc');

async function episodeWithPlanning(admittedAt: string) {
  const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt }));
  await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(admittedAt)) });
  await e.act('planningNeeded', { flow: 'a', consent: 'given' });
  return e;
}

describe('the 14:00 rule and Christmas on the durable timers', () => {
  it('an invitation sent on a Monday at 14:00 is due Tuesday, at 14:01 Wednesday; the deviation comes exactly then', async () => {
    // the next Monday at least a day away, 13:00 local
    let monday = (await now()).plus({ days: 1 }).startOf('day');
    while (monday.weekday !== 1 || !isPlainWeek(monday)) monday = monday.plus({ days: 1 });
    await sleepUntil(ctx.env, monday.set({ hour: 13 }).toUTC().toISO()!);
    const admittedAt = monday.set({ hour: 8 }).toUTC().toISO()!;
    const [at1400, at1401] = [await episodeWithPlanning(admittedAt), await episodeWithPlanning(admittedAt)];

    await sleepUntil(ctx.env, monday.set({ hour: 14, minute: 1, second: 30 }).toUTC().toISO()!);
    const invite = (e: Episode, hhmm: [number, number]) =>
      e.act('sendInvitation', {
        sender: primaryCare,
        meetingAt: monday.plus({ days: 3 }).set({ hour: 10 }).toUTC().toISO()!,
        place: 'Avdelning 1',
        mode: 'inPerson',
        location: 'hospital',
        inviteInpatient: false,
        occurredAt: monday.set({ hour: hhmm[0], minute: hhmm[1] }).toUTC().toISO()!,
      });
    const due = async (e: Episode, hhmm: [number, number]) => {
      const s = await invite(e, hhmm);
      const inv = s.messages.find((m) => m.type === 'planningInvitation')!;
      return s.openObligations.find((o) => o.messageId === inv.messageId)!;
    };
    const d1400 = await due(at1400, [14, 0]);
    const d1401 = await due(at1401, [14, 1]);
    expect(weekday(d1400.dueLocalDate)).toBe('Tuesday');
    expect(weekday(d1401.dueLocalDate)).toBe('Wednesday');
    expect(d1400.dueLocalDate).toBe(monday.plus({ days: 1 }).toISODate());
    expect(d1401.dueLocalDate).toBe(monday.plus({ days: 2 }).toISODate());

    // Tuesday 23:59:59 local: the 14:00 invitation is not late yet; at midnight it is
    await sleepUntil(ctx.env, new Date(Date.parse(d1400.dueAt) - 1000).toISOString());
    expect((await at1400.state()).deviations).toEqual([]);
    await sleepUntil(ctx.env, new Date(Date.parse(d1400.dueAt) + 1000).toISOString());
    await eventually(async () => (await at1400.state()).deviations.some((d) => d.type === 'ACK_MISSING' && d.obligationId === d1400.obligationId), 'ACK_MISSING for the 14:00 invitation');
    // the 14:01 one still has a day
    expect((await at1401.state()).deviations.filter((d) => d.obligationId === d1401.obligationId)).toEqual([]);
    await sleepUntil(ctx.env, new Date(Date.parse(d1401.dueAt) + 1000).toISOString());
    await eventually(async () => (await at1401.state()).deviations.some((d) => d.obligationId === d1401.obligationId), 'ACK_MISSING for the 14:01 invitation');
  });

  it('a message sent the day before Christmas Eve is due at the end of the first weekday after Christmas', async () => {
    const today = await now();
    let year = today.year;
    if (today >= DateTime.fromObject({ year, month: 12, day: 23, hour: 9 }, { zone: ZONE })) year += 1;
    const sentAt = DateTime.fromObject({ year, month: 12, day: 23, hour: 10 }, { zone: ZONE });
    await sleepUntil(ctx.env, sentAt.toUTC().toISO()!);
    const e = await Episode.start(ctx.env, ctx.taskQueue, episodeInput({ admittedAt: sentAt.minus({ hours: 1 }).toUTC().toISO()! }));
    const s = await e.act('admissionNotice', { expectedReadyDate: sentAt.toISODate()! });
    const ack = s.openObligations.find((o) => o.kind === 'acknowledge')!;
    // julafton (24th), juldagen (25th), annandag jul (26th) and any weekend are not weekdays
    expect(ack.dueLocalDate > `${year}-12-26`).toBe(true);
    expect(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']).toContain(weekday(ack.dueLocalDate));
    expect(ack.dueAt).toBe(acknowledgementDeadline(sentAt.toJSDate()).at.toISOString());
    if (year === 2026) expect(ack.dueLocalDate).toBe('2026-12-28'); // docs/domain.md §3's example year

    await sleepUntil(ctx.env, DateTime.fromISO(`${year}-12-27T23:00`, { zone: ZONE }).toUTC().toISO()!);
    expect((await e.state()).deviations.filter((d) => d.type === 'ACK_MISSING')).toEqual([]);
    await sleepUntil(ctx.env, new Date(Date.parse(ack.dueAt) + 1000).toISOString());
    await eventually(async () => (await e.state()).deviations.some((d) => d.type === 'ACK_MISSING'), 'ACK_MISSING after Christmas');
  });
});

/** A Monday whose Tuesday and Wednesday are ordinary weekdays (no holiday shifts the expectation). */
function isPlainWeek(monday: DateTime): boolean {
  return [0, 1, 2].every((d) => {
    const day = monday.plus({ days: d }).toISODate()!;
    // the next weekday after each day must be the very next day
    return acknowledgementDeadline(monday.plus({ days: d, hours: 10 }).toJSDate()).localDate === monday.plus({ days: d + 1 }).toISODate() || day === '';
  });
}
