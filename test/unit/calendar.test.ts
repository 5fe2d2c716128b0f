/**
 * The business calendar (docs/domain.md §3) tested against known dates.
 *
 * Every expected value below was written by hand from a real calendar (and the Swedish holiday
 * law, Lag 1989:253 / Lag 1930:173), never computed with the module under test. The exhaustive
 * loops compare the module with an independent reference built only from the hand-written holiday
 * table below and the day of the week of a plain UTC date.
 */
import { DateTime } from 'luxon';
import {
  DEADLINE_RULES,
  DEFAULT_CALENDAR_OPTIONS,
  TIME_ZONE,
  acknowledgementDeadline,
  addWeekdays,
  admissionNoticeDeadline,
  computeDeadline,
  endOfLocalDay,
  invitationDeadline,
  isValidLocalDate,
  isWeekday,
  localDateOf,
  medicineSuppliedUntil,
  nextWeekday,
  nonWeekdayReason,
  readyDays,
  type Deadline,
  type DeadlineRule,
  type LocalDate,
} from '../../src/domain/calendar';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): Date => new Date(iso);

// -------------------------------------------------------------------------------------------------
// Hand-written reference: every non-weekday holiday (public + julafton, midsommarafton, nyårsafton)
// 2024–2028 and the first days of 2029, with the day of the week written out.
// -------------------------------------------------------------------------------------------------
const HOLIDAYS: ReadonlyArray<readonly [LocalDate, string, string]> = [
  // 2024 (Easter Sunday 2024-03-31)
  ['2024-01-01', 'Mon', 'nyårsdagen'],
  ['2024-01-06', 'Sat', 'trettondedag jul'],
  ['2024-03-29', 'Fri', 'långfredagen'],
  ['2024-03-31', 'Sun', 'påskdagen'],
  ['2024-04-01', 'Mon', 'annandag påsk'],
  ['2024-05-01', 'Wed', 'första maj'],
  ['2024-05-09', 'Thu', 'Kristi himmelsfärdsdag'],
  ['2024-05-19', 'Sun', 'pingstdagen'],
  ['2024-06-06', 'Thu', 'nationaldagen'],
  ['2024-06-21', 'Fri', 'midsommarafton'],
  ['2024-06-22', 'Sat', 'midsommardagen'],
  ['2024-11-02', 'Sat', 'alla helgons dag'],
  ['2024-12-24', 'Tue', 'julafton'],
  ['2024-12-25', 'Wed', 'juldagen'],
  ['2024-12-26', 'Thu', 'annandag jul'],
  ['2024-12-31', 'Tue', 'nyårsafton'],
  // 2025 (Easter Sunday 2025-04-20)
  ['2025-01-01', 'Wed', 'nyårsdagen'],
  ['2025-01-06', 'Mon', 'trettondedag jul'],
  ['2025-04-18', 'Fri', 'långfredagen'],
  ['2025-04-20', 'Sun', 'påskdagen'],
  ['2025-04-21', 'Mon', 'annandag påsk'],
  ['2025-05-01', 'Thu', 'första maj'],
  ['2025-05-29', 'Thu', 'Kristi himmelsfärdsdag'],
  ['2025-06-06', 'Fri', 'nationaldagen'],
  ['2025-06-08', 'Sun', 'pingstdagen'],
  ['2025-06-20', 'Fri', 'midsommarafton'],
  ['2025-06-21', 'Sat', 'midsommardagen'],
  ['2025-11-01', 'Sat', 'alla helgons dag'],
  ['2025-12-24', 'Wed', 'julafton'],
  ['2025-12-25', 'Thu', 'juldagen'],
  ['2025-12-26', 'Fri', 'annandag jul'],
  ['2025-12-31', 'Wed', 'nyårsafton'],
  // 2026 (Easter Sunday 2026-04-05)
  ['2026-01-01', 'Thu', 'nyårsdagen'],
  ['2026-01-06', 'Tue', 'trettondedag jul'],
  ['2026-04-03', 'Fri', 'långfredagen'],
  ['2026-04-05', 'Sun', 'påskdagen'],
  ['2026-04-06', 'Mon', 'annandag påsk'],
  ['2026-05-01', 'Fri', 'första maj'],
  ['2026-05-14', 'Thu', 'Kristi himmelsfärdsdag'],
  ['2026-05-24', 'Sun', 'pingstdagen'],
  ['2026-06-06', 'Sat', 'nationaldagen'],
  ['2026-06-19', 'Fri', 'midsommarafton'],
  ['2026-06-20', 'Sat', 'midsommardagen'],
  ['2026-10-31', 'Sat', 'alla helgons dag'],
  ['2026-12-24', 'Thu', 'julafton'],
  ['2026-12-25', 'Fri', 'juldagen'],
  ['2026-12-26', 'Sat', 'annandag jul'],
  ['2026-12-31', 'Thu', 'nyårsafton'],
  // 2027 (Easter Sunday 2027-03-28, also the DST switch)
  ['2027-01-01', 'Fri', 'nyårsdagen'],
  ['2027-01-06', 'Wed', 'trettondedag jul'],
  ['2027-03-26', 'Fri', 'långfredagen'],
  ['2027-03-28', 'Sun', 'påskdagen'],
  ['2027-03-29', 'Mon', 'annandag påsk'],
  ['2027-05-01', 'Sat', 'första maj'],
  ['2027-05-06', 'Thu', 'Kristi himmelsfärdsdag'],
  ['2027-05-16', 'Sun', 'pingstdagen'],
  ['2027-06-06', 'Sun', 'nationaldagen'],
  ['2027-06-25', 'Fri', 'midsommarafton'],
  ['2027-06-26', 'Sat', 'midsommardagen'],
  ['2027-11-06', 'Sat', 'alla helgons dag'], // same date as Gustav-Adolf-dagen (an observance)
  ['2027-12-24', 'Fri', 'julafton'],
  ['2027-12-25', 'Sat', 'juldagen'],
  ['2027-12-26', 'Sun', 'annandag jul'],
  ['2027-12-31', 'Fri', 'nyårsafton'],
  // 2028 (Easter Sunday 2028-04-16)
  ['2028-01-01', 'Sat', 'nyårsdagen'],
  ['2028-01-06', 'Thu', 'trettondedag jul'],
  ['2028-04-14', 'Fri', 'långfredagen'],
  ['2028-04-16', 'Sun', 'påskdagen'],
  ['2028-04-17', 'Mon', 'annandag påsk'],
  ['2028-05-01', 'Mon', 'första maj'],
  ['2028-05-25', 'Thu', 'Kristi himmelsfärdsdag'],
  ['2028-06-04', 'Sun', 'pingstdagen'],
  ['2028-06-06', 'Tue', 'nationaldagen'],
  ['2028-06-23', 'Fri', 'midsommarafton'],
  ['2028-06-24', 'Sat', 'midsommardagen'],
  ['2028-11-04', 'Sat', 'alla helgons dag'],
  ['2028-12-24', 'Sun', 'julafton'],
  ['2028-12-25', 'Mon', 'juldagen'],
  ['2028-12-26', 'Tue', 'annandag jul'],
  ['2028-12-31', 'Sun', 'nyårsafton'],
  // 2029, as far as the loops reach
  ['2029-01-01', 'Mon', 'nyårsdagen'],
];
/** The reference holiday table is complete up to and including this date. */
const REFERENCE_END = '2029-01-05';

