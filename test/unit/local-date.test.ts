/**
 * The time module (src/domain/local-date.ts) against independent references, over generated
 * instants and dates: luxon's own arithmetic, and Sweden's DST rule written out by hand (the EU
 * rule since 1996: CEST from the last Sunday of March 01:00 UTC to the last Sunday of October
 * 01:00 UTC). DST changes of 2018–2027, leap years and year ends included.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { localDateOf as calendarLocalDateOf, TIME_ZONE } from '../../src/domain/calendar';
import {
  addCalendarDays,
  addClockHours,
  addMonths,
  ageOn,
  calendarDaysBetween,
  clockHoursBetween,
  dayOfWeek,
  endOfLocalDay,
  firstDayOfMonth,
  lastDayOfMonth,
  localDateOf,
  localIsoOf,
  localTimeOf,
  monthOf,
  nextMonth,
  startOfLocalDay,
  stockholmDateOf,
} from '../../src/domain/local-date';

const HOUR = 3_600_000;

/** 01:00 UTC on the last Sunday of `month` (0-based) in `year`: when Sweden's clocks change. */
function dstChange(year: number, month: 2 | 9): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}
/** The reference: Stockholm's UTC offset in hours by the EU rule, written out by hand. */
const offsetHours = (ms: number): number => {
  const year = new Date(ms).getUTCFullYear();
  return ms >= dstChange(year, 2) && ms < dstChange(year, 9) ? 2 : 1;
};
const referenceDateOf = (ms: number): string => new Date(ms + offsetHours(ms) * HOUR).toISOString().slice(0, 10);

const instant = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2199, 11, 31) }).map((ms) => new Date(ms));
/** the DST changes of 2018–2027 (last Sundays of March and October), ±3 hours */
const nearDst = fc
  .tuple(fc.integer({ min: 2018, max: 2027 }), fc.constantFrom(2 as const, 9 as const), fc.integer({ min: -3 * HOUR, max: 3 * HOUR }))
  .map(([y, m, offset]) => new Date(dstChange(y, m) + offset));
/** the year ends of 2018–2027 in Stockholm (23:00 UTC on 31 December), ±3 hours */
const nearYearEnd = fc.tuple(fc.integer({ min: 2018, max: 2027 }), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })).map(([y, offset]) => new Date(Date.UTC(y, 11, 31, 23) + offset));
const anyInstant = fc.oneof(instant, nearDst, nearYearEnd);

const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** from 1996, as `instant`: before it Sweden left summer time on the last Sunday of September, not October */
const date = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2199, 11, 31) }).map(toDate);
/** the days around the DST changes and year ends of 2018–2027 */
const dateNearChange = fc
  .tuple(fc.integer({ min: 2018, max: 2027 }), fc.constantFrom('march', 'october', 'year end'), fc.integer({ min: -2, max: 2 }))
  .map(([y, which, d]) => toDate((which === 'year end' ? Date.UTC(y, 11, 31, 12) : dstChange(y, which === 'march' ? 2 : 9)) + d * 24 * HOUR));
const anyDate = fc.oneof(date, dateNearChange);

