/**
 * The national daily amount (belopp per vårddygn), fixed every year by Socialstyrelsen under
 * förordning (2017:617). An administered table (ledger `billing_daily_amounts`); these are the
 * values known from the sources, seeded by the migration.
 */
import { BillingDomainRefusal } from './errors';

export const KNOWN_DAILY_AMOUNTS: readonly { year: number; amountOre: number; source: string }[] = Object.freeze([
  { year: 2018, amountOre: 7_100_00, source: '001 §46: "Beloppet är för år 2018 7100 kronor/vårddygn"' },
  { year: 2019, amountOre: 7_800_00, source: 'HSLF-FS 2018:67' },
  { year: 2022, amountOre: 9_300_00, source: 'docs/domain.md §7' },
]);

export class DailyAmountMissingError extends BillingDomainRefusal {
  declare readonly code: 'DAILY_AMOUNT_MISSING';
  constructor(readonly year: number) {
    super('DAILY_AMOUNT_MISSING', `No daily amount (belopp per vårddygn) is registered for ${year}: an administrator must set it (PUT /api/billing/daily-amounts/${year}) before a month of ${year} can be closed.`, { year });
    this.name = 'DailyAmountMissingError';
  }
}

export class NationalAverageMissingError extends BillingDomainRefusal {
  declare readonly code: 'NATIONAL_AVERAGE_MISSING';
  constructor(readonly year: number, ruleSetId: string) {
    super('NATIONAL_AVERAGE_MISSING', `Rule set ${ruleSetId} needs the national average of ready days for ${year} as its benchmark; none is registered (PUT /api/billing/national-averages/${year}).`, { year, ruleSetId });
    this.name = 'NationalAverageMissingError';
  }
}

/** The amount for a year from a table, or a clear error. */
export function dailyAmountFor(table: ReadonlyMap<number, number>, year: number): number {
  const v = table.get(year);
  if (v === undefined) throw new DailyAmountMissingError(year);
  return v;
}
