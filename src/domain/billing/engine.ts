/**
 * The billing engine: one pure function from (rule set, frozen episodes, month context) to the
 * invoice basis of every municipality (DOMAIN.md §7). Every rule set is parameters of this code
 * (rule-sets.ts); the only named calculation is the 2018 transitional twelfth (001).
 *
 * Guarantees the tests check: the result does not depend on the order of the episodes; the same
 * input gives the same output; every municipality's total is the sum of its invoice lines and
 * the month's total the sum of the municipalities' totals (money.ts for the rounding rule).
 */
import { readyDays as calendarDays } from '../calendar';
import { NationalAverageMissingError } from './daily-amounts';
import { mulDivRound, sum } from './money';
import { monthlyTwelfthOre } from './transitional-2018';
import type {
  BasisLine,
  BillingEpisode,
  CheckpointStatus,
  Corrections,
  InvoiceLine,
  Month,
  MonthBasis,
  MunicipalityBasis,
  RuleSetParams,
} from './types';

export interface EngineContext {
  month: Month;
  /** every municipality of the region gets a basis, also one without episodes */
  municipalities: readonly string[];
  /** öre per day for the month's year; required unless the rule set is the transitional twelfth */
  dailyAmountOre: number | null;
  /** national average ready days by year, in hundredths (benchmarks "configured yearly", 000) */
  nationalAverages?: ReadonlyMap<number, number>;
  /** rolling window: the counted episodes of the previous months (already final there) */
  history?: readonly BillingEpisode[];
  /** accepted review corrections: line ref → reason code */
  corrections?: Corrections;
}

export function needsDailyAmount(params: RuleSetParams): boolean {
  return params.calculation !== 'transitionalTwelfth';
}

/** Ready days of an episode: every ready period counts (DOMAIN.md §7), same-day discharge = 0. */
export function episodeReadyDays(e: BillingEpisode): number {
  return sum(e.readyPeriods.map((p) => periodDays(e, p.readyDate, p.endedDate)));
}

function periodDays(e: BillingEpisode, from: string, to: string | null): number {
  try {
    return calendarDays(from, to ?? e.endDate);
  } catch (err) {
    throw new RangeError(`episode ${e.episodeId}: bad ready period ${from} … ${to ?? e.endDate}: ${(err as Error).message}`);
  }
}