/** Days that are NOT non-weekdays although they carry a name in the Swedish calendar. */
const NAMED_WEEKDAYS: ReadonlyArray<readonly [LocalDate, string, string]> = [
  ['2024-01-05', 'Fri', 'trettondagsafton'],
  ['2024-03-28', 'Thu', 'skärtorsdagen'],
  ['2024-04-30', 'Tue', 'valborgsmässoafton'],
  ['2024-05-20', 'Mon', 'annandag pingst'],
  ['2024-11-01', 'Fri', 'allhelgonaafton'],
  ['2025-04-17', 'Thu', 'skärtorsdagen'],
  ['2025-04-30', 'Wed', 'valborgsmässoafton'],
  ['2025-06-09', 'Mon', 'annandag pingst'],
  ['2025-10-31', 'Fri', 'allhelgonaafton'],
  ['2026-01-05', 'Mon', 'trettondagsafton'],
  ['2026-04-02', 'Thu', 'skärtorsdagen'],
  ['2026-04-30', 'Thu', 'valborgsmässoafton'],
  ['2026-05-25', 'Mon', 'annandag pingst'],
  ['2026-10-30', 'Fri', 'allhelgonaafton'],
  ['2026-11-06', 'Fri', 'Gustav-Adolf-dagen'],
  ['2026-12-23', 'Wed', 'dagen före julafton'],
  ['2027-01-05', 'Tue', 'trettondagsafton'],
  ['2027-03-25', 'Thu', 'skärtorsdagen'],
  ['2027-04-30', 'Fri', 'valborgsmässoafton'],
  ['2027-05-17', 'Mon', 'annandag pingst'],
  ['2027-11-05', 'Fri', 'allhelgonaafton'],
  ['2028-01-05', 'Wed', 'trettondagsafton'],
  ['2028-04-13', 'Thu', 'skärtorsdagen'],
  ['2028-06-05', 'Mon', 'annandag pingst'],
  ['2028-11-03', 'Fri', 'allhelgonaafton'],
  // weekdays next to a nationaldagen on a weekend: Sweden has no substitute days
  ['2026-06-05', 'Fri', 'day before nationaldagen (Sat)'],
  ['2026-06-08', 'Mon', 'Monday after nationaldagen (Sat)'],
  ['2027-06-07', 'Mon', 'day after nationaldagen (Sun)'],
];

const DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HOLIDAY_SET = new Set(HOLIDAYS.map(([d]) => d));

/** Day of the week of a plain date, from UTC arithmetic (no time zones involved). */
const dowOf = (d: LocalDate): string => DOW[new Date(`${d}T00:00:00Z`).getUTCDay()]!;
const plusDays = (d: LocalDate, n: number): LocalDate => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
function refIsWeekday(d: LocalDate): boolean {
  if (d > REFERENCE_END) throw new Error(`reference table does not cover ${d}`);
  const w = dowOf(d);
  return w !== 'Sat' && w !== 'Sun' && !HOLIDAY_SET.has(d);
}
function refNextWeekday(d: LocalDate): LocalDate {
  let x = plusDays(d, 1);
  while (!refIsWeekday(x)) x = plusDays(x, 1);
  return x;
}
function everyDay(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = plusDays(d, 1)) out.push(d);
  return out;
}

/** Checks the common shape of an end-of-day deadline: `at` is the local midnight ending localDate. */
function expectEndOfDay(d: Deadline, rule: DeadlineRule, localDate: LocalDate, iso: string): void {
  expect(d).toMatchObject({ rule, localDate, endOfDay: true, iso });
  expect(d.at).toBeInstanceOf(Date);
  expect(d.at.getTime()).toBe(Date.parse(iso));
  expect(typeof d.basis).toBe('string');
  expect(d.basis.length).toBeGreaterThan(0);
}

// =================================================================================================

describe('constants', () => {
  test('time zone, rules and default options', () => {
    expect(TIME_ZONE).toBe('Europe/Stockholm');
    expect([...DEADLINE_RULES]).toEqual(['acknowledgement', 'invitation', 'admissionNotice', 'medicineSupply']);
    expect(DEFAULT_CALENDAR_OPTIONS).toEqual({ invitationCutoff: '14:00' });
  });
});

describe('the hand-written reference table itself', () => {
  test.each([...HOLIDAYS, ...NAMED_WEEKDAYS])('%s is a %s (%s)', (date, dow) => {
    expect(dowOf(date)).toBe(dow);
  });
});

