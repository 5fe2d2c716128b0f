/**
 * The monthly indicator report (DOMAIN.md §9): the indicators of `./indicators.ts` per group
 * (municipality, hospital or unit) and for the whole region, with what the ledger cannot answer
 * said in the report itself (`notComputable`) rather than invented. CSV for Excel through the
 * billing export's writer (UTF-8 with BOM, `;`), one row per group.
 */
import { toCsv } from './billing/csv';
import {
  deviationCounts,
  groupIndicators,
  groupKeyOf,
  homeCareCounts,
  NEEDS_CATEGORIES,
  paymentCounts,
  byCare,
  type CareFilter,
  type DeviationCounts,
  type GroupBy,
  type GroupIndicators,
  type HomeCareCounts,
  type IndicatorAdmission,
  type IndicatorDeviation,
  type IndicatorEnrollment,
  type IndicatorEpisode,
  type IndicatorPayment,
  type PaymentCounts,
  type Period,
} from './indicators';
import { DEVIATION_TYPES } from './obligations';

export type Window = 'month' | 'rolling12';

export interface ReportInput {
  region: { id: string; name: string; municipalities: { code: string; name: string }[] };
  month: string;
  window: Window;
  period: Period;
  groupBy: GroupBy;
  care: CareFilter;
  invitationDays: number;
  /** the benchmark (riktmärke) of the rule set in force in `month`, in days, or why there is none */
  benchmark: { days: number | null; ruleSetId: string; note: string | null };
  /** today's local date: tells whether the 30-day readmission follow-up is complete */
  today: string;
  episodes: IndicatorEpisode[];
  admissionsByPatient: ReadonlyMap<string, readonly IndicatorAdmission[]>;
  deviations: IndicatorDeviation[];
  enrollments: IndicatorEnrollment[];
  payments: IndicatorPayment[];
  invoicedMonths: string[];
  months: string[];
}

export interface ReportGroup extends GroupIndicators {
  key: string;
  name: string;
  deviations: DeviationCounts;
  /** per municipality and for the region only: enrollments belong to a municipality, not a ward */
  homeCare: HomeCareCounts | null;
  payment: PaymentCounts | null;
}

export interface IndicatorReport {
  region: string;
  regionName: string;
  month: string;
  window: Window;
  period: Period;
  groupBy: GroupBy;
  care: CareFilter;
  benchmark: ReportInput['benchmark'];
  invitationDays: number;
  total: ReportGroup;
  groups: ReportGroup[];
  notComputable: { indicator: string; reason: string }[];
}

/** Shown in every report: what the ledger does not record (README "Monthly indicator report"). */
export const NOT_COMPUTABLE: readonly { indicator: string; reason: string }[] = [
  {
    indicator: 'readmission30Days (unplanned)',
    reason:
      'The ledger holds only episodes of the law\'s target group (not every admission). `readmission30Days` counts a readmission of the same pseudonymous patient within 30 days unless it was recorded as planned (planerad inskrivning); a readmission whose admission type was not stated (episodes started without `admissionType`, or before it was recorded) counts as unplanned, so the figure is an upper bound of unplanned readmissions within the target group.',
  },
  {
    indicator: 'admissions.ready (share of all admitted)',
    reason:
      'Admissions outside the target group (patients needing no services after discharge) never start a process and are not in the ledger. The share is of the target-group episodes admitted in the period.',
  },
  {
    indicator: 'SIP before admission; avoidable inpatient care (004 §4.1)',
    reason: 'Neither an earlier SIP of the patient nor diagnoses are recorded in the ledger.',
  },
];

function group(key: string, name: string, eps: IndicatorEpisode[], devs: IndicatorDeviation[], input: ReportInput, municipal: { enrollments: IndicatorEnrollment[]; payments: IndicatorPayment[] } | null): ReportGroup {
  return {
    key,
    name,
    ...groupIndicators(eps, { period: input.period, invitationDays: input.invitationDays, admissionsByPatient: input.admissionsByPatient }),
    deviations: deviationCounts(devs),
    homeCare: municipal ? homeCareCounts(municipal.enrollments) : null,
    payment: municipal ? paymentCounts(municipal.payments) : null,
  };
}

