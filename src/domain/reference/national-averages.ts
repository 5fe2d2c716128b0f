/**
 * The national average number of days patients are utskrivningsklara (riksgenomsnitt), the
 * benchmark of the average models: `halland-average-2022` uses 2.3 days for 2022-11-01 …
 * 2023-12-31, "then the national average of the previous year" (docs/domain.md §7).
 *
 * Units as src/db/billing.ts `nationalAverages` (table `billing_national_averages`): hundredths of
 * a day, an integer (2.3 days = 230). Only figures found in a citable source are here; a year
 * without one stays absent and keeps the clear NATIONAL_AVERAGE_MISSING refusal. Searched for
 * (SKR "Väntetider i vården" / "Fakta om utskrivningsklara patienter", Socialstyrelsen, Vården i
 * siffror) and not found: every year other than 2021 — in particular 2023, the benchmark the
 * Halland model needs from 2024-01-01.
 */

export interface NationalAverage {
  readonly year: number;
  /** hundredths of a day */
  readonly hundredths: number;
  readonly source: string;
  readonly url?: string;
}

export const NATIONAL_AVERAGES: readonly NationalAverage[] = Object.freeze(
  [
    {
      year: 2021,
      hundredths: 230,
      source:
        'Seed 000 (Region Halland 2023, the agreement since 2022-11-01), note b: "För perioden 2022-11-01 – 2023-12-31 används ' +
        'riktmärke 2,3 dagar, vilket är 2021 års riksgenomsnitt." The seed does not say which measure (episodes with ≥ 1 ready day or all)',
    },
  ].map((e) => Object.freeze(e as NationalAverage)),
);

/**
 * National figures for a single month, not a year: shown for comparison, never a yearly
 * benchmark (a month is not the year's average).
 */
export const NATIONAL_MONTHLY_AVERAGES: readonly { month: string; hundredths: number; source: string }[] = Object.freeze([
  {
    month: '2022-10',
    hundredths: 280,
    source:
      'Seed 000, slide "Antal dagar som patienterna i genomsnitt är utskrivningsklara respektive månad jämfört med riket", ' +
      '"Källa: Väntetider i vården": "Riket 2,8 dagar (okt 2022)" (Halland 3,3 dagar)',
  },
]);

/** The sourced national average of a year, or undefined. */
export function nationalAverage(year: number): NationalAverage | undefined {
  return NATIONAL_AVERAGES.find((e) => e.year === year);
}

/** year → hundredths, the shape `nationalAverages(db)` returns. */
export function nationalAverageTable(): ReadonlyMap<number, number> {
  return new Map(NATIONAL_AVERAGES.map((e) => [e.year, e.hundredths]));
}
