/**
 * The monthly indicators of docs/domain.md §9 (sources: 000's follow-up, 002's goals, 004 §4.1's list
 * of what SKL publishes monthly), computed from ledger facts. Pure: the SQL that gathers the facts
 * lives in `src/db/indicators.ts`, the HTTP shape in `src/api/routes/indicators.ts`.
 *
 * Cohorts (decision, documented in the README): an episode belongs to a period
 * - by its **admission date** for the admission indicators (ready share, notice within 24 hours,
 *   named care contact), and
 * - by its **discharge date** for everything about ready days, planning, SIP, needs and
 *   readmission — the same month an episode belongs to in billing (docs/domain.md §7).
 * No figure here carries a patient reference: `patientRef` is only used to count individuals and
 * to link readmissions, and never leaves this module.
 */
import { readinessOf } from './billing/readiness';
import type { DeviationType } from './obligations';
import { addCalendarDays, calendarDaysBetween, clockHoursBetween, isValidLocalDate, type LocalDate } from './local-date';

/** healthCentre: the patient's health centre (vårdcentral/HC, 004 §4.1 "Gärna även per HC") */
export type GroupBy = 'municipality' | 'hospital' | 'unit' | 'healthCentre';
/** 004 §3.2 reports psychiatry's target group apart from the whole target group */
export type CareFilter = 'all' | 'psychiatric' | 'somatic';
export type NeedsCategory = 'unchanged' | 'newSocialServices' | 'newHealthCare' | 'newAdvancedHealthCare';
export const NEEDS_CATEGORIES: readonly NeedsCategory[] = ['unchanged', 'newSocialServices', 'newHealthCare', 'newAdvancedHealthCare'];

/** §9: "all ages and > 65" */
export const OVER_AGE = 65;
/** §9 / 002: "share staying 4 days or more" */
export const LONG_STAY_DAYS = 4;
/** §9: unplanned readmission within 30 days */
export const READMISSION_DAYS = 30;

/** A discharge episode as the indicators see it; dates are Europe/Stockholm local dates. */
export interface IndicatorEpisode {
  episodeId: string;
  /** pseudonym; only for counting individuals and linking readmissions */
  patientRef: string;
  municipality: string;
  hospital: string | null;
  unit: string;
  /** HSA id of the health centre (vårdcentral) the patient is listed at; null or absent when not recorded */
  healthCentre?: string | null;
  psychiatric: boolean;
  ageAtAdmission: number | null;
  admittedAt: string;
  admittedDate: LocalDate;
  admissionNoticeSentAt: string | null;
  /** `notifiedDate`: the Stockholm date the ready message was sent (ready days run from it, docs/domain.md §7) */
  readyPeriods: { readyDate: LocalDate; endedDate: LocalDate | null; notifiedDate?: LocalDate | null }[];
  dischargeDate: LocalDate | null;
  consent: 'given' | 'declined' | null;
  planningFlow: string | null;
  needsCategory: NeedsCategory | null;
  namedCareContactAt: string | null;
  invitationSentDate: LocalDate | null;
  sipCreatedDate: LocalDate | null;
  sipCompletedDate: LocalDate | null;
  /** when every party but inpatient care had acknowledged the SIP (kvitterad); null until then */
  sipAcknowledgedDate: LocalDate | null;
}

/** One admission of a patient, for linking readmissions; `admissionType` null when not stated. */
export interface IndicatorAdmission {
  episodeId: string;
  admittedDate: LocalDate;
  admissionType?: 'acute' | 'planned' | null;
}

export interface IndicatorDeviation {
  /** of a discharge episode: its care type; null for home care and home visits */
  psychiatric: boolean | null;
  municipality: string;
  hospital: string | null;
  unit: string | null;
  type: DeviationType | string;
  responsibleKind: string;
  responsibleId: string;
  /** inside a declared downtime: excluded from the responsible party's figures (§6) */
  downtime: boolean;
}

export interface IndicatorEnrollment {
  municipality: string;
  ageAtStart: number | null;
  /** enrolled on or before the period's end and not ended before its start */
  activeInPeriod: boolean;
  newInPeriod: boolean;
  endedInPeriod: boolean;
}

/** Invoiced amounts of final invoices of the period's months (§7), per municipality. */
export interface IndicatorPayment {
  municipality: string;
  totalOre: number;
  /** amounts of the individual-level invoice lines (gavleborg-2019: > 7 days) */
  individualOre: number[];
}