export function buildIndicatorReport(unfiltered: ReportInput): IndicatorReport {
  const input = { ...unfiltered, episodes: byCare(unfiltered.episodes, unfiltered.care), deviations: byCare(unfiltered.deviations, unfiltered.care) };
  const { groupBy, region } = input;
  const keyOf = (x: { municipality: string; hospital: string | null; unit: string | null; healthCentre?: string | null }) => groupKeyOf(groupBy, x);
  const names = new Map(region.municipalities.map((m) => [m.code, m.name]));
  // every municipality of the region is listed, also one without episodes (004 §3.2: Ockelbo 0)
  const keys = new Set<string>(groupBy === 'municipality' ? region.municipalities.map((m) => m.code) : []);
  for (const e of input.episodes) keys.add(keyOf(e));
  // a deviation belongs to a unit of the episode, not to the patient's health centre: given for the region total only
  if (groupBy !== 'healthCentre') for (const d of input.deviations) keys.add(keyOf(d));
  const municipal = groupBy === 'municipality';
  const groups = [...keys].sort().map((key) =>
    group(
      key,
      municipal ? (names.get(key) ?? key) : key,
      input.episodes.filter((e) => keyOf(e) === key),
      groupBy === 'healthCentre' ? [] : input.deviations.filter((d) => keyOf(d) === key),
      input,
      municipal ? { enrollments: input.enrollments.filter((r) => r.municipality === key), payments: input.payments.filter((p) => p.municipality === key) } : null,
    ),
  );
  const total = group('region', region.name, input.episodes, input.deviations, input, { enrollments: input.enrollments, payments: input.payments });

  const notComputable = [...NOT_COMPUTABLE];
  if (!municipal) {
    notComputable.push({ indicator: 'homeCare, payment per hospital or unit', reason: 'Home health care and invoices belong to a municipality, not to a hospital or ward; they are given for the region total only.' });
  }
  if (groupBy === 'healthCentre') {
    notComputable.push({ indicator: 'deviations per health centre', reason: 'A deviation is recorded against a party and the episode\'s inpatient unit, not the patient\'s health centre; deviations are given for the region total only.' });
  }
  const uninvoiced = input.months.filter((m) => !input.invoicedMonths.includes(m));
  if (uninvoiced.length > 0) {
    notComputable.push({ indicator: 'payment', reason: `No final invoice in the ledger for ${uninvoiced.join(', ')}: payment figures cover only ${input.invoicedMonths.length ? input.invoicedMonths.join(', ') : 'no month'}.` });
  }
  if (input.care !== 'all') {
    notComputable.push({ indicator: `homeCare, payment (${input.care})`, reason: 'Home health care and invoices are not split by care type; they are given for all care.' });
  }
  const followUpEnds = new Date(Date.parse(`${input.period.toExclusive}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
  if (input.today < followUpEnds) {
    notComputable.push({ indicator: 'readmission30Days (incomplete)', reason: `The 30-day follow-up of episodes discharged late in the period ends on ${followUpEnds}; until then the figure can still grow.` });
  }
  if (total.readyDays.cannotCompute > 0) {
    notComputable.push({
      indicator: 'readyDays (episodes left out)',
      reason: `${total.readyDays.cannotCompute} discharged episode(s) have a ready period the ledger cannot date; they are left out of the ready-day figures. The monthly close lists them for the billing officer as "cannot compute".`,
    });
  }
  if (input.benchmark.days === null) {
    notComputable.push({ indicator: 'benchmarkDays', reason: input.benchmark.note ?? `Rule set ${input.benchmark.ruleSetId} has no benchmark.` });
  }
  return {
    region: region.id,
    regionName: region.name,
    month: input.month,
    window: input.window,
    period: input.period,
    groupBy,
    care: input.care,
    benchmark: input.benchmark,
    invitationDays: input.invitationDays,
    total,
    groups,
    notComputable,
  };
}

// ---- CSV ---------------------------------------------------------------------------------------

type Cell = string | number | boolean | null;

/** One row per group, the region total last; shares as fractions (0.25 = 25 %), money in kronor. */
export function indicatorCsv(report: IndicatorReport, opts: { decimalComma?: boolean } = {}): string {
  const num = (v: number | null): Cell => (v === null ? null : opts.decimalComma ? String(v).replace('.', ',') : v);
  const kr = (ore: number | undefined): Cell => (ore === undefined ? null : num(ore / 100));
  const types = [...new Set([...DEVIATION_TYPES, ...report.groups.flatMap((g) => Object.keys(g.deviations.byType))])];
  const header = [
    'region', 'month', 'window', 'groupBy', 'care', 'group', 'groupName',
    'admitted', 'readyEpisodes', 'readyShare', 'readyShareOver65',
    'readyDischargedEpisodes', 'readyDaysTotal', 'readyDaysAverage', 'readyDaysMedian', 'readyDaysP90', 'individuals', 'readyDaysPerIndividual',
    'dischargedOnReadyDayShare', 'fourDaysOrMoreShare', 'readyDaysAverageOver65', 'benchmarkDays',
    'admissionNoticeWithin24hShare', 'namedCareContactShare', 'invitationWithinDaysShare', 'sipDeclined', 'sipsEstablished', 'sipsCompleted', 'sipsAcknowledged',
    'readmission30DaysShare', 'readmission30DaysShareOver65',
    'lengthOfStayEpisodes', 'lengthOfStayAverage', 'lengthOfStayMedian', 'lengthOfStayP90',
    ...NEEDS_CATEGORIES.map((c) => `needsPsychiatric_${c}`), ...NEEDS_CATEGORIES.map((c) => `needsSomatic_${c}`),
    'deviations', 'deviationsDowntimeExcluded', ...types.map((t) => `deviations_${t}`),
    'homeCarePatients', 'homeCarePatientsOver65', 'homeCareNew', 'homeCareEnded',
    'invoicedSEK', 'individualCharges', 'individualChargesSEK', 'individualChargeMedianSEK', 'individualChargeP90SEK',
  ];
  const row = (g: ReportGroup): Cell[] => [
    report.region, report.month, report.window, report.groupBy, report.care, g.key, g.name,
    g.admissions.admitted, g.admissions.ready.count, num(g.admissions.ready.share), num(g.admissions.readyOver65.share),
    g.readyDays.episodes, g.readyDays.sum, num(g.readyDays.average), num(g.readyDays.median), num(g.readyDays.p90), g.readyDays.individuals, num(g.readyDays.daysPerIndividual),
    num(g.readyDays.dischargedOnReadyDay.share), num(g.readyDays.fourDaysOrMore.share), num(g.readyDays.over65.average), num(report.benchmark.days),
    num(g.admissionNoticeWithin24h.share), num(g.namedCareContact.share), num(g.invitationWithinDays.share), g.sipDeclined, g.sipsEstablished, g.sipsCompleted, g.sipsAcknowledged,
    num(g.readmission30Days.all.share), num(g.readmission30Days.over65.share),
    g.lengthOfStay.count, num(g.lengthOfStay.average), num(g.lengthOfStay.median), num(g.lengthOfStay.p90),
    ...NEEDS_CATEGORIES.map((c) => num(g.needsBeforeDischarge.psychiatric.shares[c])), ...NEEDS_CATEGORIES.map((c) => num(g.needsBeforeDischarge.somatic.shares[c])),
    g.deviations.total, g.deviations.downtimeExcluded, ...types.map((t) => g.deviations.byType[t] ?? 0),
    g.homeCare?.patients ?? null, g.homeCare?.patientsOver65 ?? null, g.homeCare?.new ?? null, g.homeCare?.ended ?? null,
    kr(g.payment?.invoicedOre), g.payment?.individual.count ?? null, kr(g.payment?.individual.sum),
    kr(g.payment?.individual.median ?? undefined), kr(g.payment?.individual.p90 ?? undefined),
  ];
  return toCsv(header, [...report.groups.map(row), row(report.total)]);
}
