/**
 * Time in Sweden, written once (issue 18 item 6): every conversion between an instant and a
 * Swedish calendar date, and every piece of calendar-date arithmetic, goes through this module.
 * Nothing else in src/, activities/ or workflows/ adds milliseconds to dates or reads UTC fields.
 *
 * Two kinds of value:
 * - an instant (a `Date`, or an ISO-8601 string with an offset): converted to and from local time
 *   in Europe/Stockholm by luxon, which has the time-zone data (DST: CEST from the last Sunday of
 *   March 02:00 to the last Sunday of October 03:00 local time; a local day is 23 or 25 hours then);
 * - a calendar date, `LocalDate` 'YYYY-MM-DD', or a month 'YYYY-MM': no time zone involved, days
 *   are counted on the calendar (pure integer arithmetic on day numbers, fast enough for the
 *   weekday loops of src/domain/calendar.ts).
 *
 * Pure: no I/O and no clock reads (callers pass "now"), so it is safe in the workflow sandbox;
 * luxon only formats given instants there (Intl's time-zone data, no DateTime.now()).
 * test/unit/local-date.test.ts checks it across every DST change and year end.
 */
import { DateTime } from 'luxon';

export const TIME_ZONE = 'Europe/Stockholm';

/** 'YYYY-MM-DD', a calendar date in Europe/Stockholm. */
export type LocalDate = string;

/** 'YYYY-MM', a calendar month. */
type Month = string;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// ---- calendar dates -------------------------------------------------------------------------

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Strict 'YYYY-MM-DD' that exists in the (proleptic Gregorian) calendar, years 0001–9999. */
export function isValidLocalDate(s: string): boolean {
  if (typeof s !== 'string') return false;
  const m = LOCAL_DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Days since 1970-01-01 (NaN when `date` does not parse). Years below 100 stay literal. */
function dayNumber(date: LocalDate): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromDayNumber(n: number): LocalDate {
  const t = new Date(n * DAY_MS);
  const y = t.getUTCFullYear();
  if (Number.isNaN(y)) throw new RangeError('Invalid time value');
  if (y < 1 || y > 9999) throw new RangeError(`Date out of supported range (years 0001–9999)`);
  return `${pad(y, 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The date `n` calendar days after `date` (before, for negative `n`). Throws RangeError if `date` does not parse. */
export function addCalendarDays(date: LocalDate, n: number): LocalDate {
  return fromDayNumber(Math.round(dayNumber(date)) + n);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier; NaN when either does not parse). */
export function calendarDaysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** Day of the week of a date: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  // 1970-01-01 was a Thursday (4)
  return (((Math.round(dayNumber(date)) + 4) % 7) + 7) % 7;
}

/**
 * Whole years from `birth` to `on` (both 'YYYY-MM-DD'), undefined when `on` is before the birth.
 * Someone born on 29 February gets one year older on 1 March in non-leap years.
 */
export function ageOn(birth: LocalDate, on: LocalDate): number | undefined {
  if (on < birth) return undefined;
  const hadBirthday = on.slice(5) >= birth.slice(5);
  return Number(on.slice(0, 4)) - Number(birth.slice(0, 4)) - (hadBirthday ? 0 : 1);
}

// ---- months ('YYYY-MM') ----------------------------------------------------------------------

/** The month of a date. */
export function monthOf(date: LocalDate): Month {
  return date.slice(0, 7);
}

export function firstDayOfMonth(month: Month): LocalDate {
  return `${month}-01`;
}

export function lastDayOfMonth(month: Month): LocalDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${pad(daysInMonth(y, m))}`;
}

/** The month `n` months after `month` (before, for negative `n`). */
export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const idx = y * 12 + (m - 1) + n;
  return `${Math.floor(idx / 12)}-${pad((idx % 12) + 1)}`;
}

/** 'YYYY-MM' of the month after. */
export function nextMonth(month: Month): Month {
  return addMonths(month, 1);
}

// ---- instants and local time (luxon, Europe/Stockholm) ---------------------------------------

