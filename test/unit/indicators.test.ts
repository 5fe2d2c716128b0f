/**
 * The indicators of docs/domain.md §9 as pure functions: statistics (average, median, 90th percentile,
 * shares), the cohorts of one group, readmission by pseudonym, deviations without downtime, and
 * the report's CSV through the billing export's writer.
 */
import { BOM } from '../../src/domain/billing';
import { buildIndicatorReport, indicatorCsv, suppressSmallCells, type ReportInput } from '../../src/domain/indicator-report';
import {
  deviationCounts,
  episodeReadyDays,
  groupIndicators,
  homeCareCounts,
  invitationWithin,
  median,
  noticeWithin24h,
  percentile,
  ratio,
  spread,
  type IndicatorAdmission,
  type IndicatorEpisode,
} from '../../src/domain/indicators';

const MARCH = { from: '2024-03-01', toExclusive: '2024-04-01' };

let n = 0;
function ep(o: Partial<IndicatorEpisode> = {}): IndicatorEpisode {
  n += 1;
  return {
    episodeId: `e${n}`,
    patientRef: `p${n}`,
    municipality: '1380',
    hospital: 'Halmstad',
    unit: 'AVD1',
    psychiatric: false,
    ageAtAdmission: 80,
    admittedAt: '2024-03-04T08:00:00.000Z',
    admittedDate: '2024-03-04',
    admissionNoticeSentAt: '2024-03-04T12:00:00.000Z',
    readyPeriods: [{ readyDate: '2024-03-08', endedDate: '2024-03-10' }],
    dischargeDate: '2024-03-10',
    consent: 'given',
    planningFlow: 'a',
    needsCategory: 'newHealthCare',
    namedCareContactAt: '2024-03-05T09:00:00.000Z',
    invitationSentDate: '2024-03-09',
    sipCreatedDate: null,
    sipCompletedDate: null,
    sipAcknowledgedDate: null,
    ...o,
  };
}

const ctx = (admissions: (IndicatorEpisode & { admissionType?: IndicatorAdmission['admissionType'] })[] = []) => ({
  period: MARCH,
  invitationDays: 3,
  admissionsByPatient: new Map(
    Object.entries(
      admissions.reduce<Record<string, IndicatorAdmission[]>>((m, e) => {
        (m[e.patientRef] ??= []).push({ episodeId: e.episodeId, admittedDate: e.admittedDate, admissionType: e.admissionType ?? null });
        return m;
      }, {}),
    ),
  ),
});

describe('statistics', () => {
  it('median of odd and even counts, nothing for no values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('90th percentile by nearest rank: always an observed value', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([0, 0, 30], 90)).toBe(30);
    expect(percentile([], 90)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });

  it('shares are fractions with 4 decimals, null without a denominator', () => {
    expect(ratio(1, 3)).toEqual({ count: 1, of: 3, share: 0.3333 });
    expect(ratio(0, 0).share).toBeNull();
  });

  it('spread: sum, average to 2 decimals, median, p90', () => {
    expect(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 17])).toEqual({ count: 13, sum: 84, average: 6.46, median: 6, p90: 12 });
    expect(spread([])).toEqual({ count: 0, sum: 0, average: null, median: null, p90: null });
  });
});

describe('per-episode facts', () => {
  it('ready days count every ready period; same-day discharge is 0 (§7)', () => {
    expect(episodeReadyDays({ dischargeDate: '2024-03-10', readyPeriods: [{ readyDate: '2024-03-10', endedDate: '2024-03-10' }] })).toBe(0);
    expect(episodeReadyDays({ dischargeDate: '2024-03-20', readyPeriods: [{ readyDate: '2024-03-01', endedDate: '2024-03-03' }, { readyDate: '2024-03-15', endedDate: null }] })).toBe(7);
    // not discharged: nothing to count (null), never an exception (docs/domain.md §7)
    expect(episodeReadyDays({ dischargeDate: null, readyPeriods: [] })).toBeNull();
  });

  it('admission notice within 24 clock hours; missing counts as not within', () => {
    expect(noticeWithin24h({ admittedAt: '2024-03-04T08:00:00Z', admissionNoticeSentAt: '2024-03-05T08:00:00Z' })).toBe(true);
    expect(noticeWithin24h({ admittedAt: '2024-03-04T08:00:00Z', admissionNoticeSentAt: '2024-03-05T08:00:01Z' })).toBe(false);
    expect(noticeWithin24h({ admittedAt: '2024-03-04T08:00:00Z', admissionNoticeSentAt: null })).toBe(false);
  });

  it('invitation by the end of the third day after the ready date (004 §4.1)', () => {
    const ready = [{ readyDate: '2024-03-08', endedDate: null }];
    expect(invitationWithin({ readyPeriods: ready, invitationSentDate: '2024-03-11' }, 3)).toBe(true);
    expect(invitationWithin({ readyPeriods: ready, invitationSentDate: '2024-03-12' }, 3)).toBe(false);
    expect(invitationWithin({ readyPeriods: ready, invitationSentDate: null }, 3)).toBe(false);
  });
});

