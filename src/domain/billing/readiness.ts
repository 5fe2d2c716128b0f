/**
 * Ready days of an episode (docs/domain.md §7 "Ready days of an episode"), the one rule the billing
 * engine and the indicators (§9) share:
 *
 * - a ready period counts calendar days from the day the municipality was notified of
 *   utskrivningsklar — the Stockholm date the ready message was sent (`notifiedDate`) — never
 *   before, and never before the ready date itself, to the day the period ended (withdrawal,
 *   cancellation) or else the episode's end (the discharge): discharged the same day = 0 days;
 * - a period that ends before it starts (discharged or cancelled before a ready date that lay
 *   after the day it was entered, accepted before that was refused) counts 0 days;
 * - every ready period of an episode withdrawn and ready again counts.
 *
 * Ledgers written before the ready message's send time was read (and hand-built episodes) have no
 * `notifiedDate`: the ready date is then the best we know of the notification.
 *
 * Total: any input gives an answer, never an exception. What cannot be dated at all (a date that
 * is not a calendar date, an open period of an episode without an end) is `ok: false` with a code
 * and a sentence, so the caller lists the episode as "cannot compute" and computes the rest.
 */
import { isValidLocalDate, readyDays, type LocalDate } from '../calendar';

export interface ReadyPeriodFacts {
  readyDate: LocalDate;
  /** discharge, withdrawal or cancellation date; null while open (then the episode's end) */
  endedDate: LocalDate | null;
  /** the Stockholm date the ready message was sent; absent or null when the ledger does not know */
  notifiedDate?: LocalDate | null;
}

export interface PeriodReadiness {
  /** the first day that counts: the later of the ready date and the day of notification */
  from: LocalDate;
  /** the day the period ended (or the episode's end) */
  to: LocalDate;
  days: number;
  /** what a billing officer should look at (the period counted 0 days or started late), else null */
  anomaly: string | null;
}

/** DAILY_AMOUNT_MISSING: an out-of-county episode (charged under the law) in a month whose rule set has no daily amount and none is registered */
export type CannotComputeCode = 'READY_PERIOD_UNDATED' | 'END_DATE_MISSING' | 'EPISODE_MALFORMED' | 'COMPUTATION_FAILED' | 'DAILY_AMOUNT_MISSING';

export type Readiness =
  | { ok: true; days: number; periods: PeriodReadiness[]; anomalies: string[] }
  | { ok: false; code: CannotComputeCode; reason: string };

const isDate = (v: unknown): v is LocalDate => typeof v === 'string' && isValidLocalDate(v);

/** The readiness of one episode's periods ending (when open) at `episodeEnd`. Never throws. */
export function readinessOf(periods: readonly ReadyPeriodFacts[] | null | undefined, episodeEnd: LocalDate | null | undefined): Readiness {
  if (!Array.isArray(periods)) return { ok: false, code: 'EPISODE_MALFORMED', reason: 'the episode has no list of ready periods' };
  const out: PeriodReadiness[] = [];
  const anomalies: string[] = [];
  for (const [i, p] of periods.entries()) {
    const n = i + 1;
    if (p === null || typeof p !== 'object') return { ok: false, code: 'EPISODE_MALFORMED', reason: `ready period ${n} is not a period` };
    if (!isDate(p.readyDate)) return { ok: false, code: 'READY_PERIOD_UNDATED', reason: `ready period ${n} has no valid ready date (${JSON.stringify(p.readyDate ?? null)})` };
    if (p.endedDate !== null && p.endedDate !== undefined && !isDate(p.endedDate)) {
      return { ok: false, code: 'READY_PERIOD_UNDATED', reason: `ready period ${n} has an end date that is not a date (${JSON.stringify(p.endedDate)})` };
    }
    const notified = p.notifiedDate ?? null;
    if (notified !== null && !isDate(notified)) {
      return { ok: false, code: 'READY_PERIOD_UNDATED', reason: `ready period ${n}: the day its ready message was sent is not a date (${JSON.stringify(notified)})` };
    }
    const to = p.endedDate ?? episodeEnd ?? null;
    if (to === null) return { ok: false, code: 'END_DATE_MISSING', reason: `ready period ${n} is open and the episode has no discharge or cancellation date` };
    if (!isDate(to)) return { ok: false, code: 'END_DATE_MISSING', reason: `the episode's end date is not a date (${JSON.stringify(to)})` };
    // liability runs from notification, never before (docs/domain.md §7); nor before the ready date
    const from = notified !== null && notified > p.readyDate ? notified : p.readyDate;
    let anomaly: string | null = null;
    if (notified !== null && p.readyDate > notified) {
      anomaly = `ready period ${n}: ready date ${p.readyDate} lies after the day the ready message was sent (${notified})`;
    }
    let days = 0;
    if (to < from) {
      anomaly = `${anomaly ?? `ready period ${n}`}: it ends ${to}, before it starts ${from}; counted 0 days`;
    } else {
      days = readyDays(from, to);
    }
    if (anomaly) anomalies.push(anomaly);
    out.push({ from, to, days, anomaly });
  }
  return { ok: true, days: out.reduce((s, p) => s + p.days, 0), periods: out, anomalies };
}
