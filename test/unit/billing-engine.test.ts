/**
 * The billing engine (docs/domain.md §7): every rule set with hand-computed cases, the edge cases of
 * issue 5, the 2018 transitional table of seed 001's appendix, and properties (fast-check).
 */
import fc from 'fast-check';
import {
  BOM,
  basisCsv,
  computeMonth,
  DailyAmountMissingError,
  dailyAmountFor,
  formatKronor,
  KNOWN_DAILY_AMOUNTS,
  mulDivRound,
  NationalAverageMissingError,
  roundToKronor,
  RULE_SETS,
  ruleSet,
  ruleSetIdFor,
  TRANSITIONAL_2018_ANNUAL_ORE,
  type BillingEpisode,
  type EngineContext,
  type MonthBasis,
  type RuleSetParams,
} from '../../src/domain/billing';
import { DEFAULT_REGIONS } from '../../src/domain/regions';

let seq = 0;
/** A discharged episode ready on `ready`, discharged on `end`. */
function ep(ready: string, end: string, o: Partial<BillingEpisode> = {}): BillingEpisode {
  return {
    episodeId: `e${String(++seq).padStart(4, '0')}`,
    municipality: '1380',
    psychiatric: false,
    readyPeriods: [{ readyDate: ready, endedDate: end }],
    endDate: end,
    ending: 'discharged',
    cancellationReason: null,
    outpatientServicesUnavailable: false,
    planningBasisDate: ready,
    treatmentPlanDate: ready,
    ...o,
  };
}
const DAILY_2019 = 7_800_00;
const DAILY_2022 = 9_300_00;
const ctx = (month: string, dailyAmountOre: number | null, o: Partial<EngineContext> = {}): EngineContext => ({ month, dailyAmountOre, municipalities: ['1380', '1383'], ...o });
const mun = (b: MonthBasis, code = '1380') => b.municipalities.find((m) => m.municipality === code)!;

describe('law-2017-612: per episode, 3 free days', () => {
  const law = ruleSet('law-2017-612');
  it('5 ready days → 2 chargeable × 7 800 kr (2019)', () => {
    const b = computeMonth(law, [ep('2019-03-01', '2019-03-06')], ctx('2019-03', DAILY_2019));
    expect(mun(b).lines[0]).toMatchObject({ readyDays: 5, status: 'charged', chargeableDayHundredths: 200, amountOre: 15_600_00 });
    expect(mun(b).totals.totalOre).toBe(15_600_00);
    expect(b.totalOre).toBe(15_600_00);
  });
  it('a 0-day episode (discharged the day it was ready) charges nothing', () => {
    const b = computeMonth(law, [ep('2019-03-06', '2019-03-06')], ctx('2019-03', DAILY_2019));
    expect(mun(b).lines[0]).toMatchObject({ readyDays: 0, status: 'notCounted', amountOre: 0 });
    expect(mun(b).invoiceLines).toEqual([]);
  });
  it('exactly 3 days is within the free days', () => {
    const b = computeMonth(law, [ep('2019-03-03', '2019-03-06')], ctx('2019-03', DAILY_2019));
    expect(mun(b).totals.totalOre).toBe(0);
  });
  it('withdrawal and re-ready: each period counts, the free days run per notification', () => {
    const e = ep('2019-03-01', '2019-03-15', { readyPeriods: [{ readyDate: '2019-03-01', endedDate: '2019-03-05' }, { readyDate: '2019-03-10', endedDate: '2019-03-15' }] });
    const line = mun(computeMonth(law, [e], ctx('2019-03', DAILY_2019))).lines[0]!;
    // 4 days (1 chargeable) + 5 days (2 chargeable)
    expect(line).toMatchObject({ readyPeriods: 2, readyDays: 9, chargeableDayHundredths: 300, amountOre: 3 * DAILY_2019 });
  });
  it('an episode spanning a month boundary belongs to its discharge month with all its days', () => {
    const e = ep('2019-02-25', '2019-03-02');
    expect(mun(computeMonth(law, [e], ctx('2019-03', DAILY_2019))).lines[0]).toMatchObject({ readyDays: 5, chargeableDayHundredths: 200 });
  });
  it('psychiatric care in 2018: 30 free days; from 2019 like somatic care', () => {
    const p2018 = ep('2018-03-01', '2018-04-05', { psychiatric: true }); // 35 days
    expect(mun(computeMonth(law, [p2018], ctx('2018-04', 7_100_00))).totals.totalOre).toBe(5 * 7_100_00);
    const p2019 = ep('2019-03-01', '2019-04-05', { psychiatric: true });
    expect(mun(computeMonth(law, [p2019], ctx('2019-04', DAILY_2019))).totals.totalOre).toBe(32 * DAILY_2019);
  });
  it('outpatient services unavailable: no liability, the reason is on the line', () => {
    const b = computeMonth(law, [ep('2019-03-01', '2019-03-20', { outpatientServicesUnavailable: true })], ctx('2019-03', DAILY_2019));
    expect(mun(b).lines[0]).toMatchObject({ status: 'notCounted', note: 'OUTPATIENT_SERVICES_UNAVAILABLE', amountOre: 0 });
  });
  it('a municipality with no episodes gets an empty basis with total 0', () => {
    const b = computeMonth(law, [ep('2019-03-01', '2019-03-06')], ctx('2019-03', DAILY_2019));
    expect(mun(b, '1383')).toMatchObject({ lines: [], invoiceLines: [], totals: { episodes: 0, totalOre: 0 } });
  });
  it('episodes never reported ready are not in the basis', () => {
    const b = computeMonth(law, [ep('2019-03-01', '2019-03-06', { readyPeriods: [] })], ctx('2019-03', DAILY_2019));
    expect(mun(b).lines).toEqual([]);
  });
  it('refuses to compute without the daily amount', () => {
    expect(() => computeMonth(law, [], ctx('2019-03', null))).toThrow(/daily amount/);
  });
});

