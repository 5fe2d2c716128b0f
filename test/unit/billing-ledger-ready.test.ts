/**
 * How ready periods reach the billing engine and the indicators from the real ledger (PGlite, and
 * PostgreSQL when TEST_DATABASE_URL is set): the day the municipality was notified is the
 * Stockholm date of the period's ready message (`messages`, type readyForDischarge), and an odd
 * row written before the fix (a ready date after the discharge) computes, in the close, the
 * simulation and the indicator report.
 */
import { listBillingEpisodes } from '../../src/db/billing';
import { freezeClose, recompute, simulate } from '../../src/db/billing-close';
import { loadIndicatorData } from '../../src/db/indicators';
import { upsertEpisode, type EpisodeProjection } from '../../src/db/ledger';
import { RULE_SETS } from '../../src/domain/billing';
import { buildIndicatorReport } from '../../src/domain/indicator-report';
import { groupIndicators } from '../../src/domain/indicators';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { ledgerBackends, useLedgerOn } from '../db/backends';
import { episode } from '../db/fixtures';

const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
const readyMessage = (id: string, sentAt: string, recordedAt = sentAt): EpisodeProjection['messages'][number] => ({
  messageId: id, type: 'readyForDischarge', version: 1, sender: { kind: 'inpatient', id: 'SE2321000115-HALM1' }, sentAt, recordedAt,
});

describe.each(ledgerBackends())('ready periods from the ledger on $name', (backend) => {
  const ledger = useLedgerOn(backend);

  it('each ready period is notified on the Stockholm day its ready message was sent', async () => {
    await upsertEpisode(ledger.db, episode({
      episodeId: 'notified-1', status: 'discharged', dischargedAt: '2019-05-20T10:00:00.000Z', dischargeDate: '2019-05-20', readyDate: '2019-05-12',
      readyPeriods: [
        { seq: 1, readyDate: '2019-05-01', endedDate: '2019-05-06', endReason: 'WITHDRAWN', withdrawalReason: 'worse' },
        { seq: 2, readyDate: '2019-05-12', endedDate: '2019-05-20', endReason: 'DISCHARGED', withdrawalReason: null },
      ],
      // the first sent on 2 May at 23:30 UTC = 3 May 01:30 in Stockholm (summer time); the second back-dated, recorded later
      messages: [readyMessage('r2', '2019-05-14T09:00:00.000Z', '2019-05-14T09:00:05.000Z'), readyMessage('r1', '2019-05-02T23:30:00.000Z', '2019-05-02T23:30:01.000Z')],
    }));
    const [e] = (await listBillingEpisodes(ledger.db, 'halland', '2019-05-01', '2019-06-01')).filter((x) => x.episodeId === 'notified-1');
    expect(e!.readyPeriods).toEqual([
      { readyDate: '2019-05-01', endedDate: '2019-05-06', notifiedDate: '2019-05-03' },
      { readyDate: '2019-05-12', endedDate: '2019-05-20', notifiedDate: '2019-05-14' },
    ]);
    const ind = (await loadIndicatorData(ledger.db, 'halland', { from: '2019-05-01', toExclusive: '2019-06-01' })).episodes.find((x) => x.episodeId === 'notified-1')!;
    expect(ind.readyPeriods.map((p) => p.notifiedDate)).toEqual(['2019-05-03', '2019-05-14']);
    // 3 + 6 days, not 5 + 8
    expect(groupIndicators([ind], { period: { from: '2019-05-01', toExclusive: '2019-06-01' }, invitationDays: 3, admissionsByPatient: new Map() }).readyDays.sum).toBe(9);
  });

  it('without ready messages (rows from before) the ready date stands for the notification', async () => {
    await upsertEpisode(ledger.db, episode({
      episodeId: 'no-messages', status: 'discharged', dischargedAt: '2019-05-20T10:00:00.000Z', dischargeDate: '2019-05-20', messages: [],
      readyPeriods: [{ seq: 1, readyDate: '2019-05-15', endedDate: '2019-05-20', endReason: 'DISCHARGED', withdrawalReason: null }],
    }));
    const [e] = (await listBillingEpisodes(ledger.db, 'halland', '2019-05-01', '2019-06-01')).filter((x) => x.episodeId === 'no-messages');
    expect(e!.readyPeriods).toEqual([{ readyDate: '2019-05-15', endedDate: '2019-05-20', notifiedDate: null }]);
  });

  it('the reported bug: a ready date after the discharge, written before the fix, freezes, simulates and reports', async () => {
    // marked ready on 5 June with the ready date 20 June, discharged on 10 June
    await upsertEpisode(ledger.db, episode({
      episodeId: 'odd-june', status: 'discharged', dischargedAt: '2019-06-10T10:00:00.000Z', dischargeDate: '2019-06-10', readyDate: '2019-06-20',
      readyPeriods: [{ seq: 1, readyDate: '2019-06-20', endedDate: '2019-06-10', endReason: 'DISCHARGED', withdrawalReason: null }],
      messages: [readyMessage('odd-r1', '2019-06-05T09:00:00.000Z')],
    }));
    await upsertEpisode(ledger.db, episode({
      episodeId: 'fine-june', status: 'discharged', dischargedAt: '2019-06-11T10:00:00.000Z', dischargeDate: '2019-06-11', readyDate: '2019-06-01', messages: [],
      readyPeriods: [{ seq: 1, readyDate: '2019-06-01', endedDate: '2019-06-11', endReason: 'DISCHARGED', withdrawalReason: null }],
    }));
    const municipalities = halland.municipalities.map((m) => m.code);
    const summary = await freezeClose(ledger.db, { region: 'halland', month: '2019-06', municipalities, agreements: halland.agreements });
    expect(summary).toMatchObject({ ruleSetId: 'law-2017-612', totalOre: 7 * 7_800_00, cannotCompute: [] });
    expect(summary.municipalities.find((m) => m.municipality === '1380')).toMatchObject({ lines: 2, reviews: 1 });
    const lines = (await recompute(ledger.db, summary.closeId, new Map())).municipalities.flatMap((m) => m.lines);
    expect(lines.find((l) => l.episodeId === 'odd-june')).toMatchObject({ readyDays: 0, amountOre: 0, review: expect.stringContaining('counted 0 days') });

    const sim = await simulate(ledger.db, { region: 'halland', municipalities, from: '2019-06', to: '2019-06', ruleSets: [RULE_SETS['law-2017-612']!, { ...RULE_SETS['gavleborg-2019']! }] });
    expect(sim.totals.map((t) => t.totalOre)).toEqual([7 * 7_800_00, 3 * 7_800_00]);

    const period = { from: '2019-06-01', toExclusive: '2019-07-01' };
    const data = await loadIndicatorData(ledger.db, 'halland', period);
    const report = buildIndicatorReport({
      region: halland, month: '2019-06', window: 'month', period, groupBy: 'municipality', care: 'all', invitationDays: 3,
      benchmark: { days: null, ruleSetId: 'law-2017-612', note: null }, today: '2030-01-01', months: ['2019-06'], ...data,
    });
    expect(report.groups.find((g) => g.key === '1380')!.readyDays).toMatchObject({ episodes: 2, sum: 10, cannotCompute: 0, dischargedOnReadyDay: { count: 1 } });
  });
});
