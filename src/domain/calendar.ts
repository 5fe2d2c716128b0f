/**
 * The business calendar (docs/domain.md §3 "Time and calendar rules").
 *
 * One pure module: no I/O, no clocks, no Temporal imports. Every rule is evaluated in local time,
 * Europe/Stockholm; instants, local dates and day counts go through src/domain/local-date.ts
 * (luxon for the time zone, never hand-rolled offsets).
 *
 * - Weekday (vardag) per Lag (1930:173): not Saturday, not Sunday, not an allmän helgdag
 *   (Lag 1989:253), not midsommarafton, julafton or nyårsafton. With `date-holidays` country SE
 *   that is exactly the holidays of type `public` and `bank`; `observance` and `optional` days
 *   (annandag pingst, trettondagsafton, valborgsmässoafton, skärtorsdagen, allhelgonaafton, …) are
 *   weekdays unless they fall on a weekend.
 * - acknowledgement (001 §6.1): sent on local day D → end of the first weekday after D.
 * - invitation (001 §6.1 step 6a, receipt-day reading): sent on a weekday at or before the cutoff
 *   minute → received that day; otherwise received on the next weekday. Deadline: end of the first
 *   weekday after the receipt day.
 * - admissionNotice (001 §6.1 step 2): 24 clock hours after admission, weekends included.
 * - medicineSupply (001 §5.5, step 8): secured until the end of the third weekday after the
 *   discharge's local date.
 *
 * Inside workflows these functions are called from an activity so the computed instant is
 * recorded in history; a later holiday-data update can never change a replay.
 */
import Holidays from 'date-holidays';
import {
  addCalendarDays as addDays,
  addClockHours,
  calendarDaysBetween,
  dayOfWeek,
  endOfLocalDay,
  isValidLocalDate,
  localDateOf,
  localIsoOf,
  localTimeOf,
  TIME_ZONE,
  type LocalDate,
} from './local-date';

// the calendar's callers have always had these from here; they are the time module's
export { endOfLocalDay, isValidLocalDate, localDateOf, TIME_ZONE, type LocalDate } from './local-date';

export type DeadlineRule = 'acknowledgement' | 'invitation' | 'admissionNotice' | 'medicineSupply';

export const DEADLINE_RULES: readonly DeadlineRule[] = Object.freeze([
  'acknowledgement',
  'invitation',
  'admissionNotice',
  'medicineSupply',
] as const);

export interface CalendarOptions {
  /** 'HH:MM' local time; an invitation sent on a weekday at or before this minute is received that day. */
  invitationCutoff: string;
}

export const DEFAULT_CALENDAR_OPTIONS: CalendarOptions = Object.freeze({ invitationCutoff: '14:00' });

export interface Deadline {
  rule: DeadlineRule;
  /** the instant the deadline passes (timers fire here) */
  at: Date;
  /** `at` as ISO-8601 with the Stockholm offset, e.g. '2026-12-29T00:00:00.000+01:00' */
  iso: string;
  /** the local date the deadline belongs to (end-of-day rules: the last day one may still act) */
  localDate: LocalDate;
  /** true for end-of-day rules; then `at` is the local midnight that ends `localDate` */
  endOfDay: boolean;
  /** short English explanation of how the deadline was derived */
  basis: string;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers
// ---------------------------------------------------------------------------------------------

const CUTOFF_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function assertLocalDate(s: unknown, what = 'date'): asserts s is LocalDate {
  if (typeof s !== 'string' || !isValidLocalDate(s)) {
    throw new RangeError(`Invalid ${what}: expected a calendar date 'YYYY-MM-DD', got ${JSON.stringify(s)}`);
  }
}

function assertInstant(d: unknown, what: string): asserts d is Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new RangeError(`Invalid ${what}: expected a valid Date, got ${d instanceof Date ? 'Invalid Date' : JSON.stringify(d)}`);
  }
}