describe('halland-average-2022: ≥1-day episodes, benchmark 2.3', () => {
  const r = ruleSet('halland-average-2022');
  it('0,1,2,5 days: average of 1,2,5 = 2.66 → (8 − 2.3 × 3) = 1.1 days × 9 300 kr', () => {
    const es = [ep('2022-11-10', '2022-11-10'), ep('2022-11-09', '2022-11-10'), ep('2022-11-08', '2022-11-10'), ep('2022-11-05', '2022-11-10')];
    const m = mun(computeMonth(r, es, ctx('2022-11', DAILY_2022)));
    expect(m.totals).toMatchObject({ episodes: 4, countedEpisodes: 3, countedReadyDays: 8, averageHundredths: 266, benchmarkHundredths: 230, chargeableDayHundredths: 110, totalOre: 10_230_00 });
    expect(m.lines.filter((l) => l.status === 'notCounted')).toHaveLength(1);
    expect(m.invoiceLines).toEqual([expect.objectContaining({ kind: 'average', dayHundredths: 110, amountOre: 10_230_00 })]);
  });
  it('an average exactly at the benchmark charges nothing (liability only above it)', () => {
    // 10 episodes, 23 days: 2.30
    const days = [2, 2, 2, 2, 2, 2, 2, 3, 3, 3];
    const es = days.map((d) => ep(`2022-11-${String(20 - d).padStart(2, '0')}`, '2022-11-20'));
    const m = mun(computeMonth(r, es, ctx('2022-11', DAILY_2022)));
    expect(m.totals).toMatchObject({ averageHundredths: 230, totalOre: 0 });
    expect(m.invoiceLines).toEqual([]);
  });
  it('from 2024 the benchmark is the national average of the previous year (configured)', () => {
    const es = [ep('2024-02-01', '2024-02-05')];
    expect(() => computeMonth(r, es, ctx('2024-02', DAILY_2022))).toThrow(NationalAverageMissingError);
    const m = mun(computeMonth(r, es, ctx('2024-02', 1_000_00, { nationalAverages: new Map([[2023, 280]]) })));
    expect(m.totals).toMatchObject({ benchmarkHundredths: 280, chargeableDayHundredths: 120, totalOre: 1_200_00 });
  });
});