describe('one group', () => {
  it('ready days, day 0, four days or more, days per individual', () => {
    const same = ep({ readyPeriods: [{ readyDate: '2024-03-10', endedDate: '2024-03-10' }] });
    const five = ep({ readyPeriods: [{ readyDate: '2024-03-05', endedDate: '2024-03-10' }] });
    // the same patient twice: 2 + 4 days for one individual
    const twiceA = ep({ patientRef: 'px', readyPeriods: [{ readyDate: '2024-03-08', endedDate: '2024-03-10' }] });
    const twiceB = ep({ patientRef: 'px', admittedDate: '2024-03-12', dischargeDate: '2024-03-20', readyPeriods: [{ readyDate: '2024-03-16', endedDate: '2024-03-20' }] });
    const notReady = ep({ readyPeriods: [] });
    const february = ep({ dischargeDate: '2024-02-28', admittedDate: '2024-02-20', readyPeriods: [{ readyDate: '2024-02-20', endedDate: '2024-02-28' }] });
    const g = groupIndicators([same, five, twiceA, twiceB, notReady, february], ctx());
    expect(g.readyDays).toMatchObject({ episodes: 4, sum: 11, average: 2.75, median: 3, p90: 5, individuals: 3, daysPerIndividual: 3.67 });
    expect(g.readyDays.dischargedOnReadyDay).toEqual({ count: 1, of: 4, share: 0.25 });
    expect(g.readyDays.fourDaysOrMore).toEqual({ count: 2, of: 4, share: 0.5 });
    // admitted in March: all but February's; ready: all but notReady
    expect(g.admissions.admitted).toBe(5);
    expect(g.admissions.ready).toEqual({ count: 4, of: 5, share: 0.8 });
  });

  it('over 65 means older than 65; unknown age is not over 65', () => {
    const g = groupIndicators([ep({ ageAtAdmission: 65 }), ep({ ageAtAdmission: 66 }), ep({ ageAtAdmission: null, readyPeriods: [] })], ctx());
    expect(g.admissions.readyOver65).toEqual({ count: 1, of: 1, share: 1 });
  });

  it('named care contact of the episodes with an admission notice; invitation of flow (a) with consent', () => {
    const g = groupIndicators(
      [
        ep({ namedCareContactAt: null }),
        ep(),
        ep({ admissionNoticeSentAt: null, namedCareContactAt: null }),
        ep({ planningFlow: 'b', invitationSentDate: null }),
        ep({ consent: 'declined', invitationSentDate: null }),
        ep({ invitationSentDate: '2024-03-20' }),
      ],
      ctx(),
    );
    expect(g.namedCareContact).toEqual({ count: 4, of: 5, share: 0.8 });
    expect(g.admissionNoticeWithin24h).toEqual({ count: 5, of: 6, share: 0.8333 });
    expect(g.invitationWithinDays).toEqual({ count: 3, of: 4, share: 0.75 }); // flow (a) with consent: all but the (b) and the declined one
    expect(g.sipDeclined).toBe(1);
  });

  it('readmission: the same pseudonym admitted again within 30 days of discharge', () => {
    const first = ep({ patientRef: 'r1', dischargeDate: '2024-03-10' });
    const back = ep({ patientRef: 'r1', admittedDate: '2024-04-09', dischargeDate: null, readyPeriods: [] }); // day 30
    const other = ep({ patientRef: 'r2', dischargeDate: '2024-03-10' });
    const late = ep({ patientRef: 'r2', admittedDate: '2024-04-10', dischargeDate: null, readyPeriods: [] }); // day 31
    const g = groupIndicators([first, other], ctx([first, back, other, late]));
    expect(g.readmission30Days.all).toEqual({ count: 1, of: 2, share: 0.5 });
  });

  it('readmission: a planned readmission (planerad inskrivning) is not counted; acute and unstated are', () => {
    const planned = ep({ patientRef: 'q1', dischargeDate: '2024-03-10' });
    const acute = ep({ patientRef: 'q2', dischargeDate: '2024-03-10' });
    const unstated = ep({ patientRef: 'q3', dischargeDate: '2024-03-10' });
    const back = (patientRef: string, admissionType: IndicatorAdmission['admissionType']) => ({ ...ep({ patientRef, admittedDate: '2024-03-20', dischargeDate: null, readyPeriods: [] }), admissionType });
    const g = groupIndicators([planned, acute, unstated], ctx([planned, back('q1', 'planned'), acute, back('q2', 'acute'), unstated, back('q3', null)]));
    expect(g.readmission30Days.all).toEqual({ count: 2, of: 3, share: 0.6667 });
  });

  it('SIPs acknowledged: by the date every party but inpatient care had acknowledged, in the period', () => {
    const g = groupIndicators(
      [
        ep({ sipCreatedDate: '2024-03-06', sipAcknowledgedDate: '2024-03-07' }),
        ep({ sipCreatedDate: '2024-03-06', sipAcknowledgedDate: null }),
        ep({ sipCreatedDate: '2024-02-20', sipAcknowledgedDate: '2024-04-02' }),
      ],
      ctx(),
    );
    expect([g.sipsEstablished, g.sipsAcknowledged]).toEqual([2, 1]);
  });

  it('needs before discharge split psychiatric / somatic, unrecorded apart', () => {
    const g = groupIndicators(
      [ep({ psychiatric: true, needsCategory: 'unchanged' }), ep({ psychiatric: true, needsCategory: 'newAdvancedHealthCare' }), ep({ psychiatric: true, needsCategory: null }), ep({ needsCategory: 'newSocialServices' })],
      ctx(),
    );
    expect(g.needsBeforeDischarge.psychiatric).toMatchObject({ recorded: 2, notRecorded: 1, shares: { unchanged: 0.5, newAdvancedHealthCare: 0.5, newHealthCare: 0 } });
    expect(g.needsBeforeDischarge.somatic.shares.newSocialServices).toBe(1);
  });
});