export interface Period {
  /** inclusive */
  from: LocalDate;
  /** exclusive */
  toExclusive: LocalDate;
}

export interface Ratio {
  count: number;
  of: number;
  /** count / of, 4 decimals; null when `of` is 0 */
  share: number | null;
}

export interface Spread {
  count: number;
  sum: number;
  average: number | null;
  median: number | null;
  p90: number | null;
}

// ---- statistics ------------------------------------------------------------------------------

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

export function ratio(count: number, of: number): Ratio {
  return { count, of, share: of === 0 ? null : round(count / of, 4) };
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The p-th percentile by the nearest-rank method: the smallest value with at least p % of the
 * values at or below it. Always one of the observed values (a whole number of days), which is
 * what "9 of 10 patients stayed at most N days" means to a reader.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const s = [...values].sort((a, b) => a - b);
  return s[Math.ceil((p / 100) * s.length) - 1]!;
}

export function spread(values: readonly number[], decimals = 2): Spread {
  const m = mean(values);
  return {
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    average: m === null ? null : round(m, decimals),
    median: median(values),
    p90: percentile(values, 90),
  };
}

// ---- per-episode facts -----------------------------------------------------------------------

/**
 * Ready days of a discharged episode (§7, the billing engine's rule in ./billing/readiness.ts):
 * every ready period counts from the day the municipality was notified, same-day discharge = 0, a
 * period ending before it starts 0. Null when there is nothing to count: not discharged, or a
 * ready period the ledger cannot date (then the episode is left out of the ready-day figures and
 * the report says how many were). Never throws.
 */
export function episodeReadyDays(e: Pick<IndicatorEpisode, 'readyPeriods' | 'dischargeDate'>): number | null {
  if (e.dischargeDate === null) return null;
  const r = readinessOf(e.readyPeriods, e.dischargeDate);
  return r.ok ? r.days : null;
}

const inPeriod = (d: LocalDate | null, p: Period): boolean => d !== null && p.from <= d && d < p.toExclusive;
const over65 = (age: number | null): boolean => age !== null && age > OVER_AGE;

/** 001 §6.1 step 2: the admission notice with the preliminary date within 24 clock hours. */
export function noticeWithin24h(e: Pick<IndicatorEpisode, 'admittedAt' | 'admissionNoticeSentAt'>): boolean {
  return e.admissionNoticeSentAt !== null && clockHoursBetween(e.admittedAt, e.admissionNoticeSentAt) <= 24;
}

/** 004 §4.1: the invitation by the end of the day `days` calendar days after the (first) ready date. */
export function invitationWithin(e: Pick<IndicatorEpisode, 'readyPeriods' | 'invitationSentDate'>, days: number): boolean {
  const ready = e.readyPeriods[0]?.readyDate;
  return ready !== undefined && isValidLocalDate(ready) && e.invitationSentDate !== null && e.invitationSentDate <= addCalendarDays(ready, days);
}

/**
 * Unplanned readmission: another episode of the same patient (pseudonym) admitted within 30 days
 * after this discharge and not recorded as a planned admission (planerad inskrivning). An
 * admission whose type was not stated counts as unplanned; the ledger holds only episodes of the
 * law's target group, so readmissions outside it are not seen.
 */
export function readmittedWithin(e: IndicatorEpisode, admissionsByPatient: ReadonlyMap<string, readonly IndicatorAdmission[]>, days = READMISSION_DAYS): boolean {
  if (e.dischargeDate === null) return false;
  const last = addCalendarDays(e.dischargeDate, days);
  return (admissionsByPatient.get(e.patientRef) ?? []).some(
    (a) => a.episodeId !== e.episodeId && a.admissionType !== 'planned' && a.admittedDate >= e.dischargeDate! && a.admittedDate <= last,
  );
}

// ---- one group's indicators ------------------------------------------------------------------

export interface NeedsSplit {
  /** episodes with a recorded category */
  recorded: number;
  /** discharged episodes without one (the category is set only when planning was needed) */
  notRecorded: number;
  counts: Record<NeedsCategory, number>;
  shares: Record<NeedsCategory, number | null>;
}

