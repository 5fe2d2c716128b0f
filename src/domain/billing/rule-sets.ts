/**
 * Every rule set of docs/domain.md §7's table, as parameters of the one engine, and the lookup of the
 * rule set in force for a region and month (past months always use the rules in force then).
 */
import { firstDayOfMonth, lastDayOfMonth } from '../local-date';
import { BillingDomainRefusal } from './errors';
import { TRANSITIONAL_2018_ANNUAL_ORE } from './transitional-2018';
import type { Month, RuleSetAssumption, RuleSetParams } from './types';

/**
 * Where a rule set is configured without a source saying it applied (docs/domain.md §7): Halland
 * 2018-11-01 … 2022-10-31 has no agreement known from the sources (the steering group planned
 * one), so the law's default is an assumption. Listed with the rule set; the close and the
 * simulation of such a month say so (`assumptionFor`).
 */
export const RULE_SET_ASSUMPTIONS: Readonly<Record<string, readonly RuleSetAssumption[]>> = Object.freeze({
  'law-2017-612': [
    {
      region: 'halland',
      from: '2018-11-01',
      to: '2022-10-31',
      note:
        'Assumption: the sources do not say which model applied in Halland from 2018-11-01 to 2022-10-31 (the steering group planned one); ' +
        'the law\'s default (lag 2017:612) is charged until the agreement of the period is known.',
    },
  ],
});

/** The assumption behind using rule set `ruleSetId` in a region's month ('YYYY-MM'), or null. */
export function assumptionFor(ruleSetId: string, region: string, month: Month): RuleSetAssumption | null {
  const first = firstDayOfMonth(month);
  return (RULE_SET_ASSUMPTIONS[ruleSetId] ?? []).find((a) => a.region === region && a.from <= first && first <= a.to) ?? null;
}

const base: Omit<RuleSetParams, 'id' | 'name' | 'source' | 'calculation'> = {
  freeDays: 0,
  psychiatricFreeDays: [],
  outpatientExemption: false,
  minReadyDays: 0,
  benchmark: null,
  individual: null,
  discountPercent: 0,
  rollingWindowMonths: 1,
  checkpoints: { planningBasisDate: false, treatmentPlan: false },
  transitional: null,
};

/** Halland's average model (000): 2.3 = 2021's national average, used 2022-11-01 … 2023-12-31. */
const hallandBenchmark = {
  fixed: [{ from: '2022-11', to: '2023-12', hundredths: 230 }],
  otherwiseNationalAverageOfPreviousYear: true,
};

export const RULE_SETS: Readonly<Record<string, RuleSetParams>> = Object.freeze({
  'law-2017-612': {
    ...base,
    id: 'law-2017-612',
    name: 'Lag (2017:612), default without agreement',
    source: '001 §46: liability at the earliest 3 calendar days after notification; psychiatric care 30 days in 2018; förordning 2017:617',
    calculation: 'perEpisode',
    freeDays: 3,
    psychiatricFreeDays: [{ year: 2018, days: 30 }],
    outpatientExemption: true,
    assumedFor: [...RULE_SET_ASSUMPTIONS['law-2017-612']!],
  },
  'halland-2018-transitional': {
    ...base,
    id: 'halland-2018-transitional',
    name: 'Halland 2018 transitional: 1/12 of 2017 invoiced',
    source: '001 §46/§114 and appendix: monthly one twelfth of each municipality\'s 2017 invoiced amount, settled at year end',
    calculation: 'transitionalTwelfth',
    transitional: { baseYear: 2017, annualOre: TRANSITIONAL_2018_ANNUAL_ORE },
  },
  'halland-average-2022': {
    ...base,
    id: 'halland-average-2022',
    name: 'Halland average model (≥1-day episodes)',
    source: '000: average model from 2022-11-01, episodes with ≥1 ready day, benchmark 2.3 then national average',
    calculation: 'average',
    minReadyDays: 1,
    benchmark: hallandBenchmark,
  },
  'halland-average-2023-discount': {
    ...base,
    id: 'halland-average-2023-discount',
    name: 'Halland average model with 35 % discount',
    source: '002: "Sedan 1 november 2023 ges en 35 % rabatt av totalbeloppet"',
    calculation: 'average',
    minReadyDays: 1,
    benchmark: hallandBenchmark,
    discountPercent: 35,
  },
  'halland-2027': {
    ...base,
    id: 'halland-2027',
    name: 'Halland 2027 (≥0-day episodes, benchmark 1.5, checkpoints)',
    source: '002: 0-day episodes count, new level 1.5, no discount, checkpoints planning basis date + treatment plan',
    calculation: 'average',
    minReadyDays: 0,
    benchmark: { fixed: [{ from: '2027-01', hundredths: 150 }], otherwiseNationalAverageOfPreviousYear: false },
    checkpoints: { planningBasisDate: true, treatmentPlan: true },
  },
  'gavleborg-2019': {
    ...base,
    id: 'gavleborg-2019',
    // the id is historical: the model applies from 2018-01-01, psychiatry joins it in 2019 (docs/domain.md §7)
    name: 'Gävleborg (2.0 average, individual invoices above 7 days; psychiatry 2018 per individual after 30 days)',
    source:
      '004 §3.2/§6: "Ersättningsskyldighet inträder per individ efter 30 kalenderdagar … under 2018. Fr.o.m. 2019 beräknas ' +
      'ersättningsskyldigheten lika som för övriga patienter i lagens målgrupp (d.v.s. 2,0 snittdagar/>7 dagar per individ)", "individfaktureringar borttagna"',
    calculation: 'average',
    // Decision (docs/domain.md §7 leaves it open): every ready episode enters the average, 0-days included.
    minReadyDays: 0,
    benchmark: { fixed: [{ from: '2018-01', hundredths: 200 }], otherwiseNationalAverageOfPreviousYear: false },
    // psychiatric episodes first notified ready in 2018: per individual after 30 calendar days, not in the average
    psychiatricFreeDays: [{ year: 2018, days: 30 }],
    individual: { aboveDays: 7, charge: 'beyond', removeFromAverage: true },
  },
} satisfies Record<string, RuleSetParams>);

export class UnknownRuleSetError extends BillingDomainRefusal {
  declare readonly code: 'UNKNOWN_RULE_SET';
  constructor(id: string) {
    super('UNKNOWN_RULE_SET', `Unknown rule set '${id}'; known: ${Object.keys(RULE_SETS).join(', ')}`, { ruleSetId: id }, 400);
    this.name = 'UnknownRuleSetError';
  }
}

export function ruleSet(id: string): RuleSetParams {
  const r = RULE_SETS[id];
  if (!r) throw new UnknownRuleSetError(id);
  return r;
}

/** The agreement shape of `src/domain/regions.ts` (dates inclusive). */
export interface AgreementPeriod {
  ruleSetId: string;
  from: string;
  to?: string;
}

/**
 * The rule set in force for a month: the agreement covering the month's last day (an episode
 * belongs to the month of its discharge, and agreements change on the first of a month in every
 * source); `law-2017-612` when no agreement covers it (docs/domain.md §7 "default when no agreement").
 */
export function ruleSetIdFor(agreements: readonly AgreementPeriod[], month: Month): string {
  const last = lastDayOfMonth(month);
  const a = agreements.find((x) => x.from <= last && (!x.to || last <= x.to));
  return a?.ruleSetId ?? 'law-2017-612';
}

// month arithmetic is the time module's (src/domain/local-date.ts); billing's callers have it from here
export { addMonths, firstDayOfMonth, lastDayOfMonth, nextMonth } from '../local-date';

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
