/** Dates, times and durations as Swedish staff read them, in Swedish time (Europe/Stockholm). */
const TZ = 'Europe/Stockholm';

const dayMonth = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, weekday: 'long', day: 'numeric', month: 'long' });
const dateTime = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const time = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });

/** "tisdag 29 december" of an instant, or of a local date (YYYY-MM-DD). */
export function weekdayDate(isoOrDate: string): string {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? new Date(`${isoOrDate}T12:00:00Z`) : new Date(isoOrDate);
  return dayMonth.format(d);
}

/**
 * A deadline: "tisdag 29 december" when it is the end of a day (the instant is local midnight, as
 * the calendar's end-of-day deadlines are), else "tisdag 29 december kl. 16:00".
 */
export function deadlineSv(iso: string): string {
  return time.format(new Date(iso)) === '00:00' ? weekdayDate(new Date(Date.parse(iso) - 1).toISOString()) : weekdayDateTime(iso);
}

/** "tisdag 29 december kl. 16:00" */
export function weekdayDateTime(iso: string): string {
  return `${weekdayDate(iso)} kl. ${time.format(new Date(iso))}`;
}

export function dateTimeSv(iso: string | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '–';
}

/** How long: "2 dagar och 3 timmar", "45 minuter". */
export function durationSv(ms: number): string {
  const minutes = Math.max(1, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const part = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (days > 0) return hours > 0 ? `${part(days, 'dag', 'dagar')} och ${part(hours, 'timme', 'timmar')}` : part(days, 'dag', 'dagar');
  if (hours > 0) return mins > 0 ? `${part(hours, 'timme', 'timmar')} och ${part(mins, 'minut', 'minuter')}` : part(hours, 'timme', 'timmar');
  return part(mins, 'minut', 'minuter');
}

/** Today in Swedish time, YYYY-MM-DD. */
export function todaySv(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: TZ }).format(new Date());
}

/** An instant from a local date-time input (YYYY-MM-DDTHH:mm, Swedish time) as ISO 8601 with offset. */
export function localInputToIso(v: string): string {
  // the offset of Stockholm at that moment (CET +01:00 or CEST +02:00)
  const guess = new Date(`${v}:00Z`);
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, timeZoneName: 'longOffset' }).formatToParts(guess);
  const off = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') || '+00:00';
  return `${v}:00${off === '' ? '+00:00' : off}`;
}