describe('halland-average-2023-discount: 35 % on the total', () => {
  it('4 + 4 days: (8 − 4.6) = 3.4 days × 10 000 kr = 34 000 kr, −11 900 kr → 22 100 kr', () => {
    const es = [ep('2023-11-01', '2023-11-05'), ep('2023-11-02', '2023-11-06')];
    const m = mun(computeMonth(ruleSet('halland-average-2023-discount'), es, ctx('2023-11', 10_000_00)));
    expect(m.invoiceLines.map((l) => [l.kind, l.amountOre])).toEqual([['average', 34_000_00], ['discount', -11_900_00]]);
    expect(m.totals).toMatchObject({ grossOre: 34_000_00, discountOre: -11_900_00, totalOre: 22_100_00 });
  });
  it('the discount rounds once, half away from zero, to the öre', () => {
    // 1 day × 1.01 kr = 101 öre; 35 % = 35.35 → 35 öre
    const es = [ep('2023-11-01', '2023-11-05')]; // 4 days, 400 − 230 = 1.7 days
    const m = mun(computeMonth(ruleSet('halland-average-2023-discount'), es, ctx('2023-11', 101)));
    // 1.7 × 101 = 171.7 → 172; 35 % of 172 = 60.2 → 60
    expect(m.totals).toMatchObject({ grossOre: 172, discountOre: -60, totalOre: 112 });
  });
});

describe('halland-2027: ≥0-day episodes, benchmark 1.5, checkpoints', () => {
  const r = ruleSet('halland-2027');
  it('same-day discharges count and pull the average down: 0, 0, 3 → 1.0 → nothing', () => {
    const es = [ep('2027-03-05', '2027-03-05'), ep('2027-03-06', '2027-03-06'), ep('2027-03-02', '2027-03-05')];
    expect(mun(computeMonth(r, es, ctx('2027-03', 1_000_00))).totals).toMatchObject({ countedEpisodes: 3, averageHundredths: 100, totalOre: 0 });
  });
  it('a missing checkpoint excludes the episode, listed with the reason; no discount', () => {
    const es = [
      ep('2027-03-05', '2027-03-05'),
      ep('2027-03-01', '2027-03-05'),
      ep('2027-03-01', '2027-03-11', { treatmentPlanDate: null }),
      ep('2027-03-01', '2027-03-11', { planningBasisDate: null }),
      ep('2027-03-01', '2027-03-11', { treatmentPlanDate: '2027-03-02' }), // plan after ready: not valid
    ];
    const m = mun(computeMonth(r, es, ctx('2027-03', 1_000_00)));
    // counted 0 + 4 = 4 days over 2 episodes: 400 − 300 = 1 day
    expect(m.totals).toMatchObject({ episodes: 5, countedEpisodes: 2, chargeableDayHundredths: 100, discountOre: 0, totalOre: 1_000_00 });
    expect(m.lines.filter((l) => l.status === 'excludedCheckpoint').map((l) => l.checkpoint).sort()).toEqual(['NO_PLANNING_BASIS_DATE', 'NO_TREATMENT_PLAN', 'NO_TREATMENT_PLAN']);
  });
});

describe('gavleborg-2019: 2.0 average, individual invoices above 7 days', () => {
  const r = ruleSet('gavleborg-2019');
  it('10 days → individual invoice of 3 days, removed from the average; 2,3,1 = 2.0 → no average charge', () => {
    const es = [ep('2019-05-01', '2019-05-11'), ep('2019-05-09', '2019-05-11'), ep('2019-05-08', '2019-05-11'), ep('2019-05-10', '2019-05-11')];
    const m = mun(computeMonth(r, es, ctx('2019-05', DAILY_2019)));
    expect(m.invoiceLines).toEqual([expect.objectContaining({ kind: 'individual', dayHundredths: 300, amountOre: 3 * DAILY_2019 })]);
    expect(m.totals).toMatchObject({ countedEpisodes: 3, averageHundredths: 200, totalOre: 3 * DAILY_2019 });
  });
  it('2,3,2 → 2.33: 7 − 6 = 1 day on the average line', () => {
    const es = [ep('2019-05-09', '2019-05-11'), ep('2019-05-08', '2019-05-11'), ep('2019-05-09', '2019-05-11')];
    expect(mun(computeMonth(r, es, ctx('2019-05', DAILY_2019))).invoiceLines).toEqual([expect.objectContaining({ kind: 'average', dayHundredths: 100, amountOre: DAILY_2019 })]);
  });
  it('configurable: an individual invoice charging all days', () => {
    const all: RuleSetParams = { ...r, individual: { aboveDays: 7, charge: 'all', removeFromAverage: true } };
    expect(mun(computeMonth(all, [ep('2019-05-01', '2019-05-11')], ctx('2019-05', DAILY_2019))).totals.totalOre).toBe(10 * DAILY_2019);
  });
});

