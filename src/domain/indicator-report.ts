/**
 * The monthly indicator report (docs/domain.md §9): the indicators of `./indicators.ts` per group
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
import { addCalendarDays } from './local-date';

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
  const followUpEnds = addCalendarDays(input.period.toExclusive, 30);
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

// ---- suppression of small counts (röjandeskydd) -------------------------------------------------

/** A figure as published: any number may have been suppressed (null). */
export type Published<T> = T extends number ? number | null : T extends readonly (infer U)[] ? Published<U>[] : T extends object ? { [K in keyof T]: Published<T[K]> } : T;

/** A group as published: `suppressed` names the figures (dotted paths, e.g. `readyDays.average`) set to null because they rest on too few. */
export type PublishedGroup = Published<ReportGroup> & { suppressed: string[] };

export interface PublishedReport extends Omit<IndicatorReport, 'total' | 'groups'> {
  total: PublishedGroup;
  groups: PublishedGroup[];
  /** the rule applied: figures resting on 1..threshold−1 episodes, patients or events are not shown */
  suppression: { threshold: number; rule: string };
}

/** How the CSV and the page show a suppressed figure (SCB's "..": too uncertain or not to be disclosed). */
export const SUPPRESSED_MARK = '..';

const getPath = (o: unknown, path: string): unknown => (path === '' ? [] : path.split('.')).reduce<unknown>((v, k) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[k]), o);

function setPath(o: unknown, path: string, value: null): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  (getPath(o, keys.join('.')) as Record<string, unknown>)[last] = value;
}

/**
 * One group's figures with small counts suppressed, as Swedish official statistics do (issue 17):
 * a count of 1 to threshold−1 is not shown, nor is any figure computed from such a count — the
 * share whose numerator or denominator it is, the sum, average, median and 90th percentile of so
 * few values. Zero is shown: it discloses no one. Suppressed figures are null and named in
 * `suppressed`. A threshold of 1 suppresses nothing.
 */
function suppressGroup(g: ReportGroup, threshold: number): PublishedGroup {
  const out = structuredClone(g) as unknown as PublishedGroup;
  const suppressed: string[] = [];
  const small = (path: string) => {
    const v = getPath(g, path);
    return typeof v === 'number' && v > 0 && v < threshold;
  };
  const hide = (path: string) => {
    if (suppressed.includes(path) || getPath(g, path) === undefined) return;
    setPath(out, path, null);
    suppressed.push(path);
  };
  const count = (path: string) => {
    if (small(path)) hide(path);
  };
  const ratio = (path: string) => {
    const [c, of] = [small(`${path}.count`), small(`${path}.of`)];
    if (c) hide(`${path}.count`);
    if (of) hide(`${path}.of`);
    if (c || of) hide(`${path}.share`);
  };
  const spread = (path: string) => {
    if (small(`${path}.count`)) for (const f of ['count', 'sum', 'average', 'median', 'p90']) hide(`${path}.${f}`);
  };

  count('admissions.admitted');
  ratio('admissions.ready');
  ratio('admissions.readyOver65');
  spread('readyDays');
  for (const f of ['episodes', 'cannotCompute', 'individuals']) count(`readyDays.${f}`);
  if (small('readyDays.individuals') || small('readyDays.count')) hide('readyDays.daysPerIndividual');
  ratio('readyDays.dischargedOnReadyDay');
  ratio('readyDays.fourDaysOrMore');
  spread('readyDays.over65');
  for (const r of ['admissionNoticeWithin24h', 'namedCareContact', 'invitationWithinDays', 'readmission30Days.all', 'readmission30Days.over65']) ratio(r);
  for (const c of ['sipDeclined', 'sipsEstablished', 'sipsCompleted', 'sipsAcknowledged']) count(c);
  for (const care of ['psychiatric', 'somatic']) {
    const base = `needsBeforeDischarge.${care}`;
    count(`${base}.recorded`);
    count(`${base}.notRecorded`);
    for (const c of NEEDS_CATEGORIES) {
      count(`${base}.counts.${c}`);
      if (small(`${base}.counts.${c}`) || small(`${base}.recorded`)) hide(`${base}.shares.${c}`);
    }
  }
  spread('lengthOfStay');
  count('deviations.total');
  count('deviations.downtimeExcluded');
  for (const t of Object.keys(g.deviations.byType)) count(`deviations.byType.${t}`);
  g.deviations.byResponsible.forEach((_, i) => count(`deviations.byResponsible.${i}.count`));
  if (g.homeCare) for (const f of ['patients', 'patientsOver65', 'patientsUpTo65', 'new', 'ended']) count(`homeCare.${f}`);
  if (g.payment) {
    spread('payment.individual');
    if (small('payment.individual.count')) hide('payment.invoicedOre');
  }
  out.suppressed = suppressed;
  return out;
}