describe('weekday (vardag) per Lag (1930:173)', () => {
  test.each(HOLIDAYS)('%s (%s) %s is not a weekday', (date, _dow, name) => {
    expect(isWeekday(date)).toBe(false);
    expect(nonWeekdayReason(date)).toBe(name);
  });

  test.each(NAMED_WEEKDAYS)('%s (%s) %s is a weekday', (date, _dow, _name) => {
    expect(isWeekday(date)).toBe(true);
    expect(nonWeekdayReason(date)).toBeNull();
  });

  test('2026-04-30 (valborgsmässoafton, a Thursday) is a weekday; 2026-05-01 is not', () => {
    expect(isWeekday('2026-04-30')).toBe(true);
    expect(isWeekday('2026-05-01')).toBe(false);
    expect(nonWeekdayReason('2026-05-01')).toBe('första maj');
  });

  test('observances on a weekend are still non-weekdays (because of the weekend)', () => {
    expect(nonWeekdayReason('2026-04-04')).toBe('Saturday'); // påskafton
    expect(nonWeekdayReason('2026-05-23')).toBe('Saturday'); // pingstafton
    expect(nonWeekdayReason('2026-05-31')).toBe('Sunday'); // Mors dag
    expect(nonWeekdayReason('2026-01-13')).toBeNull(); // tjugondag Knut, a Tuesday
  });

  test('plain weekends and weekdays', () => {
    expect(nonWeekdayReason('2026-03-07')).toBe('Saturday');
    expect(nonWeekdayReason('2026-03-08')).toBe('Sunday');
    for (const d of ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06']) {
      expect(isWeekday(d)).toBe(true);
      expect(nonWeekdayReason(d)).toBeNull();
    }
  });

  test('a holiday on a weekend is reported by its name', () => {
    expect(nonWeekdayReason('2026-06-06')).toBe('nationaldagen'); // Saturday
    expect(nonWeekdayReason('2027-06-06')).toBe('nationaldagen'); // Sunday
    expect(nonWeekdayReason('2028-12-24')).toBe('julafton'); // Sunday
  });

  test('every day 2024-01-01 … 2029-01-05 agrees with the hand-written reference', () => {
    const days = everyDay('2024-01-01', REFERENCE_END);
    expect(days).toHaveLength(366 + 365 + 365 + 365 + 366 + 5);
    const mismatches = days.filter((d) => isWeekday(d) !== refIsWeekday(d));
    expect(mismatches).toEqual([]);
    // sanity of the reference itself: weekdays per year (Mon–Fri minus holidays on Mon–Fri)
    const weekdaysIn = (y: number) => days.filter((d) => d.startsWith(`${y}-`) && refIsWeekday(d)).length;
    // 2024: 262 Mon–Fri, 11 holidays on Mon–Fri (01-01, 03-29, 04-01, 05-01, 05-09, 06-06, 06-21, 12-24, 12-25, 12-26, 12-31)
    expect(weekdaysIn(2024)).toBe(262 - 11);
    // 2026: 261 Mon–Fri, holidays on Mon–Fri: 01-01, 01-06, 04-03, 04-06, 05-01, 05-14, 06-19, 12-24, 12-25, 12-31 = 10
    expect(weekdaysIn(2026)).toBe(261 - 10);
  });
});

describe('nextWeekday and addWeekdays', () => {
  test.each([
    ['2026-03-02', '2026-03-03'], // Mon → Tue
    ['2026-03-06', '2026-03-09'], // Fri → Mon
    ['2026-03-07', '2026-03-09'], // Sat → Mon
    ['2026-12-23', '2026-12-28'], // julafton, juldagen, annandag jul (Sat), Sunday
    ['2026-12-24', '2026-12-28'],
    ['2026-04-02', '2026-04-07'], // skärtorsdagen → over Easter
    ['2026-06-18', '2026-06-22'], // over Midsummer
    ['2026-12-30', '2027-01-04'], // over New Year
    ['2026-01-02', '2026-01-05'], // trettondagsafton is a weekday
    ['2026-01-05', '2026-01-07'], // trettondedag jul
    ['2028-06-02', '2028-06-05'], // annandag pingst is a weekday
    ['2028-06-05', '2028-06-07'], // nationaldagen on a Tuesday
  ])('nextWeekday(%s) = %s', (d, expected) => {
    expect(nextWeekday(d)).toBe(expected);
  });

  test.each([
    ['2026-12-23', 0, '2026-12-23'],
    ['2026-12-24', 0, '2026-12-24'], // 0 → the date itself, even a non-weekday
    ['2026-12-23', 1, '2026-12-28'],
    ['2026-12-23', 3, '2026-12-30'],
    ['2026-12-23', 4, '2027-01-04'],
    ['2026-12-23', 5, '2027-01-05'],
    ['2026-12-23', 6, '2027-01-07'], // 01-06 trettondedag jul
    ['2026-03-06', 10, '2026-03-20'],
    ['2026-03-30', 4, '2026-04-07'], // 31, 01, 02, (03–06 Easter), 07
    ['2026-03-30', 5, '2026-04-08'],
  ])('addWeekdays(%s, %i) = %s', (d, n, expected) => {
    expect(addWeekdays(d, n)).toBe(expected);
  });

  test('addWeekdays rejects negative or fractional counts', () => {
    expect(() => addWeekdays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => addWeekdays('2026-03-02', 1.5)).toThrow(RangeError);
    expect(() => addWeekdays('2026-03-02', Number.NaN)).toThrow(RangeError);
  });
});

describe('localDateOf', () => {
  test.each([
    ['2026-03-02T22:59:59.999Z', '2026-03-02'], // 23:59:59.999 +01:00
    ['2026-03-02T23:00:00.000Z', '2026-03-03'], // 00:00 +01:00
    ['2026-06-30T21:59:59.000Z', '2026-06-30'], // 23:59:59 +02:00
    ['2026-06-30T22:00:00.000Z', '2026-07-01'], // 00:00 +02:00
    ['2026-03-29T00:59:59.000Z', '2026-03-29'], // 01:59:59 +01:00, just before the spring switch
    ['2026-03-29T01:00:00.000Z', '2026-03-29'], // 03:00 +02:00
    ['2026-10-25T00:30:00.000Z', '2026-10-25'], // 02:30 +02:00 (first time)
    ['2026-10-25T01:30:00.000Z', '2026-10-25'], // 02:30 +01:00 (second time)
    ['2026-12-31T23:00:00.000Z', '2027-01-01'],
  ])('%s → %s', (instant, expected) => {
    expect(localDateOf(at(instant))).toBe(expected);
  });
});

describe('endOfLocalDay (DST-correct)', () => {
  test.each([
    ['2026-03-02', '2026-03-02T23:00:00.000Z'],
    ['2026-03-28', '2026-03-28T23:00:00.000Z'],
    ['2026-03-29', '2026-03-29T22:00:00.000Z'], // spring switch: the day ends at 00:00 +02:00
    ['2026-07-01', '2026-07-01T22:00:00.000Z'],
    ['2026-10-24', '2026-10-24T22:00:00.000Z'],
    ['2026-10-25', '2026-10-25T23:00:00.000Z'], // autumn switch: the day ends at 00:00 +01:00
    ['2028-02-29', '2028-02-29T23:00:00.000Z'],
    ['2024-12-31', '2024-12-31T23:00:00.000Z'],
  ])('end of %s is %s', (d, expected) => {
    expect(endOfLocalDay(d).toISOString()).toBe(expected);
  });

  test.each([
    ['2024-03-31', 23],
    ['2024-10-27', 25],
    ['2025-03-30', 23],
    ['2025-10-26', 25],
    ['2026-03-29', 23],
    ['2026-10-25', 25],
    ['2027-03-28', 23],
    ['2027-10-31', 25],
    ['2028-03-26', 23],
    ['2028-10-29', 25],
    ['2026-03-30', 24],
    ['2026-10-26', 24],
    ['2026-06-15', 24],
  ])('%s lasts %i hours', (d, hours) => {
    const prev = plusDays(d, -1);
    expect(endOfLocalDay(d).getTime() - endOfLocalDay(prev).getTime()).toBe(hours * HOUR);
  });
});