describe('deviations and home care', () => {
  it('deviations in declared downtime are excluded from the responsible party figures (§6)', () => {
    const d = (type: string, id: string, downtime = false) => ({ psychiatric: null, municipality: '1380', hospital: null, unit: null, type, responsibleKind: 'municipality', responsibleId: id, downtime });
    const c = deviationCounts([d('ACK_MISSING', '1380'), d('ACK_MISSING', '1380'), d('INVITATION_LATE', '1381'), d('ACK_MISSING', '1380', true)]);
    expect(c).toEqual({
      total: 3,
      byType: { ACK_MISSING: 2, INVITATION_LATE: 1 },
      byResponsible: [{ kind: 'municipality', id: '1380', count: 2 }, { kind: 'municipality', id: '1381', count: 1 }],
      downtimeExcluded: 1,
    });
  });

  it('home care: active, new, ended, over/up to 65', () => {
    expect(
      homeCareCounts([
        { municipality: '1380', ageAtStart: 70, activeInPeriod: true, newInPeriod: true, endedInPeriod: false },
        { municipality: '1380', ageAtStart: 40, activeInPeriod: true, newInPeriod: false, endedInPeriod: true },
      ]),
    ).toEqual({ patients: 2, patientsOver65: 1, patientsUpTo65: 1, new: 1, ended: 1 });
  });
});