/** Anonymised line references: '<kommunkod>-<seq>' in (end date, episode id) order per municipality. */
export function assignLineRefs(episodes: readonly BillingEpisode[]): { ref: string; episode: BillingEpisode }[] {
  const sorted = [...episodes].sort(
    (a, b) => cmp(a.municipality, b.municipality) || cmp(a.endDate, b.endDate) || cmp(a.episodeId, b.episodeId),
  );
  const seq = new Map<string, number>();
  return sorted.map((episode) => {
    const n = (seq.get(episode.municipality) ?? 0) + 1;
    seq.set(episode.municipality, n);
    return { ref: `${episode.municipality}-${String(n).padStart(5, '0')}`, episode };
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function computeMonth(params: RuleSetParams, episodes: readonly BillingEpisode[], ctx: EngineContext): MonthBasis {
  if (needsDailyAmount(params) && (ctx.dailyAmountOre === null || !Number.isSafeInteger(ctx.dailyAmountOre) || ctx.dailyAmountOre < 0)) {
    throw new RangeError(`rule set ${params.id} needs the daily amount for ${ctx.month}`);
  }
  const year = Number(ctx.month.slice(0, 4));
  const benchmark = params.calculation === 'average' ? benchmarkFor(params, ctx) : null;
  const corrections = ctx.corrections ?? new Map<string, string>();
  const withReadiness = episodes.filter((e) => e.readyPeriods.length > 0);

  const byMunicipality = new Map<string, BasisLine[]>();
  const episodesById = new Map<string, BillingEpisode>();
  for (const m of ctx.municipalities) byMunicipality.set(m, []);
  for (const { ref, episode } of assignLineRefs(withReadiness)) {
    episodesById.set(episode.episodeId, episode);
    const line = baseLine(params, ref, episode, corrections.get(ref));
    const list = byMunicipality.get(episode.municipality);
    if (list) list.push(line);
    else byMunicipality.set(episode.municipality, [line]);
  }
  const history = params.rollingWindowMonths > 1 ? groupHistory(params, ctx.history ?? []) : new Map<string, BasisLine[]>();

  const municipalities = [...byMunicipality.keys()].sort().map((m): MunicipalityBasis => {
    const lines = byMunicipality.get(m) ?? [];
    switch (params.calculation) {
      case 'perEpisode':
        return perEpisode(params, m, lines, episodesById, year, ctx.dailyAmountOre ?? 0);
      case 'average':
        return average(params, m, lines, history.get(m) ?? [], benchmark ?? 0, ctx.dailyAmountOre ?? 0);
      case 'transitionalTwelfth':
        return transitional(params, m, lines);
    }
  });
  return {
    ruleSetId: params.id,
    month: ctx.month,
    dailyAmountOre: ctx.dailyAmountOre,
    municipalities,
    totalOre: sum(municipalities.map((x) => x.totals.totalOre)),
  };
}

/** The benchmark in force for the month, in hundredths of a day, or a clear error. */
export function benchmarkFor(params: RuleSetParams, ctx: Pick<EngineContext, 'month' | 'nationalAverages'>): number {
  const b = params.benchmark;
  if (!b) throw new RangeError(`rule set ${params.id} is an average model without a benchmark`);
  const fixed = b.fixed.find((f) => f.from <= ctx.month && (!f.to || ctx.month <= f.to));
  if (fixed) return fixed.hundredths;
  const year = Number(ctx.month.slice(0, 4));
  if (b.otherwiseNationalAverageOfPreviousYear) {
    const v = ctx.nationalAverages?.get(year - 1);
    if (v === undefined) throw new NationalAverageMissingError(year - 1, params.id);
    return v;
  }
  throw new RangeError(`rule set ${params.id} has no benchmark for ${ctx.month}`);
}

function checkpointOf(params: RuleSetParams, e: BillingEpisode): CheckpointStatus {
  const { planningBasisDate, treatmentPlan } = params.checkpoints;
  if (!planningBasisDate && !treatmentPlan) return 'notRequired';
  const firstReady = e.readyPeriods[0]?.readyDate;
  // 002: the treatment plan must exist before the patient can be judged ready
  const planOk = !treatmentPlan || (e.treatmentPlanDate !== null && firstReady !== undefined && e.treatmentPlanDate <= firstReady);
  const basisOk = !planningBasisDate || e.planningBasisDate !== null;
  if (planOk && basisOk) return 'met';
  if (!planOk && !basisOk) return 'NO_PLANNING_BASIS_DATE_AND_TREATMENT_PLAN';
  return planOk ? 'NO_PLANNING_BASIS_DATE' : 'NO_TREATMENT_PLAN';
}

/** A line before the calculation decides: corrected and checkpoint-excluded lines are final here. */
function baseLine(params: RuleSetParams, lineRef: string, e: BillingEpisode, correction: string | undefined): BasisLine {
  const checkpoint = checkpointOf(params, e);
  const line: BasisLine = {
    lineRef,
    episodeId: e.episodeId,
    municipality: e.municipality,
    firstReadyDate: e.readyPeriods[0]?.readyDate ?? null,
    endDate: e.endDate,
    ending: e.ending,
    readyPeriods: e.readyPeriods.length,
    readyDays: episodeReadyDays(e),
    psychiatric: e.psychiatric,
    checkpoint,
    status: 'notCounted',
    chargeableDayHundredths: 0,
    amountOre: 0,
    note: null,
    // 000: a patient who died during the stay is an obvious error; the municipality flags it
    hint: e.ending === 'cancelled' && e.cancellationReason === 'PATIENT_DIED' ? 'DIED_DURING_STAY' : null,
  };
  if (correction !== undefined) return { ...line, status: 'corrected', note: `corrected on review: ${correction}` };
  // 002 decision (DOMAIN §7): checkpoint failures are excluded and listed with the reason
  if (checkpoint !== 'met' && checkpoint !== 'notRequired') return { ...line, status: 'excludedCheckpoint', note: checkpoint };
  return line;
}

const open = (l: BasisLine) => l.status === 'notCounted' && l.note === null;

function perEpisode(
  params: RuleSetParams,
  municipality: string,
  lines: BasisLine[],
  episodes: Map<string, BillingEpisode>,
  year: number,
  dailyOre: number,
): MunicipalityBasis {
  // 001 §46: psychiatric inpatient care in 2018: liability at the earliest after 30 days
  const psychFree = params.psychiatricFreeDays.find((p) => p.year === year)?.days;
  const out = lines.map((l): BasisLine => {
    if (!open(l)) return l;
    const e = episodes.get(l.episodeId);
    if (!e) return l;
    if (params.outpatientExemption && e.outpatientServicesUnavailable) return { ...l, note: 'OUTPATIENT_SERVICES_UNAVAILABLE' };
    const free = e.psychiatric && psychFree !== undefined ? psychFree : params.freeDays;
    // Each ready period is a new notification, so the free days run again (DOMAIN §7: each period counts).
    const days = sum(e.readyPeriods.map((p) => Math.max(0, periodDays(e, p.readyDate, p.endedDate) - free)));
    if (days === 0) return { ...l, note: `within ${free} free days` };
    return { ...l, status: 'charged', chargeableDayHundredths: days * 100, amountOre: days * dailyOre };
  });
  const invoiceLines: InvoiceLine[] = out
    .filter((l) => l.status === 'charged')
    .map((l) => ({ kind: 'episode', lineRef: l.lineRef, description: `${l.readyDays} ready days, ${l.chargeableDayHundredths / 100} chargeable`, dayHundredths: l.chargeableDayHundredths, amountOre: l.amountOre }));
  const counted = out.filter((l) => l.status === 'charged');
  return finish(params, municipality, out, invoiceLines, {
    countedEpisodes: counted.length,
    countedReadyDays: sum(counted.map((l) => l.readyDays)),
    averageHundredths: null,
    decisionAverageHundredths: null,
    benchmarkHundredths: null,
  });
}

/** Which open lines an average model counts, and which it invoices individually. */
function classifyForAverage(params: RuleSetParams, lines: BasisLine[], dailyOre: number): BasisLine[] {
  const ind = params.individual;
  return lines.map((l): BasisLine => {
    if (!open(l)) return l;
    if (ind && l.readyDays > ind.aboveDays) {
      // 004 §6 decision: an individual invoice charges the days beyond the threshold (or all days)
      const days = ind.charge === 'beyond' ? l.readyDays - ind.aboveDays : l.readyDays;
      return { ...l, status: 'charged', chargeableDayHundredths: days * 100, amountOre: days * dailyOre, note: ind.removeFromAverage ? 'individual invoice, removed from the average' : 'individual invoice' };
    }
    if (l.readyDays < params.minReadyDays) return { ...l, note: `fewer than ${params.minReadyDays} ready days` };
    return { ...l, status: 'counted' };
  });
}

const inAverage = (params: RuleSetParams, l: BasisLine) =>
  l.status === 'counted' || (l.status === 'charged' && params.individual !== null && !params.individual.removeFromAverage);

function average(params: RuleSetParams, municipality: string, lines: BasisLine[], history: BasisLine[], bench: number, dailyOre: number): MunicipalityBasis {
  const out = classifyForAverage(params, lines, dailyOre);
  const counted = out.filter((l) => inAverage(params, l));
  const n = counted.length;
  const total = sum(counted.map((l) => l.readyDays));
  // Rolling window (DOMAIN §7 "another decides billing on a rolling three-month average")
  const window = [...counted, ...history];
  const wn = window.length;
  const wTotal = sum(window.map((l) => l.readyDays));
  // 000: liability only if the average *exceeds* the benchmark; exactly at it charges nothing
  const liable = wn > 0 && wTotal * 100 > bench * wn;
  // DOMAIN §7 decision: chargeable days = total ready days − benchmark × episodes
  const chargeable = liable ? Math.max(0, total * 100 - bench * n) : 0;
  const invoiceLines: InvoiceLine[] = out
    .filter((l) => l.status === 'charged')
    .map((l) => ({ kind: 'individual', lineRef: l.lineRef, description: `individual invoice: ${l.readyDays} ready days`, dayHundredths: l.chargeableDayHundredths, amountOre: l.amountOre }));
  if (chargeable > 0) {
    invoiceLines.push({
      kind: 'average',
      lineRef: null,
      description: `average ${fmt(avg(total, n))} days over ${n} episodes above benchmark ${fmt(bench)}`,
      dayHundredths: chargeable,
      amountOre: mulDivRound(chargeable, dailyOre, 100),
    });
  }
  return finish(params, municipality, out, invoiceLines, {
    countedEpisodes: n,
    countedReadyDays: total,
    averageHundredths: n > 0 ? avg(total, n) : null,
    decisionAverageHundredths: wn > 0 ? avg(wTotal, wn) : null,
    benchmarkHundredths: bench,
  });
}

function transitional(params: RuleSetParams, municipality: string, lines: BasisLine[]): MunicipalityBasis {
  const t = params.transitional;
  if (!t) throw new RangeError(`rule set ${params.id} has no transitional base amounts`);
  const annual = t.annualOre[municipality];
  const out = lines.map((l): BasisLine => (l.status === 'notCounted' && l.note === null ? { ...l, status: 'informational' } : l));
  const invoiceLines: InvoiceLine[] =
    annual === undefined
      ? []
      : [{ kind: 'transitional', lineRef: null, description: `1/12 of ${t.baseYear} invoiced amount`, dayHundredths: 0, amountOre: monthlyTwelfthOre(annual) }];
  return finish(params, municipality, out, invoiceLines, {
    countedEpisodes: 0,
    countedReadyDays: 0,
    averageHundredths: null,
    decisionAverageHundredths: null,
    benchmarkHundredths: null,
  });
}

type Partial4 = Pick<MunicipalityBasis['totals'], 'countedEpisodes' | 'countedReadyDays' | 'averageHundredths' | 'decisionAverageHundredths' | 'benchmarkHundredths'>;

/** Adds the discount line and the totals: the total is the sum of the lines. */
function finish(params: RuleSetParams, municipality: string, lines: BasisLine[], invoiceLines: InvoiceLine[], t: Partial4): MunicipalityBasis {
  const grossOre = sum(invoiceLines.map((l) => l.amountOre));
  let discountOre = 0;
  if (params.discountPercent > 0 && grossOre > 0) {
    // 002: "35 % rabatt av totalbeloppet", rounded once to the öre
    discountOre = -mulDivRound(grossOre, params.discountPercent, 100);
    invoiceLines.push({ kind: 'discount', lineRef: null, description: `${params.discountPercent} % discount on the total`, dayHundredths: 0, amountOre: discountOre });
  }
  return {
    municipality,
    lines,
    invoiceLines,
    totals: {
      episodes: lines.length,
      ...t,
      chargeableDayHundredths: sum(invoiceLines.map((l) => l.dayHundredths)),
      grossOre,
      discountOre,
      totalOre: sum(invoiceLines.map((l) => l.amountOre)),
    },
  };
}

function groupHistory(params: RuleSetParams, history: readonly BillingEpisode[]): Map<string, BasisLine[]> {
  const m = new Map<string, BasisLine[]>();
  for (const { ref, episode } of assignLineRefs(history.filter((e) => e.readyPeriods.length > 0))) {
    const [line] = classifyForAverage(params, [baseLine(params, ref, episode, undefined)], 0);
    if (!line || !inAverage(params, line)) continue;
    const list = m.get(episode.municipality);
    if (list) list.push(line);
    else m.set(episode.municipality, [line]);
  }
  return m;
}

/** floor(100 × total / n): the average in hundredths, for display and the decision record. */
const avg = (total: number, n: number) => Math.floor((total * 100) / n);
const fmt = (h: number) => (h / 100).toFixed(2);
