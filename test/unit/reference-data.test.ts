/**
 * Reference data (issue 16, src/domain/reference): the SCB municipality list, the national
 * daily amounts (belopp per vårddygn) and the national averages, each figure with its source.
 */
import {
  COUNTIES,
  MUNICIPALITIES,
  NATIONAL_AVERAGES,
  NATIONAL_DAILY_AMOUNTS,
  NATIONAL_MONTHLY_AVERAGES,
  UNVERIFIED_DAILY_AMOUNT_LEADS,
  countyOf,
  municipality,
  municipalityName,
  nationalAverage,
  nationalAverageTable,
  nationalDailyAmount,
  nationalDailyAmountTable,
} from '../../src/domain/reference';

describe('SCB municipalities', () => {
  test('exactly 290 municipalities with unique 4-digit codes', () => {
    expect(MUNICIPALITIES).toHaveLength(290);
    for (const m of MUNICIPALITIES) expect(m.code).toMatch(/^\d{4}$/);
    expect(new Set(MUNICIPALITIES.map((m) => m.code)).size).toBe(290);
    expect(new Set(MUNICIPALITIES.map((m) => m.name)).size).toBe(290);
    for (const m of MUNICIPALITIES) expect(m.name.trim()).toBe(m.name);
  });

  test('21 counties, each with municipalities, and a code whose first two digits are the county code', () => {
    expect(COUNTIES).toHaveLength(21);
    expect(new Set(COUNTIES.map((c) => c.code)).size).toBe(21);
    for (const c of COUNTIES) expect(c.code).toMatch(/^\d{2}$/);
    const countyCodes = new Set(COUNTIES.map((c) => c.code));
    for (const m of MUNICIPALITIES) {
      expect(m.code.slice(0, 2)).toBe(m.countyCode);
      expect(countyCodes.has(m.countyCode)).toBe(true);
    }
    for (const c of COUNTIES) expect(MUNICIPALITIES.some((m) => m.countyCode === c.code)).toBe(true);
  });

  test('known entries', () => {
    expect(municipalityName('1380')).toBe('Halmstad');
    expect(municipalityName('1480')).toBe('Göteborg');
    expect(municipalityName('2180')).toBe('Gävle');
    expect(municipalityName('0180')).toBe('Stockholm');
    expect(countyOf('1380')).toEqual({ code: '13', name: 'Hallands län' });
    expect(countyOf('1480')).toEqual({ code: '14', name: 'Västra Götalands län' });
    expect(countyOf('2180')).toEqual({ code: '21', name: 'Gävleborgs län' });
    expect(countyOf('0180')).toEqual({ code: '01', name: 'Stockholms län' });
    expect(municipality('0980')).toEqual({ code: '0980', name: 'Gotland', countyCode: '09' });
    expect(MUNICIPALITIES.filter((m) => m.countyCode === '13').map((m) => m.code)).toEqual(['1315', '1380', '1381', '1382', '1383', '1384']);
  });

  test('an unknown code has no name and no county', () => {
    expect(municipalityName('9999')).toBeUndefined();
    expect(countyOf('9999')).toBeUndefined();
    expect(municipalityName('180')).toBeUndefined();
  });
});

describe('national daily amounts (belopp per vårddygn)', () => {
  test('strictly positive integers in öre, years unique and ascending, every entry sourced', () => {
    expect(NATIONAL_DAILY_AMOUNTS.length).toBeGreaterThan(0);
    for (const e of NATIONAL_DAILY_AMOUNTS) {
      expect(Number.isInteger(e.amountOre)).toBe(true);
      expect(e.amountOre).toBeGreaterThan(0);
      expect(e.amountOre % 100).toBe(0); // set in whole kronor
      expect(e.source.trim().length).toBeGreaterThan(10);
      if (e.url !== undefined) expect(e.url).toMatch(/^https:\/\//);
      expect(e.year).toBeGreaterThanOrEqual(2018); // lag (2017:612) applies from 2018
    }
    const years = NATIONAL_DAILY_AMOUNTS.map((e) => e.year);
    for (let i = 1; i < years.length; i++) expect(years[i]).toBeGreaterThan(years[i - 1]);
  });

  test('the known figures: 2018 7 100 kr, 2019 7 800 kr (HSLF-FS 2018:67), 2022 9 300 kr', () => {
    expect(nationalDailyAmount(2018)?.amountOre).toBe(710_000);
    expect(nationalDailyAmount(2019)?.amountOre).toBe(780_000);
    expect(nationalDailyAmount(2019)?.source).toContain('HSLF-FS 2018:67');
    expect(nationalDailyAmount(2019)?.sourceKind).toBe('regulation');
    expect(nationalDailyAmount(2022)?.amountOre).toBe(930_000);
    expect(nationalDailyAmount(2020)?.amountOre).toBe(820_000);
  });

  test('a year without a citable figure stays out (no guess)', () => {
    for (const y of [2017, 2021, 2023, 2024, 2025, 2026, 2027]) expect(nationalDailyAmount(y)).toBeUndefined();
    const table = nationalDailyAmountTable();
    expect([...table.keys()]).toEqual(NATIONAL_DAILY_AMOUNTS.map((e) => e.year));
    expect(table.get(2019)).toBe(780_000);
    for (const lead of UNVERIFIED_DAILY_AMOUNT_LEADS) expect(table.has(lead.year)).toBe(false);
  });
});

describe('national averages of ready days', () => {
  test('hundredths of a day, integers, years unique and ascending, every entry sourced', () => {
    for (const e of NATIONAL_AVERAGES) {
      expect(Number.isInteger(e.hundredths)).toBe(true);
      expect(e.hundredths).toBeGreaterThan(0);
      expect(e.source.trim().length).toBeGreaterThan(10);
    }
    const years = NATIONAL_AVERAGES.map((e) => e.year);
    for (let i = 1; i < years.length; i++) expect(years[i]).toBeGreaterThan(years[i - 1]);
  });

  test('2021: 2.3 days (seed 000, the Halland benchmark); a month is not a year', () => {
    expect(nationalAverage(2021)?.hundredths).toBe(230);
    expect(nationalAverageTable().get(2021)).toBe(230);
    expect(NATIONAL_MONTHLY_AVERAGES.find((m) => m.month === '2022-10')?.hundredths).toBe(280);
    expect(nationalAverage(2022)).toBeUndefined();
    expect(nationalAverage(2023)).toBeUndefined();
  });
});