describe('gavleborg 2018 (004 §3.2): the others on 2.0/>7 days, psychiatry per individual after 30 calendar days', () => {
  // 004 §3.2: "Ersättningsskyldighet inträder per individ efter 30 kalenderdagar om patient blir kvar efter
  // utskrivningsklar, under 2018. Fr.o.m. 2019 beräknas ersättningsskyldigheten lika som för övriga patienter
  // i lagens målgrupp (d.v.s. 2,0 snittdagar/>7 dagar per individ)."
  const r = ruleSet('gavleborg-2019');
  const gctx = (month: string) => ({ month, dailyAmountOre: 7_100_00, municipalities: ['2180', '2181'] });
  it('somatic 2018: 10 days → individual invoice of 3 days; 2, 3, 2 → 2.33 → 1 day on the average', () => {
    const es = [ep('2018-05-01', '2018-05-11'), ep('2018-05-09', '2018-05-11'), ep('2018-05-08', '2018-05-11'), ep('2018-05-09', '2018-05-11')].map((e) => ({ ...e, municipality: '2180' }));
    const m = mun(computeMonth(r, es, gctx('2018-05')), '2180');
    expect(m.invoiceLines).toEqual([
      expect.objectContaining({ kind: 'individual', dayHundredths: 300, amountOre: 3 * 7_100_00 }),
      expect.objectContaining({ kind: 'average', dayHundredths: 100, amountOre: 7_100_00 }),
    ]);
  });
  it('psychiatric 2018: 35 days → 5 days per individual, kept out of the average', () => {
    const psych = { ...ep('2018-05-01', '2018-06-05', { psychiatric: true }), municipality: '2180' }; // 35 days
    const somatic = [ep('2018-06-03', '2018-06-05'), ep('2018-06-03', '2018-06-05')].map((e) => ({ ...e, municipality: '2180' })); // 2 + 2
    const m = mun(computeMonth(r, [psych, ...somatic], gctx('2018-06')), '2180');
    expect(m.lines.find((l) => l.psychiatric)).toMatchObject({ status: 'charged', readyDays: 35, chargeableDayHundredths: 500, amountOre: 5 * 7_100_00, note: expect.stringContaining('not in the average') });
    // the average is 2.0 of the two somatic episodes alone: nothing on the average line
    expect(m.totals).toMatchObject({ countedEpisodes: 2, averageHundredths: 200, totalOre: 5 * 7_100_00 });
    expect(m.invoiceLines).toEqual([expect.objectContaining({ kind: 'individual', dayHundredths: 500 })]);
  });
  it('the basis line says why it is invoiced per individual: psychiatric care notified 2018 after 30 days, or above 7 days (issue 16: the close shows the 2018 psychiatric individual lines)', () => {
    const psych = { ...ep('2018-05-01', '2018-06-05', { psychiatric: true }), municipality: '2180', episodeId: 'psy' }; // 35 days
    const within = { ...ep('2018-06-01', '2018-06-21', { psychiatric: true }), municipality: '2180', episodeId: 'psy-within' }; // 20 days
    const long = { ...ep('2018-06-01', '2018-06-11'), municipality: '2180', episodeId: 'som-long' }; // 10 days
    const short = { ...ep('2018-06-03', '2018-06-05'), municipality: '2180', episodeId: 'som-short' }; // 2 days
    const m = mun(computeMonth(r, [psych, within, long, short], gctx('2018-06')), '2180');
    const line = (id: string) => m.lines.find((l) => l.episodeId === id)!;
    expect(line('psy').individual).toEqual({ basis: 'psychiatricFreeDays', freeDays: 30, notifiedYear: 2018 });
    expect(line('psy-within')).toMatchObject({ status: 'notCounted', individual: { basis: 'psychiatricFreeDays', freeDays: 30, notifiedYear: 2018 } });
    expect(line('som-long').individual).toEqual({ basis: 'aboveThreshold', aboveDays: 7, removedFromAverage: true });
    expect(line('som-short').individual).toBeUndefined();
    // 2019: psychiatry on the 2.0/>7 model like the others
    const p19 = mun(computeMonth(r, [{ ...ep('2019-05-01', '2019-05-11', { psychiatric: true }), municipality: '2180' }], { ...gctx('2019-05'), dailyAmountOre: DAILY_2019 }), '2180');
    expect(p19.lines[0]!.individual).toEqual({ basis: 'aboveThreshold', aboveDays: 7, removedFromAverage: true });
  });
  it('psychiatric 2018 within 30 days: no charge and not in the average (7 and 20 days would otherwise be individual/average)', () => {
    const psych = { ...ep('2018-06-01', '2018-06-21', { psychiatric: true }), municipality: '2180' }; // 20 days
    const m = mun(computeMonth(r, [psych], gctx('2018-06')), '2180');
    expect(m.lines[0]).toMatchObject({ status: 'notCounted', amountOre: 0 });
    expect(m.totals).toMatchObject({ countedEpisodes: 0, totalOre: 0 });
  });
  it('psychiatric care notified ready in 2019 is on the 2.0/>7 model like the others', () => {
    const psych = { ...ep('2019-05-01', '2019-05-11', { psychiatric: true }), municipality: '2180' };
    const m = mun(computeMonth(r, [psych], { ...gctx('2019-05'), dailyAmountOre: DAILY_2019 }), '2180');
    expect(m.invoiceLines).toEqual([expect.objectContaining({ kind: 'individual', dayHundredths: 300 })]);
  });
});