test('endOfLocalDay returns a fresh Date each time (mutating one does not leak)', () => {
  const a = endOfLocalDay('2026-12-28');
  a.setTime(0);
  expect(endOfLocalDay('2026-12-28').toISOString()).toBe('2026-12-28T23:00:00.000Z');
  const d = acknowledgementDeadline(at('2026-12-23T10:00:00+01:00'));
  d.at.setTime(0);
  expect(acknowledgementDeadline(at('2026-12-23T10:00:00+01:00')).at.toISOString()).toBe('2026-12-28T23:00:00.000Z');
});

describe('readyDays', () => {
  test.each([
    ['2026-03-02', '2026-03-02', 0],
    ['2026-12-23', '2026-12-28', 5],
    ['2026-03-28', '2026-03-30', 2], // across the spring switch
    ['2026-10-24', '2026-10-26', 2], // across the autumn switch
    ['2028-02-28', '2028-03-01', 2], // leap year
    ['2027-02-28', '2027-03-01', 1],
    ['2024-01-01', '2025-01-01', 366],
    ['2026-12-31', '2027-01-01', 1],
  ])('%s → %s = %i', (from, to, n) => {
    expect(readyDays(from, to)).toBe(n);
  });

  test('throws RangeError when to is before from, or on malformed dates', () => {
    expect(() => readyDays('2026-03-03', '2026-03-02')).toThrow(RangeError);
    expect(() => readyDays('2026-3-3', '2026-03-04')).toThrow(RangeError);
    expect(() => readyDays('2026-03-03', '2026-02-30')).toThrow(RangeError);
  });
});

describe('isValidLocalDate', () => {
  test.each(['2026-02-28', '2028-02-29', '2000-02-29', '2026-12-31', '2026-01-01', '2026-04-30'])('%s is valid', (s) => {
    expect(isValidLocalDate(s)).toBe(true);
  });
  test.each([
    '2026-02-29',
    '1900-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-04-31',
    '2026-01-32',
    '2026-1-5',
    '26-01-05',
    '2026-01-05T00:00',
    ' 2026-01-05',
    '2026-01-05 ',
    '',
    '20260105',
    '2026/01/05',
    'yesterday',
  ])('%j is not valid', (s) => {
    expect(isValidLocalDate(s)).toBe(false);
  });
});

// =================================================================================================
// Deadlines
// =================================================================================================