export interface GroupIndicators {
  admissions: { admitted: number; ready: Ratio; readyOver65: Ratio };
  readyDays: Spread & {
    /** discharged episodes that were ready at least once */
    episodes: number;
    /** of those, episodes whose ready periods the ledger cannot date: not in the figures (the report says so) */
    cannotCompute: number;
    individuals: number;
    daysPerIndividual: number | null;
    dischargedOnReadyDay: Ratio;
    fourDaysOrMore: Ratio;
    over65: Spread;
  };
  admissionNoticeWithin24h: Ratio;
  namedCareContact: Ratio;
  invitationWithinDays: Ratio;
  sipDeclined: number;
  sipsEstablished: number;
  sipsCompleted: number;
  /** SIPs acknowledged (kvitterade) by every party but inpatient care in the period */
  sipsAcknowledged: number;
  readmission30Days: { all: Ratio; over65: Ratio };
  needsBeforeDischarge: { psychiatric: NeedsSplit; somatic: NeedsSplit };
  /**
   * 004 §4.2 "Vårdtider i snitt, per slutenvårdsavdelning och per kommun": calendar days from the
   * admission date to the discharge date of the episodes discharged in the period (group by unit
   * or municipality for the two breakdowns)
   */
  lengthOfStay: Spread;
}

export interface IndicatorContext {
  period: Period;
  /** 004 §4.1, configurable per region (Region.process.invitationLateDays) */
  invitationDays: number;
  /** every admission of the region's patients from the period's start to 30 days after its end */
  admissionsByPatient: ReadonlyMap<string, readonly IndicatorAdmission[]>;
}

function needsSplit(eps: readonly IndicatorEpisode[]): NeedsSplit {
  const counts = Object.fromEntries(NEEDS_CATEGORIES.map((c) => [c, 0])) as Record<NeedsCategory, number>;
  let notRecorded = 0;
  for (const e of eps) {
    if (e.needsCategory && e.needsCategory in counts) counts[e.needsCategory] += 1;
    else notRecorded += 1;
  }
  const recorded = eps.length - notRecorded;
  const shares = Object.fromEntries(NEEDS_CATEGORIES.map((c) => [c, ratio(counts[c], recorded).share])) as Record<NeedsCategory, number | null>;
  return { recorded, notRecorded, counts, shares };
}

/** §9 for the episodes of one group (a municipality, hospital or unit, or the whole region). */
export function groupIndicators(episodes: readonly IndicatorEpisode[], ctx: IndicatorContext): GroupIndicators {
  const { period } = ctx;
  const admitted = episodes.filter((e) => inPeriod(e.admittedDate, period));
  const admitted65 = admitted.filter((e) => over65(e.ageAtAdmission));
  const wasReady = (e: IndicatorEpisode) => e.readyPeriods.length > 0;
  const discharged = episodes.filter((e) => inPeriod(e.dischargeDate, period));
  const readyWithDays = discharged.filter(wasReady).map((e) => ({ e, days: episodeReadyDays(e) }));
  const counted = readyWithDays.filter((x): x is { e: IndicatorEpisode; days: number } => x.days !== null);
  const dischargedReady = counted.map((x) => x.e);
  const days = counted.map((x) => x.days);
  const individuals = new Set(dischargedReady.map((e) => e.patientRef)).size;
  const total = days.reduce((a, b) => a + b, 0);
  const withNotice = admitted.filter((e) => e.admissionNoticeSentAt !== null);
  const inFlowA = readyWithDays.map((x) => x.e).filter((e) => e.planningFlow === 'a' && e.consent === 'given');
  const discharged65 = discharged.filter((e) => over65(e.ageAtAdmission));
  return {
    admissions: {
      admitted: admitted.length,
      ready: ratio(admitted.filter(wasReady).length, admitted.length),
      readyOver65: ratio(admitted65.filter(wasReady).length, admitted65.length),
    },
    readyDays: {
      ...spread(days),
      episodes: dischargedReady.length,
      cannotCompute: readyWithDays.length - counted.length,
      individuals,
      daysPerIndividual: individuals === 0 ? null : round(total / individuals, 2),
      dischargedOnReadyDay: ratio(days.filter((d) => d === 0).length, days.length),
      fourDaysOrMore: ratio(days.filter((d) => d >= LONG_STAY_DAYS).length, days.length),
      over65: spread(counted.filter((x) => over65(x.e.ageAtAdmission)).map((x) => x.days)),
    },
    admissionNoticeWithin24h: ratio(admitted.filter(noticeWithin24h).length, admitted.length),
    // 001 §6.1 step 3: appointed on receipt of the admission notice
    namedCareContact: ratio(withNotice.filter((e) => e.namedCareContactAt !== null).length, withNotice.length),
    // 004 §4.1: "där det är aktuellt med samordnad plan" = flow (a) with consent
    invitationWithinDays: ratio(inFlowA.filter((e) => invitationWithin(e, ctx.invitationDays)).length, inFlowA.length),
    sipDeclined: discharged.filter((e) => e.consent === 'declined').length,
    sipsEstablished: episodes.filter((e) => inPeriod(e.sipCreatedDate, period)).length,
    sipsCompleted: episodes.filter((e) => inPeriod(e.sipCompletedDate, period)).length,
    sipsAcknowledged: episodes.filter((e) => inPeriod(e.sipAcknowledgedDate, period)).length,
    readmission30Days: {
      all: ratio(discharged.filter((e) => readmittedWithin(e, ctx.admissionsByPatient)).length, discharged.length),
      over65: ratio(discharged65.filter((e) => readmittedWithin(e, ctx.admissionsByPatient)).length, discharged65.length),
    },
    needsBeforeDischarge: {
      psychiatric: needsSplit(discharged.filter((e) => e.psychiatric)),
      somatic: needsSplit(discharged.filter((e) => !e.psychiatric)),
    },
    lengthOfStay: spread(discharged.flatMap((e) => {
      const d = lengthOfStayDays(e);
      return d === null ? [] : [d];
    })),
  };
}