function instantMs(instant: Date | string, what: string): number {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant instanceof Date ? instant.getTime() : NaN;
  if (Number.isNaN(ms)) {
    throw new RangeError(`Invalid ${what}: expected a valid Date, got ${instant instanceof Date ? 'Invalid Date' : JSON.stringify(instant)}`);
  }
  return ms;
}

const inStockholm = (ms: number): DateTime => DateTime.fromMillis(ms, { zone: TIME_ZONE });

/** The Stockholm calendar date of an instant. Throws RangeError for an invalid instant. */
export function localDateOf(instant: Date | string): LocalDate {
  const d = inStockholm(instantMs(instant, 'instant')).toISODate();
  if (d === null) throw new RangeError(`Cannot express ${String(instant)} as a date in ${TIME_ZONE}`);
  return d;
}

/** The Stockholm calendar date of an ISO instant; undefined if it does not parse (for refusal rules, which never throw). */
export function stockholmDateOf(iso: string): LocalDate | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : localDateOf(new Date(ms));
}

/**
 * Today's Stockholm date at `now`, for rules that never throw (the workspace's probes): the
 * instant's own date part when it does not parse.
 */
export const stockholmToday = (now: string): LocalDate => stockholmDateOf(now) ?? now.slice(0, 10);

/** The local date, hour and minute of an instant in Stockholm; `time` is 'HH:MM'. */
export function localTimeOf(instant: Date | string): { date: LocalDate; hour: number; minute: number; time: string } {
  const local = inStockholm(instantMs(instant, 'instant'));
  const date = local.toISODate();
  if (date === null) throw new RangeError(`Cannot express ${String(instant)} as a date in ${TIME_ZONE}`);
  return { date, hour: local.hour, minute: local.minute, time: `${pad(local.hour)}:${pad(local.minute)}` };
}

/** An instant as ISO-8601 with the Stockholm offset, e.g. '2026-12-29T00:00:00.000+01:00'. */
export function localIsoOf(instant: Date): string {
  const iso = inStockholm(instantMs(instant, 'instant')).toISO();
  if (iso === null) throw new RangeError(`Cannot format ${String(instant)} in ${TIME_ZONE}`);
  return iso;
}

/** LocalDate → epoch ms of its local midnight (pure, so safe to memoise). */
const startOfDayCache = new Map<LocalDate, number>();
const START_OF_DAY_CACHE_LIMIT = 10_000;

/** The instant of the local midnight that starts `date` (DST-correct). Throws RangeError for an invalid date. */
export function startOfLocalDay(date: LocalDate): Date {
  let ms = startOfDayCache.get(date);
  if (ms === undefined) {
    if (!isValidLocalDate(date)) throw new RangeError(`Invalid date: expected a calendar date 'YYYY-MM-DD', got ${JSON.stringify(date)}`);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    // Local midnight always exists in Europe/Stockholm (the DST switches happen at 02:00/03:00).
    const dt = DateTime.fromObject({ year: y, month: m, day: d }, { zone: TIME_ZONE });
    if (!dt.isValid) throw new RangeError(`Cannot compute the start of ${date} in ${TIME_ZONE}`);
    ms = dt.toMillis();
    if (startOfDayCache.size >= START_OF_DAY_CACHE_LIMIT) startOfDayCache.clear();
    startOfDayCache.set(date, ms);
  }
  return new Date(ms);
}

/** The instant of the local midnight that ends `date` (days are 23 h or 25 h at the DST switches). */
export function endOfLocalDay(date: LocalDate): Date {
  if (!isValidLocalDate(date)) throw new RangeError(`Invalid date: expected a calendar date 'YYYY-MM-DD', got ${JSON.stringify(date)}`);
  return startOfLocalDay(addCalendarDays(date, 1));
}

/** Clock hours from one instant to another (NaN when either does not parse). */
export function clockHoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS;
}

/** `hours` clock hours after an instant (not calendar days: 24 h after 12:00 before a DST change is 11:00 or 13:00). */
export function addClockHours(instant: Date | string, hours: number): Date {
  return new Date(instantMs(instant, 'instant') + hours * HOUR_MS);
}