describe('the report', () => {
  const input = (o: Partial<ReportInput> = {}): ReportInput => ({
    region: { id: 'halland', name: 'Region Halland', municipalities: [{ code: '1380', name: 'Halmstad' }, { code: '1315', name: 'Hylte' }] },
    month: '2024-03',
    window: 'month',
    period: MARCH,
    groupBy: 'municipality',
    care: 'all',
    invitationDays: 3,
    benchmark: { days: 2.8, ruleSetId: 'halland-average-2023-discount', note: null },
    today: '2024-06-01',
    episodes: [ep(), ep({ municipality: '1380', readyPeriods: [{ readyDate: '2024-03-05', endedDate: '2024-03-10' }] })],
    admissionsByPatient: new Map(),
    deviations: [],
    enrollments: [],
    payments: [{ municipality: '1380', totalOre: 1_234_50, individualOre: [] }],
    invoicedMonths: ['2024-03'],
    months: ['2024-03'],
    ...o,
  });

  it('every municipality is a group, also one without episodes; the region total is separate', () => {
    const r = buildIndicatorReport(input());
    expect(r.groups.map((g) => [g.key, g.name, g.readyDays.episodes, g.readyDays.average])).toEqual([['1315', 'Hylte', 0, null], ['1380', 'Halmstad', 2, 3.5]]);
    expect(r.total).toMatchObject({ key: 'region', readyDays: { episodes: 2, average: 3.5 }, payment: { invoicedOre: 1_234_50 } });
    expect(r.notComputable.map((x) => x.indicator)).toContain('readmission30Days (unplanned)');
    expect(r.notComputable.map((x) => x.indicator)).not.toContain('payment');
    expect(r.notComputable.map((x) => x.indicator)).not.toContain('SIPs acknowledged (kvitterade)');
    expect(r.notComputable.find((x) => x.indicator === 'readmission30Days (unplanned)')?.reason).toMatch(/not stated .* counts as unplanned/);
  });

  it('by unit: home care and payment are not given per unit, and the report says so', () => {
    const r = buildIndicatorReport(input({ groupBy: 'unit', invoicedMonths: [], today: '2024-04-05' }));
    expect(r.groups.map((g) => g.key)).toEqual(['AVD1']);
    expect(r.groups[0]).toMatchObject({ homeCare: null, payment: null });
    const said = r.notComputable.map((x) => x.indicator);
    expect(said).toEqual(expect.arrayContaining(['homeCare, payment per hospital or unit', 'payment', 'readmission30Days (incomplete)']));
  });

  it('CSV for Excel: BOM, semicolons, CRLF, one row per group and the total, decimal comma on request', () => {
    const csv = indicatorCsv(buildIndicatorReport(input()), { decimalComma: true });
    expect(csv.startsWith(BOM)).toBe(true);
    const rows = csv.slice(1).split('\r\n').filter(Boolean).map((r) => r.split(';'));
    expect(rows).toHaveLength(4);
    const h = rows[0]!;
    const halmstad = rows[2]!;
    expect(halmstad[h.indexOf('groupName')]).toBe('Halmstad');
    expect(halmstad[h.indexOf('readyDaysAverage')]).toBe('3,5');
    expect(halmstad[h.indexOf('benchmarkDays')]).toBe('2,8');
    expect(halmstad[h.indexOf('invoicedSEK')]).toBe('1234,5');
    expect(rows[3]![h.indexOf('group')]).toBe('region');
    expect(h).toContain('sipsAcknowledged');
    expect(rows[3]![h.indexOf('sipsAcknowledged')]).toBe('0');
  });

  it('suppression (issue 17): counts of 1..threshold−1 and what is computed from them are null and named; zero is shown; threshold 1 suppresses nothing', () => {
    const full = buildIndicatorReport(input());
    const r = suppressSmallCells(full, 5);
    const halmstad = r.groups.find((g) => g.key === '1380')!;
    expect(halmstad.readyDays).toMatchObject({ episodes: null, count: null, sum: null, average: null, median: null, p90: null, individuals: null, daysPerIndividual: null });
    expect(halmstad.admissions.ready).toEqual({ count: null, of: null, share: null });
    expect(halmstad.suppressed).toEqual(expect.arrayContaining(['readyDays.episodes', 'readyDays.average', 'admissions.ready.share']));
    // zero is no one: Hylte is shown as it is
    expect(r.groups.find((g) => g.key === '1315')!).toMatchObject({ readyDays: { episodes: 0, average: null }, suppressed: [] });
    // the invoiced amount rests on no individual charge here: shown
    expect(r.total.payment).toMatchObject({ invoicedOre: 1_234_50 });
    // a share whose denominator is large enough but whose numerator is small is hidden with it
    const shares = suppressSmallCells({ ...full, total: { ...full.total, namedCareContact: { count: 2, of: 40, share: 0.05 } } }, 5).total;
    expect(shares.namedCareContact).toEqual({ count: null, of: 40, share: null });
    // CSV: '..'
    const rows = indicatorCsv(r, { decimalComma: true }).slice(1).split('\r\n').filter(Boolean).map((x) => x.split(';'));
    const h = rows[0]!;
    expect(['readyDischargedEpisodes', 'readyDaysAverage', 'invoicedSEK'].map((c) => rows[2]![h.indexOf(c)])).toEqual(['..', '..', '1234,5']);
    // threshold 1: the figures of the unsuppressed report
    const none = suppressSmallCells(full, 1);
    expect(none.groups.map(({ suppressed, ...g }) => g)).toEqual(full.groups);
    expect(none.groups.every((g) => g.suppressed.length === 0)).toBe(true);
    expect(indicatorCsv(none)).toBe(indicatorCsv(full));
  });

  it('suppression of a top-level count (sipsEstablished: 1) hides it; before the fix this threw a TypeError and GET /api/indicators answered 500 (CI seed 100675445)', () => {
    const full = buildIndicatorReport(input());
    const total = { ...full.total, sipsEstablished: 1, sipDeclined: 3, sipsCompleted: 0 };
    const r = suppressSmallCells({ ...full, total }, 5).total;
    expect(r).toMatchObject({ sipsEstablished: null, sipDeclined: null, sipsCompleted: 0 });
    expect(r.suppressed).toEqual(expect.arrayContaining(['sipsEstablished', 'sipDeclined']));
  });
});
