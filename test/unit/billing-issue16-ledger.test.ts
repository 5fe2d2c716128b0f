/**
 * Issue 16's payment rules through the real ledger (PGlite; PostgreSQL when TEST_DATABASE_URL is
 * set): the monthly close's freeze, finalisation and the simulation read episodes as the close
 * does, so the seeds' figures are reproduced from ledger episodes.
 *
 * - out-of-county episodes (docs/domain.md §7, 001 §5.8: "Ansvaret för insatser ligger på respektive
 *   län/region och kommun där personen är folkbokförd") on their own basis under the law;
 * - Gävleborg 2018 under its agreement (004 §3.2);
 * - Halland 2018-11 … 2022-10: the law is an assumption, said in the close and the simulation;
 * - the sourced national daily amounts and averages known without an administrator;
 * - the law for a somatic 2018 episode at 7 100 kr (001 §46: "Beloppet är för år 2018 är 7100 kronor/vårddygn").
 */
import { dailyAmounts, invoicesOfClose, listDailyAmounts, listNationalAverages, nationalAverages, REFERENCE_SET_BY, setDailyAmount, setNationalAverage } from '../../src/db/billing';
import { finaliseClose, freezeClose, simulate } from '../../src/db/billing-close';
import { DailyAmountMissingError, ruleSet } from '../../src/domain/billing';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { ledgerBackends, useLedgerOn } from '../db/backends';
import { billingEpisode } from '../helpers/billing';
import { upsertEpisode } from '../../src/db/ledger';

const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
const gavleborg = DEFAULT_REGIONS.find((r) => r.id === 'gavleborg')!;
const input = (region: typeof halland, month: string) => ({
  region: region.id, month, municipalities: region.municipalities.map((m) => m.code), agreements: region.agreements.map((a) => ({ ruleSetId: a.ruleSetId, from: a.from, ...(a.to ? { to: a.to } : {}) })),
});