/** The report as it may be published: every group and the total with small counts suppressed (`suppressGroup`). */
export function suppressSmallCells(report: IndicatorReport, threshold: number): PublishedReport {
  return {
    ...report,
    total: suppressGroup(report.total, threshold),
    groups: report.groups.map((g) => suppressGroup(g, threshold)),
    suppression: {
      threshold,
      rule: threshold <= 1
        ? 'No suppression (threshold 1).'
        : `Counts of 1–${threshold - 1} episodes, patients or events are not shown, nor figures computed from them (shares, sums, averages, medians, percentiles): null in JSON and listed in each group's "suppressed", ".." in the CSV and on the page. Zero is shown.`,
    },
  };
}

// ---- CSV ---------------------------------------------------------------------------------------

type Cell = string | number | boolean | null;

/**
 * One row per group, the region total last; shares as fractions (0.25 = 25 %), money in kronor.
 * A suppressed figure of a published report (`suppressSmallCells`) is `..`.
 */
export function indicatorCsv(report: IndicatorReport | PublishedReport, opts: { decimalComma?: boolean } = {}): string {
  const num = (v: number | null): Cell => (v === null ? null : opts.decimalComma ? String(v).replace('.', ',') : v);
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
  const row = (g: ReportGroup | PublishedGroup): Cell[] => {
    const hidden = new Set('suppressed' in g ? g.suppressed : []);
    /** the figure at `path`, formatted; '..' when suppressed, empty when there is none (`none` otherwise) */
    const at = (path: string, f: (v: number) => Cell = (v) => v, none: Cell = null): Cell => {
      if (hidden.has(path)) return SUPPRESSED_MARK;
      const v = getPath(g, path);
      return typeof v === 'number' ? f(v) : v === null ? null : none;
    };
    const x = (path: string) => at(path, num);
    const sek = (path: string) => at(path, (v) => num(v / 100));
    return [
      report.region, report.month, report.window, report.groupBy, report.care, g.key, g.name,
      at('admissions.admitted'), at('admissions.ready.count'), x('admissions.ready.share'), x('admissions.readyOver65.share'),
      at('readyDays.episodes'), at('readyDays.sum'), x('readyDays.average'), x('readyDays.median'), x('readyDays.p90'), at('readyDays.individuals'), x('readyDays.daysPerIndividual'),
      x('readyDays.dischargedOnReadyDay.share'), x('readyDays.fourDaysOrMore.share'), x('readyDays.over65.average'), num(report.benchmark.days),
      x('admissionNoticeWithin24h.share'), x('namedCareContact.share'), x('invitationWithinDays.share'), at('sipDeclined'), at('sipsEstablished'), at('sipsCompleted'), at('sipsAcknowledged'),
      x('readmission30Days.all.share'), x('readmission30Days.over65.share'),
      at('lengthOfStay.count'), x('lengthOfStay.average'), x('lengthOfStay.median'), x('lengthOfStay.p90'),
      ...NEEDS_CATEGORIES.map((c) => x(`needsBeforeDischarge.psychiatric.shares.${c}`)), ...NEEDS_CATEGORIES.map((c) => x(`needsBeforeDischarge.somatic.shares.${c}`)),
      at('deviations.total'), at('deviations.downtimeExcluded'), ...types.map((t) => at(`deviations.byType.${t}`, (v) => v, 0)),
      at('homeCare.patients'), at('homeCare.patientsOver65'), at('homeCare.new'), at('homeCare.ended'),
      sek('payment.invoicedOre'), at('payment.individual.count'), sek('payment.individual.sum'),
      sek('payment.individual.median'), sek('payment.individual.p90'),
    ];
  };
  return toCsv(header, [...report.groups.map(row), row(report.total)]);
}