describe('acknowledgement deadline (001 §6.1: senast påföljande vardag)', () => {
  test('a message sent the day before Christmas Eve is due by the end of 2026-12-28', () => {
    const d = acknowledgementDeadline(at('2026-12-23T10:00:00+01:00'));
    expectEndOfDay(d, 'acknowledgement', '2026-12-28', '2026-12-29T00:00:00.000+01:00');
    expect(d.at.toISOString()).toBe('2026-12-28T23:00:00.000Z');
    expect(d.basis).toBe('end of the first weekday after 2026-12-23');
  });

  test.each([
    // [sent, expected localDate, expected iso]
    ['2026-03-02T00:00:00+01:00', '2026-03-03', '2026-03-04T00:00:00.000+01:00'], // Mon → Tue
    ['2026-03-02T23:59:59+01:00', '2026-03-03', '2026-03-04T00:00:00.000+01:00'],
    ['2026-03-02T23:30:00Z', '2026-03-04', '2026-03-05T00:00:00.000+01:00'], // = Tue 00:30 local
    ['2026-03-06T15:00:00+01:00', '2026-03-09', '2026-03-10T00:00:00.000+01:00'], // Fri → Mon
    ['2026-03-07T10:00:00+01:00', '2026-03-09', '2026-03-10T00:00:00.000+01:00'], // Sat → Mon
    ['2026-03-08T10:00:00+01:00', '2026-03-09', '2026-03-10T00:00:00.000+01:00'], // Sun → Mon
    ['2026-12-23T23:59:00+01:00', '2026-12-28', '2026-12-29T00:00:00.000+01:00'],
    ['2026-12-24T09:00:00+01:00', '2026-12-28', '2026-12-29T00:00:00.000+01:00'], // julafton
    // Christmas in other years
    ['2024-12-23T12:00:00+01:00', '2024-12-27', '2024-12-28T00:00:00.000+01:00'],
    ['2025-12-23T12:00:00+01:00', '2025-12-29', '2025-12-30T00:00:00.000+01:00'],
    ['2027-12-23T12:00:00+01:00', '2027-12-27', '2027-12-28T00:00:00.000+01:00'],
    ['2028-12-22T12:00:00+01:00', '2028-12-27', '2028-12-28T00:00:00.000+01:00'],
    // Easter (skärtorsdagen is a weekday, långfredagen … annandag påsk are not)
    ['2024-03-28T12:00:00+01:00', '2024-04-02', '2024-04-03T00:00:00.000+02:00'],
    ['2025-04-17T12:00:00+02:00', '2025-04-22', '2025-04-23T00:00:00.000+02:00'],
    ['2026-04-01T12:00:00+02:00', '2026-04-02', '2026-04-03T00:00:00.000+02:00'], // Wed → skärtorsdagen
    ['2026-04-02T12:00:00+02:00', '2026-04-07', '2026-04-08T00:00:00.000+02:00'],
    ['2026-04-03T12:00:00+02:00', '2026-04-07', '2026-04-08T00:00:00.000+02:00'],
    ['2026-04-06T12:00:00+02:00', '2026-04-07', '2026-04-08T00:00:00.000+02:00'],
    ['2027-03-25T12:00:00+01:00', '2027-03-30', '2027-03-31T00:00:00.000+02:00'], // Easter + DST switch
    ['2028-04-13T12:00:00+02:00', '2028-04-18', '2028-04-19T00:00:00.000+02:00'],
    // Midsummer
    ['2024-06-20T12:00:00+02:00', '2024-06-24', '2024-06-25T00:00:00.000+02:00'],
    ['2025-06-19T12:00:00+02:00', '2025-06-23', '2025-06-24T00:00:00.000+02:00'],
    ['2026-06-18T12:00:00+02:00', '2026-06-22', '2026-06-23T00:00:00.000+02:00'],
    ['2027-06-24T12:00:00+02:00', '2027-06-28', '2027-06-29T00:00:00.000+02:00'],
    ['2028-06-22T12:00:00+02:00', '2028-06-26', '2028-06-27T00:00:00.000+02:00'],
    // New Year
    ['2024-12-30T12:00:00+01:00', '2025-01-02', '2025-01-03T00:00:00.000+01:00'],
    ['2025-12-30T12:00:00+01:00', '2026-01-02', '2026-01-03T00:00:00.000+01:00'],
    ['2026-12-30T12:00:00+01:00', '2027-01-04', '2027-01-05T00:00:00.000+01:00'],
    ['2027-12-30T12:00:00+01:00', '2028-01-03', '2028-01-04T00:00:00.000+01:00'],
    ['2028-12-29T12:00:00+01:00', '2029-01-02', '2029-01-03T00:00:00.000+01:00'],
    // Trettondedag jul, första maj, Kristi himmelsfärd, nationaldagen, alla helgons dag
    ['2026-01-02T12:00:00+01:00', '2026-01-05', '2026-01-06T00:00:00.000+01:00'], // trettondagsafton is a weekday
    ['2026-01-05T12:00:00+01:00', '2026-01-07', '2026-01-08T00:00:00.000+01:00'],
    ['2026-04-30T12:00:00+02:00', '2026-05-04', '2026-05-05T00:00:00.000+02:00'],
    ['2026-05-13T12:00:00+02:00', '2026-05-15', '2026-05-16T00:00:00.000+02:00'],
    ['2026-05-22T12:00:00+02:00', '2026-05-25', '2026-05-26T00:00:00.000+02:00'], // annandag pingst is a weekday
    ['2026-06-05T12:00:00+02:00', '2026-06-08', '2026-06-09T00:00:00.000+02:00'], // nationaldagen on a Saturday
    ['2028-06-02T12:00:00+02:00', '2028-06-05', '2028-06-06T00:00:00.000+02:00'],
    ['2028-06-05T12:00:00+02:00', '2028-06-07', '2028-06-08T00:00:00.000+02:00'], // nationaldagen on a Tuesday
    ['2026-10-29T12:00:00+01:00', '2026-10-30', '2026-10-31T00:00:00.000+01:00'], // allhelgonaafton is a weekday
    // DST switch days
    ['2026-03-27T12:00:00+01:00', '2026-03-30', '2026-03-31T00:00:00.000+02:00'], // Fri before the spring switch
    ['2026-10-23T12:00:00+02:00', '2026-10-26', '2026-10-27T00:00:00.000+01:00'], // Fri before the autumn switch
  ])('sent %s → end of %s (%s)', (sent, localDate, iso) => {
    expectEndOfDay(acknowledgementDeadline(at(sent)), 'acknowledgement', localDate, iso);
  });
});