/** Calendar days from admission to discharge (both local dates); null when not discharged or the dates are reversed. */
export function lengthOfStayDays(e: Pick<IndicatorEpisode, 'admittedDate' | 'dischargeDate'>): number | null {
  if (e.dischargeDate === null) return null;
  const days = calendarDaysBetween(e.admittedDate, e.dischargeDate);
  return Number.isNaN(days) || days < 0 ? null : days;
}

export interface DeviationCounts {
  /** deviations outside declared downtime */
  total: number;
  byType: Record<string, number>;
  byResponsible: { kind: string; id: string; count: number }[];
  /** raised during declared downtime; not in the figures above (§6) */
  downtimeExcluded: number;
}

export function deviationCounts(devs: readonly IndicatorDeviation[]): DeviationCounts {
  const counted = devs.filter((d) => !d.downtime);
  const byType: Record<string, number> = {};
  const byResp = new Map<string, { kind: string; id: string; count: number }>();
  for (const d of counted) {
    byType[d.type] = (byType[d.type] ?? 0) + 1;
    const k = `${d.responsibleKind}:${d.responsibleId}`;
    const r = byResp.get(k) ?? { kind: d.responsibleKind, id: d.responsibleId, count: 0 };
    r.count += 1;
    byResp.set(k, r);
  }
  const byResponsible = [...byResp.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  return { total: counted.length, byType, byResponsible, downtimeExcluded: devs.length - counted.length };
}

export interface HomeCareCounts {
  patients: number;
  patientsOver65: number;
  patientsUpTo65: number;
  new: number;
  ended: number;
}

/** §9 home health care: patients per municipality, new and ended, under/over 65. */
export function homeCareCounts(rows: readonly IndicatorEnrollment[]): HomeCareCounts {
  const active = rows.filter((r) => r.activeInPeriod);
  return {
    patients: active.length,
    patientsOver65: active.filter((r) => over65(r.ageAtStart)).length,
    patientsUpTo65: active.filter((r) => !over65(r.ageAtStart)).length,
    new: rows.filter((r) => r.newInPeriod).length,
    ended: rows.filter((r) => r.endedInPeriod).length,
  };
}

export interface PaymentCounts {
  invoicedOre: number;
  individual: Spread;
}

export function paymentCounts(rows: readonly IndicatorPayment[]): PaymentCounts {
  return {
    invoicedOre: rows.reduce((a, r) => a + r.totalOre, 0),
    individual: spread(rows.flatMap((r) => r.individualOre), 0),
  };
}

/** Episodes and deviations of one care type; home care and payment are not split by it. */
export function byCare<T extends { psychiatric: boolean | null }>(items: readonly T[], care: CareFilter): T[] {
  return care === 'all' ? [...items] : items.filter((x) => x.psychiatric === (care === 'psychiatric'));
}

/** The group an episode or deviation falls in; null keys are reported as 'unknown'. */
export function groupKeyOf(groupBy: GroupBy, x: { municipality: string; hospital: string | null; unit: string | null; healthCentre?: string | null }): string {
  const v = groupBy === 'municipality' ? x.municipality : groupBy === 'hospital' ? x.hospital : groupBy === 'healthCentre' ? (x.healthCentre ?? null) : x.unit;
  return v ?? 'unknown';
}