describe.each(ledgerBackends())('issue 16 payment rules through the ledger on $name', (backend) => {
  const ledger = useLedgerOn(backend);

  const put = async (id: string, spec: Parameters<typeof billingEpisode>[0] & { outOfCounty?: boolean }) => {
    const e = billingEpisode(spec);
    await upsertEpisode(ledger.db, { ...e, episodeId: id, outOfCounty: spec.outOfCounty ?? false });
  };

  it('daily amounts: the sourced national amounts are known without an administrator; an entry wins; a year without one stays missing', async () => {
    const table = await dailyAmounts(ledger.db);
    // 2020: 8 200 kr (src/domain/reference/daily-amounts.ts), never typed in
    expect(table.get(2020)).toBe(8_200_00);
    expect([...table.keys()]).toEqual([2018, 2019, 2020, 2022]);
    expect((await listDailyAmounts(ledger.db)).find((d) => d.year === 2020)).toMatchObject({ amount_ore: 8_200_00, set_by: REFERENCE_SET_BY, source: expect.stringContaining('8200 kr') });
    await setDailyAmount(ledger.db, 2020, 8_300_00, 'administrator test', 'admin');
    expect((await dailyAmounts(ledger.db)).get(2020)).toBe(8_300_00);
    expect((await listDailyAmounts(ledger.db)).filter((d) => d.year === 2020)).toEqual([expect.objectContaining({ amount_ore: 8_300_00, set_by: 'admin' })]);
    // 2021: no source found → the clear refusal stays
    await expect(freezeClose(ledger.db, input(gavleborg, '2021-02'))).rejects.toBeInstanceOf(DailyAmountMissingError);
  });

  it('national averages: the sourced 2021 figure is known without the administered row; an entry wins', async () => {
    await ledger.db.deleteFrom('billing_national_averages').execute();
    expect((await nationalAverages(ledger.db)).get(2021)).toBe(230);
    await setNationalAverage(ledger.db, 2021, 240, 'administrator test', 'admin');
    expect((await nationalAverages(ledger.db)).get(2021)).toBe(240);
    expect((await nationalAverages(ledger.db)).has(2022)).toBe(false);
  });

  it('every listed figure carries its source: the rows migration 0004 wrote ("docs/domain.md §7") show the regulation or publication instead; an administrator\'s entry still wins', async () => {
    const daily = await listDailyAmounts(ledger.db);
    // (2020 was overridden by the test before)
    expect(daily.filter((d) => d.year !== 2020).map((d) => [d.year, Number(d.amount_ore), d.set_by])).toEqual([
      [2018, 7_100_00, REFERENCE_SET_BY], [2019, 7_800_00, REFERENCE_SET_BY], [2022, 9_300_00, REFERENCE_SET_BY],
    ]);
    expect(daily.find((d) => d.year === 2019)!.source).toContain('HSLF-FS 2018:67');
    expect(daily.find((d) => d.year === 2022)!.source).toContain('Vårdsamverkan Skåne');
    expect(daily.find((d) => d.year === 2018)!.source).toContain('7100 kronor/vårddygn');
    for (const d of daily) expect(d.source).not.toMatch(/^docs\/domain\.md/);
    // the test before deleted the administered 2021 row and set its own: back to migration 0004's row
    await ledger.db.deleteFrom('billing_national_averages').execute();
    await ledger.db.insertInto('billing_national_averages').values({ year: 2021, hundredths: 230, source: '000: 2,3 dagar, 2021 års riksgenomsnitt', set_by: 'migration 0004' }).execute();
    const averages = await listNationalAverages(ledger.db);
    expect(averages).toEqual([{ year: 2021, hundredths: 230, source: expect.stringContaining('vilket är 2021 års riksgenomsnitt'), set_by: REFERENCE_SET_BY, set_at: null }]);
    await setNationalAverage(ledger.db, 2023, 250, 'administrator test', 'admin');
    await setDailyAmount(ledger.db, 2022, 9_400_00, 'administrator test', 'admin');
    expect((await listNationalAverages(ledger.db)).map((a) => [a.year, a.hundredths, a.source, a.set_by])).toEqual([[2021, 230, expect.any(String), REFERENCE_SET_BY], [2023, 250, 'administrator test', 'admin']]);
    expect((await listDailyAmounts(ledger.db)).find((d) => d.year === 2022)).toMatchObject({ amount_ore: 9_400_00, source: 'administrator test', set_by: 'admin' });
  });

  it('Göteborg 1480 in a Halland close: its own basis and invoice under law-2017-612, named from SCB, never the discount', async () => {
    await setDailyAmount(ledger.db, 2024, 10_000_00, 'test', 'admin');
    await setNationalAverage(ledger.db, 2023, 280, 'test', 'admin');
    await put('gbg-1', { region: 'halland', municipality: '1480', outOfCounty: true, periods: [['2024-03-01', '2024-03-11']] }); // 10 days → 7
    await put('hlm-1', { region: 'halland', municipality: '1380', periods: [['2024-03-01', '2024-03-11']] }); // average model, 35 % off
    const s = await freezeClose(ledger.db, input(halland, '2024-03'));
    expect(s.ruleSetId).toBe('halland-average-2023-discount');
    expect(s.municipalities.find((m) => m.municipality === '1480')).toMatchObject({
      lines: 1, totalOre: 7 * 10_000_00, outOfCounty: { ruleSetId: 'law-2017-612', municipalityName: 'Göteborg', countyName: 'Västra Götalands län' },
    });
    expect(s.municipalities.find((m) => m.municipality === '1380')!.outOfCounty).toBeUndefined();
    await finaliseClose(ledger.db, s.closeId, [], [], '2024-04-20T10:00:00.000Z');
    const invoices = await invoicesOfClose(ledger.db, s.closeId);
    expect(invoices.find((i) => i.municipality === '1480')).toMatchObject({ ruleSetId: 'law-2017-612', totalOre: 70_000_00, lines: [expect.objectContaining({ kind: 'episode', dayHundredths: 700 })] });
    expect(invoices.find((i) => i.municipality === '1380')).toMatchObject({ ruleSetId: 'halland-average-2023-discount' });
  });

  it('Halland 2018-11 … 2022-10: the close and the simulation say the law is an assumption; a somatic 2018 episode at 7 100 kr per day', async () => {
    await put('h2018-som', { region: 'halland', municipality: '1383', periods: [['2018-11-01', '2018-11-11']] }); // 10 days → 7 × 7 100
    await put('h2018-psy', { region: 'halland', municipality: '1383', psychiatric: true, periods: [['2018-10-10', '2018-11-14']] }); // 35 days → 5 × 7 100
    const s = await freezeClose(ledger.db, input(halland, '2018-11'));
    expect(s).toMatchObject({ ruleSetId: 'law-2017-612', dailyAmountOre: 7_100_00, ruleSetAssumption: expect.stringMatching(/^Assumption: the sources do not say which model applied in Halland/) });
    expect(s.municipalities.find((m) => m.municipality === '1383')!.totalOre).toBe(7 * 7_100_00 + 5 * 7_100_00);
    const sim = await simulate(ledger.db, { region: 'halland', municipalities: halland.municipalities.map((m) => m.code), from: '2018-10', to: '2018-11', ruleSets: [ruleSet('law-2017-612')] });
    expect(sim.months.map((m) => [m.month, m.results[0]!.assumption !== null])).toEqual([['2018-10', false], ['2018-11', true]]);
    // Gävleborg's months are not an assumption
    expect((await freezeClose(ledger.db, input(gavleborg, '2019-02'))).ruleSetAssumption).toBeNull();
  });

  it('Gävleborg 2018 is closed under its agreement: the others on 2.0/>7, psychiatry per individual after 30 days', async () => {
    await put('g2018-som', { region: 'gavleborg', municipality: '2180', periods: [['2018-06-01', '2018-06-11']] }); // 10 days → individual, 3
    await put('g2018-psy', { region: 'gavleborg', municipality: '2180', psychiatric: true, periods: [['2018-05-01', '2018-06-05']] }); // 35 → 5
    const s = await freezeClose(ledger.db, input(gavleborg, '2018-06'));
    expect(s.ruleSetId).toBe('gavleborg-2019');
    expect(s.municipalities.find((m) => m.municipality === '2180')!.totalOre).toBe(8 * 7_100_00);
  });
});
