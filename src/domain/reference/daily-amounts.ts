/**
 * The national daily amount (belopp per vårddygn) a municipality pays a region for a
 * utskrivningsklar patient under 5 kap. 6 § lag (2017:612), when no agreement sets another
 * amount. Socialstyrelsen sets it for each year in an HSLF-FS regulation under 1 § förordning
 * (2017:617) om fastställande av belopp för vård av utskrivningsklara patienter.
 *
 * Units as src/domain/billing/daily-amounts.ts: whole öre (kr × 100). Only figures found in a
 * source that can be cited are here (issue 16: "A year you cannot source stays empty and keeps
 * today's clear 409. Never guess a figure."). Not found in any source searched, so absent:
 * 2021, 2023, 2024, 2025, 2026 and 2027. `UNVERIFIED_DAILY_AMOUNT_LEADS` lists what was found
 * only second-hand, for an administrator to check against Socialstyrelsen before entering it.
 */

export type DailyAmountSourceKind =
  /** the HSLF-FS regulation text itself */
  | 'regulation'
  /** a public body's publication quoting Socialstyrelsen's amount (regulation number not found) */
  | 'official-publication'
  /** one of the project's source documents (the seeds, docs/domain.md "Sources") */
  | 'seed';

export interface NationalDailyAmount {
  readonly year: number;
  /** kr × 100, an integer */
  readonly amountOre: number;
  /** where the figure was read: regulation number and title, or the publication and its words */
  readonly source: string;
  readonly sourceKind: DailyAmountSourceKind;
  readonly url?: string;
}

export const NATIONAL_DAILY_AMOUNTS: readonly NationalDailyAmount[] = Object.freeze(
  [
    {
      year: 2018,
      amountOre: 7_100_00,
      source:
        'Seed 001 (Region Halland, minutes 2018 §46): "Beloppet för kommunens betalningsansvar regleras via förordning (2017:617) … ' +
        'Beloppet är för år 2018 är 7100 kronor/vårddygn". The regulation for 2018 is HSLF-FS 2017:72 ' +
        '(named as "Senaste författning i ämnet" in HSLF-FS 2018:67; its own text was not found)',
      sourceKind: 'seed',
    },
    {
      year: 2019,
      amountOre: 7_800_00,
      source:
        'HSLF-FS 2018:67 Socialstyrelsens föreskrifter om belopp för vård av utskrivningsklara patienter för år 2019 ' +
        '(beslutade den 4 december 2018), 1 §: "Det belopp som en kommun under år 2019 ska lämna i ersättning till ett ' +
        'landsting för vård av en utskrivningsklar patient enligt 5 kap. 6 § lagen (2017:612) … fastställs till 7 800 kronor för ett vårddygn."',
      sourceKind: 'regulation',
      url: 'https://lagen.nu/hslf-fs/2018:67',
    },
    {
      year: 2020,
      amountOre: 8_200_00,
      source:
        'GITS (Västra Götalandsregionen and the 49 municipalities of Västra Götaland), "Information avseende ersättningsbelopp för ' +
        'utskrivningsklara patienter …": "Det belopp som en kommun under år 2020 ska lämna i ersättning för vård av en utskrivningsklar ' +
        'patient enligt 5 kap. 6§ lagen (2017:612) … är av socialstyrelsen fastställt till 8200 kr för ett vårddygn." ' +
        'Also Region Stockholm, psykiatristod.se (2020 agreement): "i enlighet med Socialstyrelsens föreskrifter 8 200 kronor". ' +
        'HSLF-FS number not found',
      sourceKind: 'official-publication',
      url:
        'https://www.vastkom.se/gits/nyhetsarkiv/nyhetsarkivsamsa/aktuelltsamsa/informationavseendeersattningsbeloppforutskrivningsklarapatientersamtberakningavbetalningsansvarforpatienterinompsykiatriskvard.5.50cc920016fa8c77c583125e.html',
    },
    {
      year: 2022,
      amountOre: 9_300_00,
      source:
        'Vårdsamverkan Skåne, "Belopp för vård av utskrivningsklara patienter" (2021-12-14): "Socialstyrelsen fastställer årligen det ' +
        'belopp … År 2022 är beloppet 9300 kronor per vårddygn." (also docs/domain.md §7). HSLF-FS number not found',
      sourceKind: 'official-publication',
      url: 'https://xn--vrdsamverkanskne-dobn.se/2021/12/14/belopp-for-vard-av-utskrivningsklara-patienter/',
    },
  ].map((e) => Object.freeze(e as NationalDailyAmount)),
);

/**
 * Found only in a third party's notes, not in Socialstyrelsen's text or a public body's
 * publication: not in the table above. Check the regulation at the URL, then enter it
 * (PUT /api/billing/daily-amounts/:year) with the regulation as its source.
 */
export const UNVERIFIED_DAILY_AMOUNT_LEADS: readonly { year: number; amountOre?: number; lead: string; url?: string }[] = Object.freeze([
  {
    year: 2023,
    amountOre: 10_500_00,
    lead: 'A research note in a public GitHub repository: "HSLF-FS 2022:60 — belopp för år 2023 (10 500 kr/vårddygn)"',
    url: 'https://www.socialstyrelsen.se/publikationer/hslf-fs-202260-socialstyrelsens-foreskrifter-om-belopp-for-vard-av-utskrivningsklara-patienter-for-ar-2023--2022-11-8255/',
  },
  {
    year: 2026,
    lead: 'The same note names "HSLF-FS 2025:74 — belopp för vård av utskrivningsklara patienter för år 2026" without its amount',
    url: 'https://www.socialstyrelsen.se/publikationer/hslf-fs-202574-socialstyrelsens-foreskrifter-om-belopp-for-vard-av-utskrivningsklara-patienter-for-ar-2026-2025-12-9956/',
  },
]);

/** The sourced amount of a year, or undefined (no guess: the close keeps refusing that year). */
export function nationalDailyAmount(year: number): NationalDailyAmount | undefined {
  return NATIONAL_DAILY_AMOUNTS.find((e) => e.year === year);
}

/** year → öre, the shape of the billing engine's daily-amount table (`dailyAmountFor(table, year)`). */
export function nationalDailyAmountTable(): ReadonlyMap<number, number> {
  return new Map(NATIONAL_DAILY_AMOUNTS.map((e) => [e.year, e.amountOre]));
}