describe('invitation deadline (001 §6.1 step 6a, receipt-day reading)', () => {
  // 2026-03-02 is a Monday; no holidays in that week or the next.
  test.each([
    ['Monday 13:00 → Tuesday', '2026-03-02T13:00:00+01:00', '2026-03-03'],
    ['Monday 13:59 → Tuesday', '2026-03-02T13:59:00+01:00', '2026-03-03'],
    ['Monday 14:00 → Tuesday', '2026-03-02T14:00:00+01:00', '2026-03-03'],
    ['Monday 14:00:59 → Tuesday (seconds ignored)', '2026-03-02T14:00:59.999+01:00', '2026-03-03'],
    ['Monday 14:01 → Wednesday', '2026-03-02T14:01:00+01:00', '2026-03-04'],
    ['Monday 15:00 → Wednesday', '2026-03-02T15:00:00+01:00', '2026-03-04'],
    ['Monday 00:00 → Tuesday', '2026-03-02T00:00:00+01:00', '2026-03-03'],
    ['Monday 23:59 → Wednesday', '2026-03-02T23:59:00+01:00', '2026-03-04'],
    ['Friday 13:00 → Monday', '2026-03-06T13:00:00+01:00', '2026-03-09'],
    ['Friday 15:00 → Tuesday', '2026-03-06T15:00:00+01:00', '2026-03-10'],
    ['Saturday 10:00 → Tuesday', '2026-03-07T10:00:00+01:00', '2026-03-10'],
    ['Saturday 09:00 (before the cutoff, still not a weekday) → Tuesday', '2026-03-07T09:00:00+01:00', '2026-03-10'],
    ['Sunday 20:00 → Tuesday', '2026-03-08T20:00:00+01:00', '2026-03-10'],
    ['14:00 local given in UTC (13:00Z) → Tuesday', '2026-03-02T13:00:00Z', '2026-03-03'],
    ['14:01 local given in UTC (13:01Z) → Wednesday', '2026-03-02T13:01:00Z', '2026-03-04'],
  ])('%s', (_label, sent, localDate) => {
    const d = invitationDeadline(at(sent));
    expect(d.rule).toBe('invitation');
    expect(d.localDate).toBe(localDate);
    expect(d.endOfDay).toBe(true);
    expect(d.iso).toBe(`${plusDays(localDate, 1)}T00:00:00.000+01:00`);
  });

  test('docs/domain.md examples with full output', () => {
    expectEndOfDay(invitationDeadline(at('2026-03-02T13:00:00+01:00')), 'invitation', '2026-03-03', '2026-03-04T00:00:00.000+01:00');
    expectEndOfDay(invitationDeadline(at('2026-03-02T15:00:00+01:00')), 'invitation', '2026-03-04', '2026-03-05T00:00:00.000+01:00');
    expectEndOfDay(invitationDeadline(at('2026-03-06T15:00:00+01:00')), 'invitation', '2026-03-10', '2026-03-11T00:00:00.000+01:00');
    expectEndOfDay(invitationDeadline(at('2026-03-07T11:00:00+01:00')), 'invitation', '2026-03-10', '2026-03-11T00:00:00.000+01:00');
  });

  test('basis names the receipt day', () => {
    expect(invitationDeadline(at('2026-03-06T15:00:00+01:00')).basis).toContain('received 2026-03-09');
    expect(invitationDeadline(at('2026-03-02T14:00:00+01:00')).basis).toContain('received 2026-03-02');
  });

  test('summer time: cutoff is local wall-clock time (+02:00)', () => {
    // 2026-06-15 is a Monday
    expectEndOfDay(invitationDeadline(at('2026-06-15T14:00:00+02:00')), 'invitation', '2026-06-16', '2026-06-17T00:00:00.000+02:00');
    expectEndOfDay(invitationDeadline(at('2026-06-15T12:00:00Z')), 'invitation', '2026-06-16', '2026-06-17T00:00:00.000+02:00');
    expectEndOfDay(invitationDeadline(at('2026-06-15T12:01:00Z')), 'invitation', '2026-06-17', '2026-06-18T00:00:00.000+02:00');
  });

  test.each([
    // cutoff '12:00'
    ['12:00', '2026-03-02T11:59:00+01:00', '2026-03-03'],
    ['12:00', '2026-03-02T12:00:00+01:00', '2026-03-03'],
    ['12:00', '2026-03-02T12:00:59+01:00', '2026-03-03'],
    ['12:00', '2026-03-02T12:01:00+01:00', '2026-03-04'],
    ['12:00', '2026-03-02T13:00:00+01:00', '2026-03-04'],
    ['12:00', '2026-03-06T12:30:00+01:00', '2026-03-10'], // Fri after cutoff → received Mon → Tue
    // extremes
    ['00:00', '2026-03-02T00:00:30+01:00', '2026-03-03'],
    ['00:00', '2026-03-02T00:01:00+01:00', '2026-03-04'],
    ['23:59', '2026-03-02T23:59:59+01:00', '2026-03-03'],
    ['16:30', '2026-03-02T16:30:00+01:00', '2026-03-03'],
    ['16:30', '2026-03-02T16:31:00+01:00', '2026-03-04'],
  ])('cutoff %s: sent %s → end of %s', (cutoff, sent, localDate) => {
    const d = invitationDeadline(at(sent), { invitationCutoff: cutoff });
    expect(d.localDate).toBe(localDate);
    expect(d.iso).toBe(`${plusDays(localDate, 1)}T00:00:00.000+01:00`);
    expect(computeDeadline('invitation', at(sent), { invitationCutoff: cutoff })).toEqual(d);
  });

  test.each([
    // Christmas: the day before julafton
    ['2026-12-23T10:00:00+01:00', '2026-12-28', '2026-12-29T00:00:00.000+01:00'],
    ['2026-12-23T14:00:00+01:00', '2026-12-28', '2026-12-29T00:00:00.000+01:00'],
    ['2026-12-23T14:01:00+01:00', '2026-12-29', '2026-12-30T00:00:00.000+01:00'], // received 28
    ['2026-12-24T09:00:00+01:00', '2026-12-29', '2026-12-30T00:00:00.000+01:00'], // julafton: received 28
    ['2026-12-27T09:00:00+01:00', '2026-12-29', '2026-12-30T00:00:00.000+01:00'],
    // New Year
    ['2026-12-30T13:00:00+01:00', '2027-01-04', '2027-01-05T00:00:00.000+01:00'],
    ['2026-12-30T15:00:00+01:00', '2027-01-05', '2027-01-06T00:00:00.000+01:00'], // received 01-04
    ['2026-12-31T10:00:00+01:00', '2027-01-05', '2027-01-06T00:00:00.000+01:00'], // nyårsafton: received 01-04
    ['2027-01-05T15:00:00+01:00', '2027-01-08', '2027-01-09T00:00:00.000+01:00'], // received 01-07 (01-06 holiday)
    // Easter 2026
    ['2026-04-02T13:00:00+02:00', '2026-04-07', '2026-04-08T00:00:00.000+02:00'], // skärtorsdagen, received that day
    ['2026-04-02T15:00:00+02:00', '2026-04-08', '2026-04-09T00:00:00.000+02:00'], // received 04-07
    ['2026-04-03T10:00:00+02:00', '2026-04-08', '2026-04-09T00:00:00.000+02:00'], // långfredagen
    ['2026-04-06T10:00:00+02:00', '2026-04-08', '2026-04-09T00:00:00.000+02:00'], // annandag påsk
    // Valborg / första maj
    ['2026-04-30T10:00:00+02:00', '2026-05-04', '2026-05-05T00:00:00.000+02:00'],
    ['2026-04-30T15:00:00+02:00', '2026-05-05', '2026-05-06T00:00:00.000+02:00'],
    // Midsummer 2026
    ['2026-06-18T14:00:00+02:00', '2026-06-22', '2026-06-23T00:00:00.000+02:00'],
    ['2026-06-18T14:01:00+02:00', '2026-06-23', '2026-06-24T00:00:00.000+02:00'],
    ['2026-06-19T10:00:00+02:00', '2026-06-23', '2026-06-24T00:00:00.000+02:00'], // midsommarafton
    // DST switch weekends
    ['2026-03-27T15:00:00+01:00', '2026-03-31', '2026-04-01T00:00:00.000+02:00'], // Fri after cutoff, received Mon 03-30
    ['2026-03-29T14:00:00+02:00', '2026-03-31', '2026-04-01T00:00:00.000+02:00'], // Sunday of the switch
    ['2026-10-25T10:00:00+01:00', '2026-10-27', '2026-10-28T00:00:00.000+01:00'],
  ])('sent %s → end of %s', (sent, localDate, iso) => {
    expectEndOfDay(invitationDeadline(at(sent)), 'invitation', localDate, iso);
  });
});

