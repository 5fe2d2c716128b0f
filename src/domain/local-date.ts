/**
 * The Europe/Stockholm calendar date of an instant, without time-zone data: the workflow sandbox
 * has none, and a refusal rule (src/domain/discharge/actions.ts) must be decided inside the
 * workflow's validator, where no activity can be called. Sweden keeps the EU rule since 1996:
 * CET (UTC+1), and CEST (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of
 * October 01:00 UTC. The calendar module (luxon with time-zone data) stays the authority; a unit
 * test checks this function against it.
 */

/** The instant (ms) of 01:00 UTC on the last Sunday of `month` (0-based) in `year`. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)); // day 0 of the next month
  const back = lastDay.getUTCDay(); // 0 = Sunday
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

/** UTC offset of Stockholm at `ms`, in hours (1 or 2). */
export function stockholmOffsetHours(ms: number): 1 | 2 {
  const year = new Date(ms).getUTCFullYear();
  return ms >= lastSundayAt0100Utc(year, 2) && ms < lastSundayAt0100Utc(year, 9) ? 2 : 1;
}

/** 'YYYY-MM-DD' in Stockholm of an ISO instant; undefined if it does not parse. */
export function stockholmDateOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms + stockholmOffsetHours(ms) * 3_600_000).toISOString().slice(0, 10);
}

// ---- calendar dates ('YYYY-MM-DD'): days are counted on the date, never on an instant ---------

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** The date `n` calendar days after `date` (before, for negative `n`). */
export function addCalendarDays(date: string, n: number): string {
  return new Date((dayNumber(date) + n) * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier; NaN when either does not parse). */
export function calendarDaysBetween(from: string, to: string): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}