describe('the 30 psychiatric days follow the year the patient was notified ready, not the billed month', () => {
  // 001: "Betalningsansvaret … i psykiatrisk slutenvård ska … inträda 30 dagar efter underrättelse om utskrivningsklar till och med 31 december"
  it('law: notified 2018-12-10, discharged 2019-01-20 (41 days), billed 2019-01 → 30 free days: 11 × 7 800 kr', () => {
    const e = ep('2018-12-10', '2019-01-20', { psychiatric: true, readyPeriods: [{ readyDate: '2018-12-10', endedDate: '2019-01-20', notifiedDate: '2018-12-10' }] });
    const m = mun(computeMonth(ruleSet('law-2017-612'), [e], ctx('2019-01', DAILY_2019)));
    expect(m.lines[0]).toMatchObject({ readyDays: 41, chargeableDayHundredths: 1100, amountOre: 11 * DAILY_2019 });
  });
  it('law: a ready date in 2018 notified on 2019-01-02 is a 2019 notification → 3 free days', () => {
    const e = ep('2018-12-30', '2019-01-20', { psychiatric: true, readyPeriods: [{ readyDate: '2018-12-30', endedDate: '2019-01-20', notifiedDate: '2019-01-02' }] });
    expect(mun(computeMonth(ruleSet('law-2017-612'), [e], ctx('2019-01', DAILY_2019))).lines[0]).toMatchObject({ readyDays: 18, chargeableDayHundredths: 1500 });
  });
  it('gävleborg: notified 2018-12-10, billed 2019-01 → per individual after 30 days, out of the average', () => {
    const e = { ...ep('2018-12-10', '2019-01-20', { psychiatric: true }), municipality: '2180' };
    const m = mun(computeMonth(ruleSet('gavleborg-2019'), [e], { month: '2019-01', dailyAmountOre: DAILY_2019, municipalities: ['2180'] }), '2180');
    expect(m.lines[0]).toMatchObject({ status: 'charged', chargeableDayHundredths: 1100 });
    expect(m.totals.countedEpisodes).toBe(0);
  });
});

