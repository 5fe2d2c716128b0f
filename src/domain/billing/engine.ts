/**
 * The billing engine: one pure function from (rule set, frozen episodes, month context) to the
 * invoice basis of every municipality (docs/domain.md §7). Every rule set is parameters of this code
 * (rule-sets.ts); the only named calculation is the 2018 transitional twelfth (001).
 *
 * Guarantees the tests check: the result does not depend on the order of the episodes; the same
 * input gives the same output; every municipality's total is the sum of its invoice lines and
 * the month's total the sum of the municipalities' totals (money.ts for the rounding rule).
 */
import { isValidLocalDate } from '../calendar';
import { DailyAmountMissingError, NationalAverageMissingError } from './daily-amounts';
import { BillingDomainRefusal } from './errors';
import { mulDivRound, sum } from './money';
import { readinessOf, type Readiness } from './readiness';
import { countyOf, municipalityName } from '../reference';
import { MONTH, RULE_SETS } from './rule-sets';
import { monthlyTwelfthOre } from './transitional-2018';
import type {
  BasisLine,
  BillingEpisode,
  CannotComputeEpisode,
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

/** An episode the engine computes, with its readiness. */
interface Screened {
  episode: BillingEpisode;
  readiness: Extract<Readiness, { ok: true }>;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Sorts a month's episodes into those the engine computes and those it cannot (listed with the
 * reason); episodes never reported ready are in neither (not in the basis). Never throws.
 */
export function screenEpisodes(episodes: readonly BillingEpisode[]): { computable: Screened[]; cannotCompute: CannotComputeEpisode[] } {
  const computable: Screened[] = [];
  const cannotCompute: CannotComputeEpisode[] = [];
  for (const e of episodes as readonly unknown[]) {
    const x = (e !== null && typeof e === 'object' ? e : {}) as Partial<BillingEpisode>;
    const cannot = (code: CannotComputeEpisode['code'], reason: string) =>
      cannotCompute.push({
        episodeId: isText(x.episodeId) ? x.episodeId : String(x.episodeId ?? '(no id)'),
        municipality: isText(x.municipality) ? x.municipality : null,
        endDate: typeof x.endDate === 'string' ? x.endDate : null,
        code,
        reason,
        review: 'billingOfficer',
      });
    if (Array.isArray(x.readyPeriods) && x.readyPeriods.length === 0) continue;
    if (!isText(x.episodeId) || !isText(x.municipality)) {
      cannot('EPISODE_MALFORMED', `the episode has no ${isText(x.episodeId) ? 'municipality' : 'id'}`);
      continue;
    }
    if (typeof x.endDate !== 'string' || !isValidLocalDate(x.endDate)) {
      cannot('END_DATE_MISSING', `the episode has no valid discharge or cancellation date (${JSON.stringify(x.endDate ?? null)})`);
      continue;
    }
    const r = readinessOf(x.readyPeriods, x.endDate);
    if (!r.ok) cannot(r.code, r.reason);
    else computable.push({ episode: x as BillingEpisode, readiness: r });
  }
  return { computable, cannotCompute };
}

/** Anonymised line references: '<kommunkod>-<seq>' in (end date, episode id) order per municipality. */
export function assignLineRefs<T extends { episode: BillingEpisode }>(items: readonly T[]): (T & { ref: string })[] {
  const sorted = [...items].sort(
    (a, b) => cmp(a.episode.municipality, b.episode.municipality) || cmp(a.episode.endDate, b.episode.endDate) || cmp(a.episode.episodeId, b.episode.episodeId),
  );
  const seq = new Map<string, number>();
  return sorted.map((item) => {
    const m = item.episode.municipality;
    const n = (seq.get(m) ?? 0) + 1;
    seq.set(m, n);
    return { ...item, ref: `${m}-${String(n).padStart(5, '0')}` };
  });
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The invoice basis of a month. Refuses (BillingDomainRefusal, with a code) only what concerns the
 * whole month — no daily amount, no benchmark in force, the rule set outside its period — and
 * never throws for an episode: one it cannot compute is listed in `cannotCompute` with the
 * reason, in no total, and the rest of the month is computed (docs/domain.md §7).
 */
export function computeMonth(params: RuleSetParams, episodes: readonly BillingEpisode[], ctx: EngineContext): MonthBasis {
  checkMonth(params, ctx);
  const benchmark = params.calculation === 'average' ? benchmarkFor(params, ctx) : null;
  const corrections = ctx.corrections ?? new Map<string, string>();
  const { computable, cannotCompute } = screenEpisodes(episodes);
  // docs/domain.md §7: an agreement binds the region's own municipalities; another county's are charged under the law
  const law = RULE_SETS['law-2017-612']!;
  const foreign = outOfCountyTest(ctx.municipalities);
  if (ctx.dailyAmountOre === null || ctx.dailyAmountOre === undefined) {
    // a rule set without a daily amount (the 2018 twelfth) in a year without one: an out-of-county
    // episode cannot be charged under the law; listed, and the rest of the month computes
    for (let i = computable.length - 1; i >= 0; i--) {
      const e = computable[i]!.episode;
      if (!foreign(e)) continue;
      computable.splice(i, 1);
      cannotCompute.push({
        episodeId: e.episodeId, municipality: e.municipality, endDate: e.endDate, code: 'DAILY_AMOUNT_MISSING',
        reason: `the municipality lies in another county, so the episode is charged under ${law.id}, and no daily amount is registered for ${ctx.month.slice(0, 4)}`,
        review: 'billingOfficer',
      });
    }
  }

  const byMunicipality = new Map<string, BasisLine[]>();
  const foreignMunicipalities = new Set<string>();
  const byRef = new Map<string, Screened>();
  for (const m of ctx.municipalities) byMunicipality.set(m, []);
  for (const item of assignLineRefs(computable)) {
    const { ref, episode } = item;
    const outOfCounty = foreign(episode);
    let line: BasisLine;
    try {
      line = baseLine(outOfCounty ? law : params, ref, episode, item.readiness, corrections.get(ref));
      if (outOfCounty) line = { ...line, outOfCounty: true, municipalityName: municipalityName(episode.municipality) ?? null, ruleSetId: law.id };
    } catch (err) {
      // defensive: nothing above throws on a screened episode; if it ever does, list it, go on
      cannotCompute.push({ episodeId: episode.episodeId, municipality: episode.municipality, endDate: episode.endDate, code: 'COMPUTATION_FAILED', reason: (err as Error)?.message ?? String(err), review: 'billingOfficer' });
      continue;
    }
    byRef.set(ref, item);
    if (outOfCounty) foreignMunicipalities.add(episode.municipality);
    const list = byMunicipality.get(episode.municipality);
    if (list) list.push(line);
    else byMunicipality.set(episode.municipality, [line]);
  }
  const history = params.rollingWindowMonths > 1 ? groupHistory(params, (ctx.history ?? []).filter((e) => !foreign(e))) : new Map<string, BasisLine[]>();

  const municipalities = [...byMunicipality.keys()].sort().map((m): MunicipalityBasis => {
    const lines = byMunicipality.get(m) ?? [];
    if (foreignMunicipalities.has(m)) {
      // its own basis and invoice under the law, whatever the region's agreement (001 §5.8)
      const basis = perEpisode(law, m, lines, byRef, ctx.dailyAmountOre ?? 0);
      return {
        ...basis,
        outOfCounty: { ruleSetId: law.id, municipalityName: municipalityName(m) ?? null, countyName: countyOf(m)?.name ?? null },
        cannotCompute: cannotCompute.filter((c) => c.municipality === m),
      };
    }
    const basis = ((): Omit<MunicipalityBasis, 'cannotCompute'> => {
      switch (params.calculation) {
        case 'perEpisode':
          return perEpisode(params, m, lines, byRef, ctx.dailyAmountOre ?? 0);
        case 'average':
          return average(params, m, lines, byRef, history.get(m) ?? [], benchmark ?? 0, ctx.dailyAmountOre ?? 0);
        case 'transitionalTwelfth':
          return transitional(params, m, lines);
      }
    })();
    return { ...basis, cannotCompute: cannotCompute.filter((c) => c.municipality === m) };
  });
  return {
    ruleSetId: params.id,
    month: ctx.month,
    dailyAmountOre: ctx.dailyAmountOre,
    municipalities,
    totalOre: sum(municipalities.map((x) => x.totals.totalOre)),
    cannotCompute,
  };
}

/**
 * Whether an episode's municipality lies in another county than the region's (docs/domain.md §7,
 * 001 §5.8): flagged so in the ledger, or — for ledgers without the flag — a municipality that is
 * not the region's and whose SCB county is none of the region's municipalities' counties.
 */
export function outOfCountyTest(regionMunicipalities: readonly string[]): (e: BillingEpisode) => boolean {
  const own = new Set(regionMunicipalities);
  const counties = new Set(regionMunicipalities.map((m) => m.slice(0, 2)));
  return (e) => {
    if (own.has(e.municipality)) return false;
    if (e.outOfCounty === true) return true;
    const c = countyOf(e.municipality);
    return own.size > 0 && c !== undefined && !counties.has(c.code);
  };
}

/**
 * The year in which the patient was first notified ready (docs/domain.md §7: ready days run from the
 * notification): decides the psychiatric free days of 2018, not the billed month (issue 16).
 */
function notifiedYear(x: Screened): number | null {
  const first = x.readiness.periods[0]?.from;
  return first ? Number(first.slice(0, 4)) : null;
}

/** What the whole month needs before any episode is looked at; a typed refusal otherwise. */
function checkMonth(params: RuleSetParams, ctx: EngineContext): void {
  if (typeof ctx.month !== 'string' || !MONTH.test(ctx.month)) {
    throw new BillingDomainRefusal('MONTH_INVALID', `The month must be given as YYYY-MM; got ${JSON.stringify(ctx.month)}.`);
  }
  if (needsDailyAmount(params)) {
    const v = ctx.dailyAmountOre;
    if (v === null || v === undefined) throw new DailyAmountMissingError(Number(ctx.month.slice(0, 4)));
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new BillingDomainRefusal('DAILY_AMOUNT_INVALID', `The daily amount for ${ctx.month} must be a whole, non-negative number of öre; it is ${String(v)}.`, { month: ctx.month });
    }
  }
  if (params.calculation === 'transitionalTwelfth' && !params.transitional) {
    throw new BillingDomainRefusal('TRANSITIONAL_BASE_MISSING', `Rule set ${params.id} charges a twelfth of a base year's invoiced amounts, but has none.`, { ruleSetId: params.id });
  }
}

/** The benchmark in force for the month, in hundredths of a day, or a typed refusal saying why there is none. */
export function benchmarkFor(params: RuleSetParams, ctx: Pick<EngineContext, 'month' | 'nationalAverages'>): number {
  const b = params.benchmark;
  if (!b) throw new BillingDomainRefusal('BENCHMARK_MISSING', `Rule set ${params.id} is an average model without a benchmark; give one (benchmarkHundredths).`, { ruleSetId: params.id });
  const fixed = b.fixed.find((f) => f.from <= ctx.month && (!f.to || ctx.month <= f.to));
  if (fixed) return fixed.hundredths;
  const year = Number(ctx.month.slice(0, 4));
  if (b.otherwiseNationalAverageOfPreviousYear) {
    const v = ctx.nationalAverages?.get(year - 1);
    if (v === undefined) throw new NationalAverageMissingError(year - 1, params.id);
    return v;
  }
  // only fixed ranges, none covering the month: the month lies outside the rule set's period
  const ranges = b.fixed.map((f) => (f.to ? `${f.from} … ${f.to}` : `from ${f.from}`)).join(', ');
  throw new BillingDomainRefusal(
    'RULE_SET_NOT_IN_FORCE',
    `Rule set ${params.id} has no benchmark for ${ctx.month}: its benchmark applies ${ranges || 'in no month'}. To simulate it over ${ctx.month}, give the benchmark as a parameter ({ "base": "${params.id}", "benchmarkHundredths": … }).`,
    { ruleSetId: params.id, month: ctx.month },
  );
}

function checkpointOf(params: RuleSetParams, e: BillingEpisode): CheckpointStatus {
  const { planningBasisDate, treatmentPlan } = params.checkpoints ?? { planningBasisDate: false, treatmentPlan: false };
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
function baseLine(params: RuleSetParams, lineRef: string, e: BillingEpisode, readiness: Screened['readiness'], correction: string | undefined): BasisLine {
  const checkpoint = checkpointOf(params, e);
  const line: BasisLine = {
    lineRef,
    episodeId: e.episodeId,
    municipality: e.municipality,
    firstReadyDate: e.readyPeriods[0]?.readyDate ?? null,
    endDate: e.endDate,
    ending: e.ending,
    readyPeriods: e.readyPeriods.length,
    readyDays: readiness.days,
    psychiatric: e.psychiatric,
    checkpoint,
    status: 'notCounted',
    chargeableDayHundredths: 0,
    amountOre: 0,
    note: null,
    // 000: a patient who died during the stay is an obvious error; the municipality flags it
    hint: e.ending === 'cancelled' && e.cancellationReason === 'PATIENT_DIED' ? 'DIED_DURING_STAY' : null,
    review: readiness.anomalies.length ? readiness.anomalies.join('; ') : null,
  };
  if (correction !== undefined) return { ...line, status: 'corrected', note: `corrected on review: ${correction}` };
  // 002 decision (docs/domain.md §7): checkpoint failures are excluded and listed with the reason
  if (checkpoint !== 'met' && checkpoint !== 'notRequired') return { ...line, status: 'excludedCheckpoint', note: checkpoint };
  return line;
}

const open = (l: BasisLine) => l.status === 'notCounted' && l.note === null;

function perEpisode(
  params: RuleSetParams,
  municipality: string,
  lines: BasisLine[],
  screened: Map<string, Screened>,
  dailyOre: number,
): Omit<MunicipalityBasis, 'cannotCompute'> {
  const out = lines.map((l): BasisLine => {
    if (!open(l)) return l;
    const x = screened.get(l.lineRef);
    if (!x) return l;
    const e = x.episode;
    if (params.outpatientExemption && e.outpatientServicesUnavailable) return { ...l, note: 'OUTPATIENT_SERVICES_UNAVAILABLE' };
    // 001 §46: psychiatric inpatient care notified ready in 2018: liability at the earliest after 30 days
    const psychFree = psychiatricFreeDaysOf(params, x);
    const free = psychFree ?? params.freeDays;
    // Each ready period is a new notification, so the free days run again (docs/domain.md §7: each period counts).
    const days = sum(x.readiness.periods.map((p) => Math.max(0, p.days - free)));
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

/** The psychiatric free days of an episode, by the year it was first notified ready; undefined when none apply. */
function psychiatricFreeDaysOf(params: RuleSetParams, x: Screened): number | undefined {
  if (!x.episode.psychiatric) return undefined;
  const year = notifiedYear(x);
  return params.psychiatricFreeDays.find((p) => p.year === year)?.days;
}

/** Which open lines an average model counts, and which it invoices individually. */
function classifyForAverage(params: RuleSetParams, lines: BasisLine[], screened: ReadonlyMap<string, Screened>, dailyOre: number): BasisLine[] {
  const ind = params.individual;
  return lines.map((l): BasisLine => {
    if (!open(l)) return l;
    const x = screened.get(l.lineRef);
    const psychFree = x ? psychiatricFreeDaysOf(params, x) : undefined;
    if (x && psychFree !== undefined) {
      // 004 §3.2 (Gävleborg 2018): "Ersättningsskyldighet inträder per individ efter 30 kalenderdagar
      // … under 2018"; psychiatry joins the average only from 2019, so these are not in it
      const days = sum(x.readiness.periods.map((p) => Math.max(0, p.days - psychFree)));
      const year = notifiedYear(x)!;
      const what = `psychiatric care notified ${year}: per individual after ${psychFree} days, not in the average`;
      const individual = { basis: 'psychiatricFreeDays' as const, freeDays: psychFree, notifiedYear: year };
      if (days === 0) return { ...l, note: what, individual };
      return { ...l, status: 'charged', chargeableDayHundredths: days * 100, amountOre: days * dailyOre, note: what, individual };
    }
    if (ind && l.readyDays > ind.aboveDays) {
      // 004 §6 decision: an individual invoice charges the days beyond the threshold (or all days)
      const days = ind.charge === 'beyond' ? l.readyDays - ind.aboveDays : l.readyDays;
      return {
        ...l, status: 'charged', chargeableDayHundredths: days * 100, amountOre: days * dailyOre,
        note: ind.removeFromAverage ? 'individual invoice, removed from the average' : 'individual invoice',
        individual: { basis: 'aboveThreshold', aboveDays: ind.aboveDays, removedFromAverage: ind.removeFromAverage },
      };
    }
    if (l.readyDays < params.minReadyDays) return { ...l, note: `fewer than ${params.minReadyDays} ready days` };
    return { ...l, status: 'counted' };
  });
}

const isPsychiatricIndividual = (l: BasisLine) => l.individual?.basis === 'psychiatricFreeDays';
const inAverage = (params: RuleSetParams, l: BasisLine) =>
  l.status === 'counted' || (l.status === 'charged' && params.individual !== null && !params.individual.removeFromAverage && !isPsychiatricIndividual(l));

function average(params: RuleSetParams, municipality: string, lines: BasisLine[], screened: ReadonlyMap<string, Screened>, history: BasisLine[], bench: number, dailyOre: number): Omit<MunicipalityBasis, 'cannotCompute'> {
  const out = classifyForAverage(params, lines, screened, dailyOre);
  const counted = out.filter((l) => inAverage(params, l));
  const n = counted.length;
  const total = sum(counted.map((l) => l.readyDays));
  // Rolling window (docs/domain.md §7 "another decides billing on a rolling three-month average")
  const window = [...counted, ...history];
  const wn = window.length;
  const wTotal = sum(window.map((l) => l.readyDays));
  // 000: liability only if the average *exceeds* the benchmark; exactly at it charges nothing
  const liable = wn > 0 && wTotal * 100 > bench * wn;
  // docs/domain.md §7 decision: chargeable days = total ready days − benchmark × episodes
  const chargeable = liable ? Math.max(0, total * 100 - bench * n) : 0;
  const invoiceLines: InvoiceLine[] = out
    .filter((l) => l.status === 'charged')
    .map((l) => ({ kind: 'individual', lineRef: l.lineRef, description: isPsychiatricIndividual(l) ? `individual invoice (${l.note}): ${l.readyDays} ready days` : `individual invoice: ${l.readyDays} ready days`, dayHundredths: l.chargeableDayHundredths, amountOre: l.amountOre }));
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

function transitional(params: RuleSetParams, municipality: string, lines: BasisLine[]): Omit<MunicipalityBasis, 'cannotCompute'> {
  const t = params.transitional;
  if (!t) throw new BillingDomainRefusal('TRANSITIONAL_BASE_MISSING', `Rule set ${params.id} charges a twelfth of a base year's invoiced amounts, but has none.`, { ruleSetId: params.id });
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
function finish(params: RuleSetParams, municipality: string, lines: BasisLine[], invoiceLines: InvoiceLine[], t: Partial4): Omit<MunicipalityBasis, 'cannotCompute'> {
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
  // a previous month's episode that cannot be computed was listed in that month's close; it does not count here
  for (const item of assignLineRefs(screenEpisodes(history).computable)) {
    const { ref, episode, readiness } = item;
    const [line] = classifyForAverage(params, [baseLine(params, ref, episode, readiness, undefined)], new Map([[ref, item]]), 0);
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