describe('the time module: instants and local dates in Europe/Stockholm', () => {
  it('localDateOf = the EU DST rule by hand, for any instant, around every DST change and year end of 2018–2027', () => {
    fc.assert(
      fc.property(anyInstant, (at) => {
        const expected = referenceDateOf(at.getTime());
        return localDateOf(at) === expected && localDateOf(at.toISOString()) === expected && stockholmDateOf(at.toISOString()) === expected;
      }),
      { numRuns: 5_000 },
    );
  });

  it('the calendar module answers with the same function', () => {
    expect(calendarLocalDateOf).toBe(localDateOf);
    expect(stockholmDateOf('not a date')).toBeUndefined();
    expect(() => localDateOf(new Date(NaN))).toThrow(RangeError);
  });

  it('localTimeOf: the wall-clock time by the EU rule; localIsoOf carries the offset in force', () => {
    fc.assert(
      fc.property(anyInstant, (at) => {
        const local = new Date(at.getTime() + offsetHours(at.getTime()) * HOUR);
        const t = localTimeOf(at);
        const iso = localIsoOf(at);
        return (
          t.date === local.toISOString().slice(0, 10) &&
          t.hour === local.getUTCHours() &&
          t.minute === local.getUTCMinutes() &&
          t.time === local.toISOString().slice(11, 16) &&
          iso === `${local.toISOString().slice(0, 23)}+0${offsetHours(at.getTime())}:00` &&
          Date.parse(iso) === at.getTime()
        );
      }),
      { numRuns: 3_000 },
    );
  });

  it('startOfLocalDay / endOfLocalDay: the local midnights; a day lasts 23 h on the last Sunday of March, 25 h on the last Sunday of October', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        const start = startOfLocalDay(d).getTime();
        const end = endOfLocalDay(d).getTime();
        const expectedStart = DateTime.fromISO(d, { zone: TIME_ZONE }).toMillis();
        const march = dstChange(Number(d.slice(0, 4)), 2);
        const october = dstChange(Number(d.slice(0, 4)), 9);
        const hours = start < march && march < end ? 23 : start < october && october < end ? 25 : 24;
        return (
          start === expectedStart &&
          end === startOfLocalDay(addCalendarDays(d, 1)).getTime() &&
          end - start === hours * HOUR &&
          localDateOf(new Date(start)) === d &&
          localDateOf(new Date(end - 1)) === d &&
          localDateOf(new Date(end)) === addCalendarDays(d, 1)
        );
      }),
      { numRuns: 3_000 },
    );
    expect(endOfLocalDay('2026-03-29').getTime() - startOfLocalDay('2026-03-29').getTime()).toBe(23 * HOUR);
    expect(endOfLocalDay('2026-10-25').getTime() - startOfLocalDay('2026-10-25').getTime()).toBe(25 * HOUR);
    expect(localIsoOf(endOfLocalDay('2026-12-31'))).toBe('2027-01-01T00:00:00.000+01:00');
    expect(localIsoOf(endOfLocalDay('2027-03-27'))).toBe('2027-03-28T00:00:00.000+01:00');
    expect(localIsoOf(endOfLocalDay('2027-03-28'))).toBe('2027-03-29T00:00:00.000+02:00');
    expect(() => endOfLocalDay('2027-02-29')).toThrow(RangeError);
  });

  it('addClockHours counts clock hours, not calendar days: 24 h across a DST change ends an hour off the wall clock', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: -1_000, max: 1_000 }), (at, h) => {
        const later = addClockHours(at, h);
        return later.getTime() - at.getTime() === h * HOUR && clockHoursBetween(at.toISOString(), later.toISOString()) === h;
      }),
      { numRuns: 2_000 },
    );
    // 12:00 on Saturday 2026-03-28 (CET) + 24 h = 13:00 on Sunday (CEST)
    expect(localTimeOf(addClockHours('2026-03-28T11:00:00Z', 24)).time).toBe('13:00');
    expect(localTimeOf(addClockHours('2026-10-24T10:00:00Z', 24)).time).toBe('11:00');
    expect(Number.isNaN(clockHoursBetween('no', '2026-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('the time module: calendar dates and months', () => {
  it('addCalendarDays = luxon plus({ days }), and calendarDaysBetween is its inverse', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -800, max: 800 }), (d, n) => {
        const expected = DateTime.fromISO(d, { zone: TIME_ZONE }).plus({ days: n }).toISODate();
        return addCalendarDays(d, n) === expected && calendarDaysBetween(d, addCalendarDays(d, n)) === n;
      }),
      { numRuns: 5_000 },
    );
  });

  it('dayOfWeek = luxon weekday (0 = Sunday)', () => {
    fc.assert(fc.property(anyDate, (d) => dayOfWeek(d) === DateTime.fromISO(d, { zone: TIME_ZONE }).weekday % 7), { numRuns: 2_000 });
  });

  it('months: first and last day, addMonths = luxon plus({ months }), across year ends', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -40, max: 40 }), (d, n) => {
        const m = monthOf(d);
        const start = DateTime.fromISO(firstDayOfMonth(m), { zone: TIME_ZONE });
        return (
          firstDayOfMonth(m) === `${d.slice(0, 7)}-01` &&
          lastDayOfMonth(m) === start.endOf('month').toISODate() &&
          addMonths(m, n) === start.plus({ months: n }).toFormat('yyyy-MM') &&
          nextMonth(m) === addMonths(m, 1)
        );
      }),
      { numRuns: 3_000 },
    );
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2100-02')).toBe('2100-02-28');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
  });

  it('ageOn: whole years; born on 29 February, a year older on 1 March in non-leap years', () => {
    const birthday = (birth: string, year: number) => {
      const md = birth.slice(5);
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      return `${String(year).padStart(4, '0')}-${md === '02-29' && !leap ? '03-01' : md}`;
    };
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        const [birth, on] = a <= b ? [a, b] : [b, a];
        const y = Number(on.slice(0, 4));
        const expected = y - Number(birth.slice(0, 4)) - (on < birthday(birth, y) ? 1 : 0);
        return ageOn(birth, on) === expected && (birth === on || ageOn(on, birth) === undefined);
      }),
      { numRuns: 3_000 },
    );
    expect(ageOn('2000-02-29', '2001-02-28')).toBe(0);
    expect(ageOn('2000-02-29', '2001-03-01')).toBe(1);
    expect(ageOn('2000-02-29', '2004-02-29')).toBe(4);
  });

  it('named cases: a leap day, a year end, the spring DST change', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addCalendarDays('2027-03-28', -1)).toBe('2027-03-27');
    expect(calendarDaysBetween('2027-03-27', '2027-03-29')).toBe(2);
    expect(calendarDaysBetween('2027-01-02', '2027-01-01')).toBe(-1);
    expect(Number.isNaN(calendarDaysBetween('2027-13-01', '2027-01-01'))).toBe(true);
  });
});