describe('out-of-county episodes: the law on their own basis line, never the agreement (docs/domain.md §7, 001 §5.8)', () => {
  const halland = DEFAULT_REGIONS.find((x) => x.id === 'halland')!;
  const hctx = (month: string, daily: number | null) => ({ month, dailyAmountOre: daily, municipalities: halland.municipalities.map((m) => m.code), nationalAverages: new Map([[2023, 280]]) });
  it('Göteborg 1480 in a Halland close of 2024-03: 10 days → 7 × the daily amount, no discount, named from SCB', () => {
    const gbg = ep('2024-03-01', '2024-03-11', { municipality: '1480', outOfCounty: true });
    const own = ep('2024-03-01', '2024-03-11'); // Halmstad: average model with the discount
    const b = computeMonth(ruleSet('halland-average-2023-discount'), [gbg, own], hctx('2024-03', 10_000_00));
    const m = mun(b, '1480');
    expect(m.outOfCounty).toEqual({ ruleSetId: 'law-2017-612', municipalityName: 'Göteborg', countyName: 'Västra Götalands län' });
    expect(m.lines[0]).toMatchObject({ outOfCounty: true, municipalityName: 'Göteborg', ruleSetId: 'law-2017-612', status: 'charged', chargeableDayHundredths: 700, amountOre: 7 * 10_000_00 });
    expect(m.invoiceLines).toEqual([expect.objectContaining({ kind: 'episode', dayHundredths: 700, amountOre: 70_000_00 })]);
    expect(m.totals).toMatchObject({ discountOre: 0, totalOre: 70_000_00 });
    // the region's own municipality stays on the agreement (average 10 − 2.8 = 7.2 days, 35 % off)
    expect(mun(b, '1380').invoiceLines.map((l) => l.kind)).toEqual(['average', 'discount']);
    expect(mun(b, '1380').outOfCounty).toBeUndefined();
  });
  it('a ledger row without the flag but with another county\'s kommunkod is out of county too; the law under the 2018 twelfth', () => {
    const b = computeMonth(ruleSet('halland-2018-transitional'), [ep('2018-03-01', '2018-03-11', { municipality: '0180' })], hctx('2018-03', 7_100_00));
    expect(mun(b, '0180')).toMatchObject({ outOfCounty: { municipalityName: 'Stockholm' }, totals: { totalOre: 7 * 7_100_00 } });
    // without a daily amount the episode cannot be charged: listed for the billing officer, the month still computes
    const none = computeMonth(ruleSet('halland-2018-transitional'), [ep('2018-03-01', '2018-03-11', { municipality: '0180' })], hctx('2018-03', null));
    expect(none.cannotCompute).toEqual([expect.objectContaining({ municipality: '0180', code: 'DAILY_AMOUNT_MISSING' })]);
    expect(roundToKronor(none.totalOre)).toBe(189_049);
  });
});

describe('halland-2018-transitional: 1/12 of the 2017 invoiced amount (001 appendix)', () => {
  // The appendix table, whole kronor: kommun → [2017 total, twelfth]
  const APPENDIX: Record<string, [string, number, number]> = {
    '1382': ['Falkenberg', 5_042, 420],
    '1384': ['Kungsbacka', 1_501_612, 125_134],
    '1383': ['Varberg', 428_570, 35_714],
    '1380': ['Halmstad', 156_302, 13_025],
    '1381': ['Laholm', 177_061, 14_755],
    '1315': ['Hylte', 0, 0],
  };
  const halland = DEFAULT_REGIONS.find((x) => x.id === 'halland')!;
  const b = computeMonth(ruleSet('halland-2018-transitional'), [ep('2018-03-01', '2018-03-20')], {
    month: '2018-03', dailyAmountOre: null, municipalities: halland.municipalities.map((m) => m.code),
  });
  it.each(Object.entries(APPENDIX))('%s: the monthly charge presented in kronor equals the table', (code, [, annual, twelfth]) => {
    expect(TRANSITIONAL_2018_ANNUAL_ORE[code]).toBe(annual * 100);
    expect(roundToKronor(mun(b, code).totals.totalOre)).toBe(twelfth);
  });
  it('the total equals the table total 189 049 kr and the sum of the lines', () => {
    expect(b.totalOre).toBe(18_904_892);
    expect(roundToKronor(b.totalOre)).toBe(189_049);
    expect(Object.values(APPENDIX).reduce((s, [, a]) => s + a, 0)).toBe(2_268_587);
  });
  it('the rule is in force for Halland 2018-01 … 2018-10, the episodes are listed for information', () => {
    expect(ruleSetIdFor(halland.agreements, '2018-01')).toBe('halland-2018-transitional');
    expect(ruleSetIdFor(halland.agreements, '2018-10')).toBe('halland-2018-transitional');
    expect(ruleSetIdFor(halland.agreements, '2018-11')).toBe('law-2017-612');
    expect(mun(b).lines[0]).toMatchObject({ status: 'informational', amountOre: 0 });
  });
});