/** Parses 'HH:MM' (00:00–23:59) into minutes after local midnight. */
function cutoffMinutes(cutoff: unknown): number {
  const m = typeof cutoff === 'string' ? CUTOFF_RE.exec(cutoff) : null;
  if (!m) {
    throw new RangeError(`Invalid invitationCutoff: expected 'HH:MM' between 00:00 and 23:59, got ${JSON.stringify(cutoff)}`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

// ---------------------------------------------------------------------------------------------
// Holidays (date-holidays, country SE), built per year lazily and cached
// ---------------------------------------------------------------------------------------------

/** Types that make a day a non-weekday: `public` = allmän helgdag, `bank` = midsommar-/jul-/nyårsafton. */
const NON_WEEKDAY_TYPES: ReadonlySet<string> = new Set(['public', 'bank']);

let holidaySource: Holidays | undefined;
function source(): Holidays {
  holidaySource ??= new Holidays('SE', { languages: 'sv', timezone: TIME_ZONE });
  return holidaySource;
}

/** year → (LocalDate → holiday name(s)) of the non-weekday holidays in that year */
const holidayCache = new Map<number, ReadonlyMap<LocalDate, string>>();

function nonWeekdayHolidays(year: number): ReadonlyMap<LocalDate, string> {
  let map = holidayCache.get(year);
  if (map) return map;
  const built = new Map<LocalDate, string>();
  const prefix = `${String(year).padStart(4, '0')}-`;
  // Also scan the previous year so that a (hypothetical) multi-day holiday spilling over New Year
  // is attributed to the year its days fall in. SE has no such holidays in date-holidays 3.37.
  for (const y of [year - 1, year]) {
    if (y < 1) continue;
    const list = source().getHolidays(y) || [];
    for (const h of list) {
      if (!NON_WEEKDAY_TYPES.has(h.type)) continue;
      // Swedish law (Lag 1989:253, Lag 1930:173) knows no substitute days ("klämdagar" are not
      // helgdagar). date-holidays carries none for SE; should one ever appear we ignore it rather
      // than invent a non-weekday the law does not know.
      if (h.substitute) continue;
      // `date` is 'YYYY-MM-DD hh:mm:ss' in the holiday's zone: the first day is its date part.
      // A holiday may span several days (`end` is the exclusive end): include every local date
      // from its first day up to the day containing end − 1 ms.
      const first = h.date.slice(0, 10);
      if (!isValidLocalDate(first)) continue;
      const lastInstant = h.end instanceof Date ? new Date(h.end.getTime() - 1) : undefined;
      const last = lastInstant && !Number.isNaN(lastInstant.getTime()) ? localDateOf(lastInstant) : first;
      const span = Math.max(0, Math.min(calendarDaysBetween(first, last), 366));
      for (let i = 0; i <= span; i++) {
        const d = addDays(first, i);
        if (!d.startsWith(prefix)) continue;
        const existing = built.get(d);
        if (existing === undefined) built.set(d, h.name);
        else if (!existing.split(' / ').includes(h.name)) built.set(d, `${existing} / ${h.name}`);
      }
    }
  }
  map = built;
  holidayCache.set(year, map);
  return map;
}

function holidayName(date: LocalDate): string | undefined {
  return nonWeekdayHolidays(Number(date.slice(0, 4))).get(date);
}

// ---------------------------------------------------------------------------------------------
// Public calendar functions
// ---------------------------------------------------------------------------------------------

/**
 * Why `date` is not a weekday: the holiday's Swedish name (e.g. 'julafton', 'nationaldagen'; a
 * holiday wins over the day of the week when it falls on a weekend), 'Saturday' or 'Sunday';
 * null for a weekday.
 */
export function nonWeekdayReason(date: LocalDate): string | null {
  assertLocalDate(date);
  const holiday = holidayName(date);
  if (holiday !== undefined) return holiday;
  const dow = dayOfWeek(date);
  if (dow === 0 || dow === 6) return WEEKDAY_NAMES[dow];
  return null;
}

/** Weekday (vardag) per Lag (1930:173). */
export function isWeekday(date: LocalDate): boolean {
  return nonWeekdayReason(date) === null;
}

/** The first weekday strictly after `date`. */
export function nextWeekday(date: LocalDate): LocalDate {
  assertLocalDate(date);
  let d = addDays(date, 1);
  while (!isWeekday(d)) d = addDays(d, 1);
  return d;
}

/** The n-th weekday strictly after `date` (n = 0 → `date` itself, weekday or not). */
export function addWeekdays(date: LocalDate, n: number): LocalDate {
  assertLocalDate(date);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Invalid weekday count: expected a non-negative integer, got ${String(n)}`);
  }
  let d = date;
  for (let i = 0; i < n; i++) d = nextWeekday(d);
  return d;
}

/** Calendar days from `from` to `to` (same day = 0). Throws RangeError if `to` is before `from`. */
export function readyDays(from: LocalDate, to: LocalDate): number {
  assertLocalDate(from, 'from date');
  assertLocalDate(to, 'to date');
  const days = calendarDaysBetween(from, to);
  if (days < 0) throw new RangeError(`Invalid range: ${to} is before ${from}`);
  return days;
}

// ---------------------------------------------------------------------------------------------
// Deadlines
// ---------------------------------------------------------------------------------------------

function endOfDayDeadline(rule: DeadlineRule, localDate: LocalDate, basis: string): Deadline {
  const at = endOfLocalDay(localDate);
  // `at` is local 00:00 of the next day, written with the offset in force at that midnight
  return { rule, at, iso: localIsoOf(at), localDate, endOfDay: true, basis };
}

/** General rule (001 §6.1): acknowledge by the end of the first weekday after the day sent. */
export function acknowledgementDeadline(sentAt: Date): Deadline {
  assertInstant(sentAt, 'sentAt');
  const sentDay = localDateOf(sentAt);
  return endOfDayDeadline('acknowledgement', nextWeekday(sentDay), `end of the first weekday after ${sentDay}`);
}

/**
 * Planning invitation (001 §6.1 step 6a, receipt-day reading): sent on a weekday at or before the
 * cutoff minute (seconds ignored) → received that day; otherwise received the next weekday.
 * Deadline: end of the first weekday after the day of receipt.
 */
export function invitationDeadline(sentAt: Date, options: CalendarOptions = DEFAULT_CALENDAR_OPTIONS): Deadline {
  assertInstant(sentAt, 'sentAt');
  if (options === null || typeof options !== 'object') {
    throw new RangeError(`Invalid calendar options: expected { invitationCutoff: 'HH:MM' }`);
  }
  const cutoff = cutoffMinutes(options.invitationCutoff);
  const { date: sentDay, hour, minute, time: sentTime } = localTimeOf(sentAt);
  const sentMinute = hour * 60 + minute;
  let receivedDay: LocalDate;
  let why: string;
  if (!isWeekday(sentDay)) {
    receivedDay = nextWeekday(sentDay);
    why = `sent ${sentDay} ${sentTime}, not a weekday (${nonWeekdayReason(sentDay) ?? ''})`;
  } else if (sentMinute <= cutoff) {
    receivedDay = sentDay;
    why = `sent ${sentDay} ${sentTime}, at or before the ${options.invitationCutoff} cutoff`;
  } else {
    receivedDay = nextWeekday(sentDay);
    why = `sent ${sentDay} ${sentTime}, after the ${options.invitationCutoff} cutoff`;
  }
  return endOfDayDeadline(
    'invitation',
    nextWeekday(receivedDay),
    `${why}: received ${receivedDay}; end of the first weekday after ${receivedDay}`,
  );
}

/** Admission notice (001 §6.1 step 2): exactly 24 clock hours after admission, weekends included. */
export function admissionNoticeDeadline(admittedAt: Date): Deadline {
  assertInstant(admittedAt, 'admittedAt');
  const at = addClockHours(admittedAt, 24);
  return {
    rule: 'admissionNotice',
    at,
    iso: localIsoOf(at),
    localDate: localDateOf(at),
    endOfDay: false,
    basis: `24 clock hours after admission at ${localIsoOf(admittedAt)}`,
  };
}

/**
 * Admission notice "inom 24 timmar från inskrivning … eller efter första medicinska ronden"
 * (001 §6.1 step 2; docs/domain.md §4 step 2 decision): when the 24 hours end on a non-weekday, the
 * first medical round is assumed on the first weekday after the admission day, and the notice is
 * due by the end of that day — so a patient admitted on a Saturday is not late on Sunday.
 * Otherwise 24 clock hours. (A round staff record moves it the same way: the later of the two.)
 */
export function admissionNoticeAfterFirstRound(admittedAt: Date): Deadline {
  const plain = admissionNoticeDeadline(admittedAt);
  if (isWeekday(plain.localDate)) return plain;
  const roundDay = nextWeekday(localDateOf(admittedAt));
  const afterRound = endOfDayDeadline(
    'admissionNotice',
    roundDay,
    `24 clock hours after admission end on ${plain.localDate}, not a weekday (${nonWeekdayReason(plain.localDate) ?? ''}): after the first medical round, assumed on ${roundDay}; end of that day`,
  );
  return afterRound.at.getTime() > plain.at.getTime() ? afterRound : plain;
}

/** Medicines at home (001 §5.5, step 8): secured until the end of the third weekday after the discharge date. */
export function medicineSuppliedUntil(dischargedAt: Date): Deadline {
  assertInstant(dischargedAt, 'dischargedAt');
  const day = localDateOf(dischargedAt);
  return endOfDayDeadline('medicineSupply', addWeekdays(day, 3), `end of the third weekday after discharge on ${day}`);
}

/** Dispatches to the rule's function. */
export function computeDeadline(rule: DeadlineRule, at: Date, options: CalendarOptions = DEFAULT_CALENDAR_OPTIONS): Deadline {
  switch (rule) {
    case 'acknowledgement':
      return acknowledgementDeadline(at);
    case 'invitation':
      return invitationDeadline(at, options);
    case 'admissionNotice':
      return admissionNoticeDeadline(at);
    case 'medicineSupply':
      return medicineSuppliedUntil(at);
    default: {
      const unknown: never = rule;
      throw new RangeError(`Unknown deadline rule ${JSON.stringify(unknown)}; expected one of ${DEADLINE_RULES.join(', ')}`);
    }
  }
}
