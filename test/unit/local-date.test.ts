/**
 * The workflow-safe date functions (src/domain/local-date.ts, no time-zone data) against the
 * calendar module (luxon with Europe/Stockholm), over generated instants and dates: DST changes,
 * leap years and year ends included.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { localDateOf, TIME_ZONE } from '../../src/domain/calendar';
import { addCalendarDays, calendarDaysBetween, stockholmDateOf } from '../../src/domain/local-date';

const instant = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2199, 11, 31) }).map((ms) => new Date(ms));
/** around the DST changes: the last Sundays of March and October, ±3 hours */
const nearDst = fc
  .tuple(fc.integer({ min: 1996, max: 2199 }), fc.constantFrom(2, 9), fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }))
  .map(([y, m, offset]) => {
    const last = new Date(Date.UTC(y, m + 1, 0));
    return new Date(Date.UTC(y, m, last.getUTCDate() - last.getUTCDay(), 1) + offset);
  });
const date = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2199, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));

describe('local dates without time-zone data agree with the calendar module', () => {
  it('stockholmDateOf = localDateOf (luxon), for any instant and around every DST change', () => {
    fc.assert(fc.property(fc.oneof(instant, nearDst), (at) => stockholmDateOf(at.toISOString()) === localDateOf(at)), { numRuns: 5_000 });
  });

  it('addCalendarDays = luxon plus({ days }), and calendarDaysBetween is its inverse', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: -800, max: 800 }), (d, n) => {
        const expected = DateTime.fromISO(d, { zone: TIME_ZONE }).plus({ days: n }).toISODate();
        return addCalendarDays(d, n) === expected && calendarDaysBetween(d, addCalendarDays(d, n)) === n;
      }),
      { numRuns: 5_000 },
    );
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