describe('rule sets in force per region and month', () => {
  const [halland, gavleborg] = DEFAULT_REGIONS as [typeof DEFAULT_REGIONS[0], typeof DEFAULT_REGIONS[0]];
  it.each([
    [halland, '2022-10', 'law-2017-612'],
    [halland, '2022-11', 'halland-average-2022'],
    [halland, '2023-10', 'halland-average-2022'],
    [halland, '2023-11', 'halland-average-2023-discount'],
    [halland, '2026-12', 'halland-average-2023-discount'],
    [halland, '2027-01', 'halland-2027'],
    // 004 §3.2: the 2.0/>7 model applied to the other patients already in 2018 (issue 16)
    [gavleborg, '2018-01', 'gavleborg-2019'],
    [gavleborg, '2018-06', 'gavleborg-2019'],
    [gavleborg, '2019-01', 'gavleborg-2019'],
  ])('%#: %s', (region, month, id) => {
    expect(ruleSetIdFor(region.agreements, month)).toBe(id);
    expect(RULE_SETS[id]).toBeDefined();
  });
  it('no agreement → the law', () => {
    expect(ruleSetIdFor([], '2020-05')).toBe('law-2017-612');
  });
});

describe('rolling window, corrections, deaths', () => {
  it('a rolling 3-month average decides liability (history pulls it under the benchmark)', () => {
    const rolling: RuleSetParams = { ...ruleSet('halland-average-2022'), id: 'rolling', rollingWindowMonths: 3 };
    const es = [ep('2022-12-01', '2022-12-04'), ep('2022-12-02', '2022-12-05')]; // 3 + 3
    expect(mun(computeMonth(rolling, es, ctx('2022-12', DAILY_2022))).totals.totalOre).toBe(140 * 9_300); // alone: 600 − 460
    const history = [1, 2, 3, 4].map((d) => ep(`2022-11-0${d}`, `2022-11-0${d + 1}`));
    const m = mun(computeMonth(rolling, es, ctx('2022-12', DAILY_2022, { history })));
    expect(m.totals).toMatchObject({ decisionAverageHundredths: 166, totalOre: 0 });
  });
  it('an accepted correction removes the line; a death during the stay is hinted for review', () => {
    const law = ruleSet('law-2017-612');
    const died = ep('2019-03-01', '2019-03-10', { ending: 'cancelled', cancellationReason: 'PATIENT_DIED' });
    const before = mun(computeMonth(law, [died], ctx('2019-03', DAILY_2019)));
    expect(before.lines[0]).toMatchObject({ hint: 'DIED_DURING_STAY', status: 'charged', amountOre: 6 * DAILY_2019 });
    const after = mun(computeMonth(law, [died], ctx('2019-03', DAILY_2019, { corrections: new Map([[before.lines[0]!.lineRef, 'DIED_DURING_STAY']]) })));
    expect(after.lines[0]).toMatchObject({ status: 'corrected', amountOre: 0 });
    expect(after.totals.totalOre).toBe(0);
  });
});

describe('daily amounts, money and CSV', () => {
  it('known daily amounts; a missing year is a clear error', () => {
    const table = new Map(KNOWN_DAILY_AMOUNTS.map((d) => [d.year, d.amountOre]));
    expect(dailyAmountFor(table, 2018)).toBe(710_000);
    expect(dailyAmountFor(table, 2019)).toBe(780_000);
    expect(dailyAmountFor(table, 2022)).toBe(930_000);
    expect(() => dailyAmountFor(table, 2020)).toThrow(DailyAmountMissingError);
    expect(() => dailyAmountFor(table, 2020)).toThrow(/No daily amount .* 2020/);
  });
  it('rounds half away from zero', () => {
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(-5, 1, 2)).toBe(-3);
    expect(mulDivRound(4, 1, 3)).toBe(1);
    expect(roundToKronor(18_904_892)).toBe(189_049);
    expect(formatKronor(-1234_05, { decimalComma: true })).toBe('-1234,05');
  });
  it('CSV: BOM, semicolons, CRLF, decimal comma, quoting', () => {
    const m = mun(computeMonth(ruleSet('law-2017-612'), [ep('2019-03-01', '2019-03-06')], ctx('2019-03', DAILY_2019)));
    const csv = basisCsv(m.lines, { decimalComma: true });
    expect(csv.startsWith(BOM)).toBe(true);
    const [header, row] = csv.slice(1).split('\r\n');
    expect(header!.split(';')).toContain('amountSEK');
    expect(row).toContain(';15600,00;');
    expect(row).toContain(';2,00;');
  });
});

// ---- properties -----------------------------------------------------------------------------