describe('admission notice deadline (001 §6.1 step 2: within 24 clock hours)', () => {
  test.each([
    // [admitted, deadline iso, localDate]
    ['2026-03-02T10:00:00+01:00', '2026-03-03T10:00:00.000+01:00', '2026-03-03'],
    ['2026-03-06T10:00:00+01:00', '2026-03-07T10:00:00.000+01:00', '2026-03-07'], // into the weekend
    ['2026-12-24T08:00:00+01:00', '2026-12-25T08:00:00.000+01:00', '2026-12-25'], // holidays count too
    ['2026-03-28T12:00:00+01:00', '2026-03-29T13:00:00.000+02:00', '2026-03-29'], // across the spring switch
    ['2026-03-28T23:30:00+01:00', '2026-03-30T00:30:00.000+02:00', '2026-03-30'],
    ['2026-03-29T01:30:00+01:00', '2026-03-30T02:30:00.000+02:00', '2026-03-30'], // admitted just before 02:00
    ['2026-10-24T12:00:00+02:00', '2026-10-25T11:00:00.000+01:00', '2026-10-25'], // across the autumn switch
    ['2026-10-25T00:30:00+02:00', '2026-10-25T23:30:00.000+01:00', '2026-10-25'], // 25-hour day
    ['2026-10-25T02:30:00+02:00', '2026-10-26T01:30:00.000+01:00', '2026-10-26'], // first 02:30
    ['2026-10-25T02:30:00+01:00', '2026-10-26T02:30:00.000+01:00', '2026-10-26'], // second 02:30
    ['2026-06-15T09:15:30.250+02:00', '2026-06-16T09:15:30.250+02:00', '2026-06-16'],
  ])('admitted %s → %s', (admitted, iso, localDate) => {
    const d = admissionNoticeDeadline(at(admitted));
    expect(d).toMatchObject({ rule: 'admissionNotice', iso, localDate, endOfDay: false });
    expect(d.at.getTime() - at(admitted).getTime()).toBe(24 * HOUR);
    expect(d.at.getTime()).toBe(Date.parse(iso));
    expect(d.basis).toContain('24');
  });
});

describe('medicines secured until (001 §5.5, step 8: three days, extended over holidays)', () => {
  test.each([
    ['2026-03-02T10:00:00+01:00', '2026-03-05', '2026-03-06T00:00:00.000+01:00'], // Mon → Thu
    ['2026-03-04T10:00:00+01:00', '2026-03-09', '2026-03-10T00:00:00.000+01:00'], // Wed → Thu, Fri, Mon
    ['2026-03-06T10:00:00+01:00', '2026-03-11', '2026-03-12T00:00:00.000+01:00'], // Fri → Mon, Tue, Wed
    ['2026-03-07T10:00:00+01:00', '2026-03-11', '2026-03-12T00:00:00.000+01:00'], // Sat
    ['2026-03-05T23:30:00Z', '2026-03-11', '2026-03-12T00:00:00.000+01:00'], // = Fri 00:30 local
    ['2026-12-23T12:00:00+01:00', '2026-12-30', '2026-12-31T00:00:00.000+01:00'], // 28, 29, 30
    ['2026-12-30T12:00:00+01:00', '2027-01-07', '2027-01-08T00:00:00.000+01:00'], // 01-04, 01-05, (01-06), 01-07
    ['2026-04-02T12:00:00+02:00', '2026-04-09', '2026-04-10T00:00:00.000+02:00'], // Easter: 07, 08, 09
    ['2026-06-17T12:00:00+02:00', '2026-06-23', '2026-06-24T00:00:00.000+02:00'], // Midsummer: 18, 22, 23
    ['2026-03-26T12:00:00+01:00', '2026-03-31', '2026-04-01T00:00:00.000+02:00'], // 27, 30, 31 over the DST switch
    ['2026-10-22T12:00:00+02:00', '2026-10-27', '2026-10-28T00:00:00.000+01:00'], // 23, 26, 27 over the DST switch
  ])('discharged %s → end of %s', (discharged, localDate, iso) => {
    const d = medicineSuppliedUntil(at(discharged));
    expectEndOfDay(d, 'medicineSupply', localDate, iso);
  });
});

describe('computeDeadline dispatches', () => {
  test('each rule gives the same result as its function', () => {
    const t = at('2026-12-23T15:00:00+01:00');
    expect(computeDeadline('acknowledgement', t)).toEqual(acknowledgementDeadline(t));
    expect(computeDeadline('invitation', t)).toEqual(invitationDeadline(t));
    expect(computeDeadline('admissionNotice', t)).toEqual(admissionNoticeDeadline(t));
    expect(computeDeadline('medicineSupply', t)).toEqual(medicineSuppliedUntil(t));
    expect(computeDeadline('invitation', t).localDate).toBe('2026-12-29');
    expect(computeDeadline('invitation', t, { invitationCutoff: '16:00' }).localDate).toBe('2026-12-28');
    expect(computeDeadline('acknowledgement', t).localDate).toBe('2026-12-28');
    expect(computeDeadline('admissionNotice', t).iso).toBe('2026-12-24T15:00:00.000+01:00');
    expect(computeDeadline('medicineSupply', t).localDate).toBe('2026-12-30');
  });

  test('unknown rule → RangeError', () => {
    expect(() => computeDeadline('bogus' as DeadlineRule, at('2026-03-02T10:00:00Z'))).toThrow(RangeError);
  });
});

describe('input validation', () => {
  const invalid = new Date(Number.NaN);

  test('invalid Date → RangeError', () => {
    expect(() => localDateOf(invalid)).toThrow(RangeError);
    expect(() => localDateOf(invalid)).toThrow(/Invalid/);
    expect(() => acknowledgementDeadline(invalid)).toThrow(RangeError);
    expect(() => invitationDeadline(invalid)).toThrow(RangeError);
    expect(() => admissionNoticeDeadline(invalid)).toThrow(RangeError);
    expect(() => medicineSuppliedUntil(invalid)).toThrow(RangeError);
    for (const rule of DEADLINE_RULES) expect(() => computeDeadline(rule, invalid)).toThrow(RangeError);
    expect(() => acknowledgementDeadline('2026-03-02' as unknown as Date)).toThrow(RangeError);
  });

  test.each(['2026-02-30', '2026-2-3', '', 'x', '2026-03-02T10:00', '2026-13-01'])('malformed LocalDate %j → RangeError', (s) => {
    expect(() => isWeekday(s)).toThrow(RangeError);
    expect(() => nonWeekdayReason(s)).toThrow(RangeError);
    expect(() => nextWeekday(s)).toThrow(RangeError);
    expect(() => addWeekdays(s, 1)).toThrow(RangeError);
    expect(() => endOfLocalDay(s)).toThrow(RangeError);
    expect(() => readyDays(s, '2026-03-02')).toThrow(RangeError);
  });

  test('the error message names the bad value', () => {
    expect(() => isWeekday('2026-02-30')).toThrow(/2026-02-30/);
  });

  test.each(['25:00', '24:00', '14', '', '14:60', '2:00', '14:00:00', '14.00', ' 14:00', 'noon'])('cutoff %j → RangeError', (cutoff) => {
    const t = at('2026-03-02T10:00:00+01:00');
    expect(() => invitationDeadline(t, { invitationCutoff: cutoff })).toThrow(RangeError);
    expect(() => computeDeadline('invitation', t, { invitationCutoff: cutoff })).toThrow(RangeError);
  });
});

