/**
 * Figures of the seeds reproduced from ledger episodes in the indicator report (issue 16), on PGlite
 * (and PostgreSQL when TEST_DATABASE_URL is set):
 * - 000 "Vilka behov har patienterna inför utskrivningsplaneringen?": "PSH HS  Behov / 60% 40% Oförändrade
 *   behov av insatser / 15% 15% Nytillkomna behov av insatser från socialtjänsten / 7% 40% Nytillkomna behov
 *   av hälso- och sjukvårdsinsatser … / 18% 5% Nytillkomna avancerade behov av hälso- och sjukvård";
 * - 004 §4.2 "Vårdtider i snitt, per slutenvårdsavdelning och per kommun";
 * - 004 §4.1 "Antal upprättade och kvitterade samordnade individuella planer per kommun. Kommentar: Gärna även per HC."
 */
import { loadIndicatorData } from '../../src/db/indicators';
import { upsertEpisode, type EpisodeProjection } from '../../src/db/ledger';
import { buildIndicatorReport, indicatorCsv, type IndicatorReport } from '../../src/domain/indicator-report';
import type { GroupBy, NeedsCategory } from '../../src/domain/indicators';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { ledgerBackends, useLedgerOn } from '../db/backends';
import { episode } from '../db/fixtures';

const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;

describe.each(ledgerBackends())('seed figures in the indicator report on $name', (backend) => {
  const ledger = useLedgerOn(backend);

  /** A discharged episode of `month` (YYYY-MM), admitted on day `admitted`, discharged on day `discharged`. */
  const discharged = (id: string, month: string, o: Partial<EpisodeProjection> & { admitted?: number; dischargedDay?: number } = {}) => {
    const { admitted = 2, dischargedDay = 12, ...rest } = o;
    const a = `${month}-${String(admitted).padStart(2, '0')}`;
    const d = `${month}-${String(dischargedDay).padStart(2, '0')}`;
    return upsertEpisode(ledger.db, episode({
      episodeId: id, status: 'discharged', admittedAt: `${a}T08:00:00.000Z`, admissionNoticeSentAt: `${a}T10:00:00.000Z`,
      readyDate: d, dischargedAt: `${d}T10:00:00.000Z`, dischargeDate: d,
      readyPeriods: [{ seq: 1, readyDate: d, endedDate: d, endReason: 'DISCHARGED', withdrawalReason: null }],
      ...rest,
    }));
  };
  const report = async (month: string, groupBy: GroupBy): Promise<IndicatorReport> => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const period = { from: `${month}-01`, toExclusive: new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10) };
    const data = await loadIndicatorData(ledger.db, 'halland', period);
    return buildIndicatorReport({
      region: halland, month, window: 'month', period, groupBy, care: 'all', invitationDays: 3,
      benchmark: { days: 2.8, ruleSetId: 'halland-average-2023-discount', note: null }, today: '2030-01-01', months: [month], ...data,
    });
  };

  it('000: the needs split, psychiatric (PSH) 60/15/7/18 % and somatic (HS) 40/15/40/5 %', async () => {
    const make = async (prefix: string, psychiatric: boolean, counts: Record<NeedsCategory, number>) => {
      let n = 0;
      for (const [needsCategory, k] of Object.entries(counts) as [NeedsCategory, number][]) {
        for (let i = 0; i < k; i++) await discharged(`${prefix}-${++n}`, '2023-01', { psychiatric, needsCategory, patientRef: `p-${prefix}-${n}` });
      }
    };
    await make('psh', true, { unchanged: 60, newSocialServices: 15, newHealthCare: 7, newAdvancedHealthCare: 18 });
    await make('hs', false, { unchanged: 8, newSocialServices: 3, newHealthCare: 8, newAdvancedHealthCare: 1 });
    const r = await report('2023-01', 'municipality');
    expect(r.total.needsBeforeDischarge.psychiatric).toMatchObject({ recorded: 100, shares: { unchanged: 0.6, newSocialServices: 0.15, newHealthCare: 0.07, newAdvancedHealthCare: 0.18 } });
    expect(r.total.needsBeforeDischarge.somatic).toMatchObject({ recorded: 20, shares: { unchanged: 0.4, newSocialServices: 0.15, newHealthCare: 0.4, newAdvancedHealthCare: 0.05 } });
  }, 120_000);

  it('004 §4.2: average length of stay per ward and per municipality (admission to discharge)', async () => {
    await discharged('los-1', '2023-02', { admitted: 1, dischargedDay: 5, inpatientUnitHsa: 'SE2321000115-AVD1', residenceMunicipality: '1380' }); // 4 days
    await discharged('los-2', '2023-02', { admitted: 1, dischargedDay: 11, inpatientUnitHsa: 'SE2321000115-AVD1', residenceMunicipality: '1383' }); // 10
    await discharged('los-3', '2023-02', { admitted: 3, dischargedDay: 6, inpatientUnitHsa: 'SE2321000115-AVD2', residenceMunicipality: '1380' }); // 3
    const byUnit = await report('2023-02', 'unit');
    expect(byUnit.groups.map((g) => [g.key, g.lengthOfStay.count, g.lengthOfStay.average])).toEqual([['SE2321000115-AVD1', 2, 7], ['SE2321000115-AVD2', 1, 3]]);
    const byMunicipality = await report('2023-02', 'municipality');
    expect(byMunicipality.groups.find((g) => g.key === '1380')!.lengthOfStay).toMatchObject({ count: 2, sum: 7, average: 3.5, median: 3.5, p90: 4 });
    expect(byMunicipality.groups.find((g) => g.key === '1383')!.lengthOfStay).toMatchObject({ count: 1, average: 10 });
    expect(byMunicipality.total.lengthOfStay).toMatchObject({ count: 3, sum: 17 });
    const csv = indicatorCsv(byMunicipality).slice(1).split('\r\n').filter(Boolean).map((x) => x.split(';'));
    expect(csv.at(-1)![csv[0]!.indexOf('lengthOfStayAverage')]).toBe('5.67');
  });

  it('004 §4.1: SIPs established and acknowledged per health centre (HC)', async () => {
    const sip = { sipCreatedAt: '2023-04-10T10:00:00.000Z', sipAcknowledgedAt: '2023-04-11T10:00:00.000Z' };
    await discharged('hc-1', '2023-04', { ...sip, primaryCareUnitHsa: 'SE2321000115-VC01' });
    await discharged('hc-2', '2023-04', { ...sip, primaryCareUnitHsa: 'SE2321000115-VC01', sipAcknowledgedAt: null });
    await discharged('hc-3', '2023-04', { ...sip, primaryCareUnitHsa: 'SE2321000115-VC02' });
    await discharged('hc-4', '2023-04', { primaryCareUnitHsa: 'SE2321000115-VC02' });
    const r = await report('2023-04', 'healthCentre');
    expect(r.groupBy).toBe('healthCentre');
    expect(r.groups.map((g) => [g.key, g.sipsEstablished, g.sipsAcknowledged])).toEqual([['SE2321000115-VC01', 2, 1], ['SE2321000115-VC02', 1, 1]]);
    expect(r.groups[0]).toMatchObject({ homeCare: null, payment: null });
    expect(r.notComputable.map((x) => x.indicator)).toContain('deviations per health centre');
  });
});