const dateArb = fc.integer({ min: 0, max: 27 }).map((d) => `2023-11-${String(d + 1).padStart(2, '0')}`);
const episodeArb = fc
  .record({
    municipality: fc.constantFrom('1380', '1381', '1383'),
    start: fc.integer({ min: 0, max: 40 }),
    len: fc.integer({ min: 0, max: 15 }),
    gap: fc.option(fc.integer({ min: 1, max: 5 })),
    psychiatric: fc.boolean(),
    outpatient: fc.boolean(),
    cp: fc.boolean(),
    end: dateArb,
  })
  .map((r): Omit<BillingEpisode, 'episodeId'> => {
    const endMs = Date.parse(`${r.end}T00:00:00Z`);
    const d = (daysBefore: number) => new Date(endMs - daysBefore * 86_400_000).toISOString().slice(0, 10);
    const periods = r.gap === null
      ? [{ readyDate: d(r.len), endedDate: r.end }]
      : [{ readyDate: d(r.len + r.gap + 2), endedDate: d(r.len + r.gap) }, { readyDate: d(r.len), endedDate: r.end }];
    return {
      municipality: r.municipality, psychiatric: r.psychiatric, readyPeriods: periods, endDate: r.end, ending: 'discharged', cancellationReason: null,
      outpatientServicesUnavailable: r.outpatient, planningBasisDate: r.cp ? d(40) : null, treatmentPlanDate: d(60),
    };
  });
const episodesArb = fc.array(episodeArb, { maxLength: 40 }).map((xs) => xs.map((x, i) => ({ ...x, episodeId: `p${i}` })));
const ruleArb = fc.constantFrom(...Object.values(RULE_SETS));
const propCtx = (corrections?: Map<string, string>): EngineContext => ({
  month: '2023-11', dailyAmountOre: 987_65, municipalities: ['1380', '1381', '1382', '1383', '1384', '1315'],
  nationalAverages: new Map([[2022, 280], [2026, 200]]), corrections,
});
const forRule = (r: RuleSetParams) => (r.benchmark && !r.benchmark.fixed.some((f) => f.from <= '2023-11') && !r.benchmark.otherwiseNationalAverageOfPreviousYear ? { ...r, benchmark: { ...r.benchmark, fixed: [{ from: '2000-01', hundredths: r.benchmark.fixed[0]!.hundredths }] } } : r);

describe('properties', () => {
  it('every total is the sum of its lines; the month total the sum of municipalities', () => {
    fc.assert(fc.property(ruleArb, episodesArb, (r, es) => {
      const b = computeMonth(forRule(r), es, propCtx());
      for (const m of b.municipalities) {
        expect(m.totals.totalOre).toBe(m.invoiceLines.reduce((s, l) => s + l.amountOre, 0));
        expect(m.totals.totalOre).toBeGreaterThanOrEqual(0);
        for (const l of m.invoiceLines) expect(Number.isSafeInteger(l.amountOre)).toBe(true);
      }
      expect(b.totalOre).toBe(b.municipalities.reduce((s, m) => s + m.totals.totalOre, 0));
    }));
  });
  it('recomputation is deterministic and the order of episodes is irrelevant', () => {
    fc.assert(fc.property(ruleArb, episodesArb.chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length }))), (r, [es, shuffled]) => {
      const a = computeMonth(forRule(r), es, propCtx());
      expect(computeMonth(forRule(r), es, propCtx())).toEqual(a);
      expect(computeMonth(forRule(r), shuffled, propCtx())).toEqual(a);
    }));
  });
  it('a correction never increases a per-episode or individual charge', () => {
    fc.assert(fc.property(fc.constantFrom(ruleSet('law-2017-612'), ruleSet('gavleborg-2019')), episodesArb, fc.nat(), (r, es, pick) => {
      const rr = forRule(r);
      const before = computeMonth(rr, es, propCtx());
      const lines = before.municipalities.flatMap((m) => m.lines).filter((l) => l.status === 'charged');
      if (lines.length === 0) return;
      const ref = lines[pick % lines.length]!.lineRef;
      const after = computeMonth(rr, es, propCtx(new Map([[ref, 'OTHER']])));
      expect(after.municipalities.flatMap((m) => m.lines).find((l) => l.lineRef === ref)?.status).toBe('corrected');
      if (r.calculation === 'perEpisode') expect(after.totalOre).toBeLessThan(before.totalOre);
    }));
  });
});