// =================================================================================================
// Exhaustive sweep over every day 2024–2028 against the independent reference
// =================================================================================================

describe('every day of 2024–2028', () => {
  const days = everyDay('2024-01-01', '2028-12-31');
  // local wall-clock times; luxon only builds the input instants
  const TIMES: ReadonlyArray<readonly [number, number, number]> = [
    [0, 0, 0],
    [9, 30, 0],
    [13, 59, 59],
    [14, 0, 0],
    [14, 0, 59],
    [14, 1, 0],
    [23, 59, 59],
  ];
  const instant = (d: LocalDate, [h, m, s]: readonly [number, number, number]): Date => {
    const [y, mo, da] = d.split('-').map(Number) as [number, number, number];
    return DateTime.fromObject({ year: y, month: mo, day: da, hour: h, minute: m, second: s }, { zone: TIME_ZONE }).toJSDate();
  };
  // built once: [date, time, instant] for every day × time (input construction only)
  const SENT: ReadonlyArray<readonly [LocalDate, readonly [number, number, number], Date]> = days.flatMap((d) =>
    TIMES.map((t) => [d, t, instant(d, t)] as const),
  );
  const offsetOk = (iso: string) => /T00:00:00\.000\+0[12]:00$/.test(iso);

  test('acknowledgement: first weekday after the send day, no weekday skipped', () => {
    const problems: string[] = [];
    for (const d of days) {
      // only the local date matters: the first and last instant of the day, and noon
      for (const t of [TIMES[0]!, [12, 0, 0] as const, TIMES[TIMES.length - 1]!]) {
        const dl = acknowledgementDeadline(instant(d, t));
        const expected = refNextWeekday(d);
        if (dl.localDate !== expected) problems.push(`${d} ${t.join(':')}: ${dl.localDate} ≠ ${expected}`);
        if (!(dl.localDate > d) || !refIsWeekday(dl.localDate)) problems.push(`${d}: ${dl.localDate} not a later weekday`);
        for (let x = plusDays(d, 1); x < dl.localDate; x = plusDays(x, 1)) {
          if (refIsWeekday(x)) problems.push(`${d}: weekday ${x} skipped`);
        }
        if (!offsetOk(dl.iso) || !dl.iso.startsWith(plusDays(dl.localDate, 1))) problems.push(`${d}: iso ${dl.iso}`);
        if (dl.at.getTime() !== Date.parse(dl.iso)) problems.push(`${d}: at ≠ iso`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('invitation: receipt-day rule with the 14:00 cutoff', () => {
    const problems: string[] = [];
    for (const [d, t, sent] of SENT) {
      const dl = invitationDeadline(sent);
      const inTime = t[0] * 60 + t[1] <= 14 * 60;
      const received = refIsWeekday(d) && inTime ? d : refNextWeekday(d);
      const expected = refNextWeekday(received);
      if (dl.localDate !== expected) problems.push(`${d} ${t.join(':')}: ${dl.localDate} ≠ ${expected}`);
      if (!(dl.localDate > d) || !refIsWeekday(dl.localDate)) problems.push(`${d}: ${dl.localDate} not a later weekday`);
      // between the send day and the deadline there is at most one weekday (the receipt day)
      let between = 0;
      for (let x = plusDays(d, 1); x < dl.localDate; x = plusDays(x, 1)) if (refIsWeekday(x)) between++;
      if (between > 1) problems.push(`${d}: ${between} weekdays skipped`);
      if (!offsetOk(dl.iso)) problems.push(`${d}: iso ${dl.iso}`);
    }
    expect(problems).toEqual([]);
  });

  test('medicine supply: exactly three weekdays after the discharge date, ending on a weekday', () => {
    const problems: string[] = [];
    for (const d of days) {
      const dl = medicineSuppliedUntil(instant(d, [11, 0, 0]));
      let count = 0;
      for (let x = plusDays(d, 1); x <= dl.localDate; x = plusDays(x, 1)) if (refIsWeekday(x)) count++;
      if (count !== 3 || !refIsWeekday(dl.localDate)) problems.push(`${d}: ${dl.localDate} (${count} weekdays)`);
      if (!offsetOk(dl.iso)) problems.push(`${d}: iso ${dl.iso}`);
    }
    expect(problems).toEqual([]);
  });

  test('admission notice: always exactly 24 h later; endOfLocalDay is 23/24/25 h after the previous one', () => {
    const problems: string[] = [];
    for (const d of days) {
      const a = instant(d, [12, 0, 0]);
      const dl = admissionNoticeDeadline(a);
      if (dl.at.getTime() - a.getTime() !== DAY) problems.push(`${d}: not 24 h`);
      if (dl.endOfDay) problems.push(`${d}: endOfDay`);
      const len = endOfLocalDay(d).getTime() - endOfLocalDay(plusDays(d, -1)).getTime();
      if (![23 * HOUR, 24 * HOUR, 25 * HOUR].includes(len)) problems.push(`${d}: day length ${len}`);
      const expectedOffset = endOfLocalDay(d).getTime() - Date.parse(`${plusDays(d, 1)}T00:00:00Z`);
      if (expectedOffset !== -HOUR && expectedOffset !== -2 * HOUR) problems.push(`${d}: midnight offset ${expectedOffset}`);
    }
    expect(problems).toEqual([]);
  });

  test('winter dates carry +01:00 and summer dates +02:00', () => {
    expect(acknowledgementDeadline(at('2026-01-14T12:00:00Z')).iso).toBe('2026-01-16T00:00:00.000+01:00');
    expect(acknowledgementDeadline(at('2026-07-14T12:00:00Z')).iso).toBe('2026-07-16T00:00:00.000+02:00');
    // deadlines ending exactly at the switch days
    expect(acknowledgementDeadline(at('2026-03-28T12:00:00Z')).iso).toBe('2026-03-31T00:00:00.000+02:00');
    expect(acknowledgementDeadline(at('2026-10-24T12:00:00Z')).iso).toBe('2026-10-27T00:00:00.000+01:00');
  });
});
