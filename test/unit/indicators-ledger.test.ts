/**
 * What the indicator report reads from the real ledger (src/db/indicators.ts), on PGlite and on
 * PostgreSQL (test/db/backends.ts; its sessions run in a far-off time zone): the Europe/Stockholm
 * month cut of instants stored in UTC, deviations with their episode's unit, home-care enrollments
 * active/new/ended, and final invoices' individual lines.
 */
import { loadIndicatorData, monthsOf } from '../../src/db/indicators';
import { upsertEpisode } from '../../src/db/ledger';
import { writeProjection } from '../../src/db/process-ledger';
import { ledgerBackends, useLedgerOn } from '../db/backends';
import { episode } from '../db/fixtures';

describe.each(ledgerBackends())('indicator reads on $name', (backend) => {
  const ledger = useLedgerOn(backend);

  const MARCH = { from: '2024-03-01', toExclusive: '2024-04-01' };

  const enrollment = (id: string, o: { enrolled: string | null; ended?: string | null; age?: number; region?: string }) =>
    writeProjection(ledger.db, {
      processType: 'homeHealthCare',
      row: {
        enrollmentId: id,
        version: 1,
        region: o.region ?? 'halland',
        residenceMunicipality: '1381',
        primaryCareUnitHsa: 'SE2321000115-VC01',
        patientRef: `p-${id}`,
        ageAtStart: o.age ?? 80,
        initiatedBy: 'primaryCare',
        dischargeEpisodeId: null,
        status: o.ended ? 'ended' : 'enrolled',
        startedAt: '2024-01-01T08:00:00.000Z',
        invitationSentAt: null,
        namedCareContactAt: null,
        namedDoctorAt: null,
        planningMeetingAt: null,
        sipCreatedAt: null,
        sipClosedAt: null,
        decision: null,
        decisionReason: null,
        decidedAt: null,
        enrolledAt: o.enrolled,
        endedAt: o.ended ?? null,
        endReason: null,
      },
      region: o.region ?? 'halland', municipality: '1381', messages: [], obligations: [], deviations: [], timeline: [],
    });

  describe('loadIndicatorData', () => {
    it('cuts months at Stockholm midnight, not UTC', async () => {
      // 22:30 UTC on 31 March is 00:30 on 1 April in Stockholm (summer time): an April admission
      await upsertEpisode(ledger.db, episode({ episodeId: 'april-local', admittedAt: '2024-03-31T22:30:00.000Z' }));
      // 23:30 UTC on 29 February is 00:30 on 1 March (winter time): a March admission
      await upsertEpisode(ledger.db, episode({ episodeId: 'march-local', admittedAt: '2024-02-29T23:30:00.000Z' }));
      const data = await loadIndicatorData(ledger.db, 'halland', MARCH);
      const dates = Object.fromEntries(data.episodes.map((e) => [e.episodeId, e.admittedDate]));
      expect(dates).toMatchObject({ 'april-local': '2024-04-01', 'march-local': '2024-03-01' });
    });

    it('admission type and SIP acknowledgement (migration 0007) reach the indicators', async () => {
      await upsertEpisode(ledger.db, episode({ episodeId: 'ack-1', patientRef: 'p-0007', admissionType: 'acute', sipCreatedAt: '2024-03-06T10:00:00.000Z', sipAcknowledgedAt: '2024-03-07T10:00:00.000Z' }));
      await upsertEpisode(ledger.db, episode({ episodeId: 'ack-2', patientRef: 'p-0007', admittedAt: '2024-03-20T08:00:00.000Z', admissionType: 'planned' }));
      const data = await loadIndicatorData(ledger.db, 'halland', MARCH);
      expect(data.episodes.find((e) => e.episodeId === 'ack-1')?.sipAcknowledgedDate).toBe('2024-03-07');
      expect(data.admissionsByPatient.get('p-0007')?.map((x) => [x.episodeId, x.admissionType]).sort()).toEqual([['ack-1', 'acute'], ['ack-2', 'planned']]);
    });

    it('deviations carry the episode unit and care type; home care and other regions apart', async () => {
      const dev = (id: string, detectedAt: string, downtime = false) => ({
        deviationId: id, type: 'ACK_MISSING', responsible: { kind: 'municipality', id: '1380' }, description: 'x', obligationId: null,
        deadlineAt: detectedAt, detectedAt, status: 'open' as const, resolvedAt: null, closedAt: null, closedBy: null, comment: null,
        downtime, escalation: 'none' as const, reportedBy: null,
      });
      await upsertEpisode(ledger.db, episode({ episodeId: 'with-devs', inpatientUnitHsa: 'SE2321000115-AVD9', deviations: [dev('d-in', '2024-03-10T10:00:00Z'), dev('d-down', '2024-03-11T10:00:00Z', true), dev('d-out', '2024-04-10T10:00:00Z')] }));
      const data = await loadIndicatorData(ledger.db, 'halland', MARCH);
      const mine = data.deviations.filter((d) => d.unit === 'SE2321000115-AVD9');
      expect(mine.map((d) => [d.downtime, d.psychiatric, d.municipality])).toEqual(expect.arrayContaining([[false, false, '1380'], [true, false, '1380']]));
      expect(mine).toHaveLength(2);
      expect((await loadIndicatorData(ledger.db, 'gavleborg', MARCH)).deviations).toHaveLength(0);
    });

    it('a withdrawn deviation (a back-registration showed the deadline was met, docs/domain.md §4) is counted nowhere', async () => {
      const base = {
        type: 'ACK_MISSING', responsible: { kind: 'municipality', id: '1380' }, description: 'x', obligationId: null,
        deadlineAt: '2024-03-12T23:00:00Z', detectedAt: '2024-03-13T10:00:00Z', resolvedAt: null, closedAt: null, closedBy: null, comment: null,
        downtime: false, escalation: 'escalated' as const, reportedBy: null,
      };
      await upsertEpisode(ledger.db, episode({ episodeId: 'with-withdrawn', inpatientUnitHsa: 'SE2321000115-AVD8', deviations: [
        { ...base, deviationId: 'd-counted', status: 'open' as const },
        { ...base, deviationId: 'd-withdrawn', status: 'withdrawn' as const, withdrawnAt: '2024-03-14T09:00:00Z' },
      ] }));
      const mine = (await loadIndicatorData(ledger.db, 'halland', MARCH)).deviations.filter((d) => d.unit === 'SE2321000115-AVD8');
      expect(mine).toHaveLength(1);
    });

    it('home care: active in the month, new in it, ended in it; never enrolled is not a patient', async () => {
      await enrollment('hc-old', { enrolled: '2023-05-01T08:00:00.000Z', age: 90 });
      await enrollment('hc-new', { enrolled: '2024-03-05T08:00:00.000Z', age: 50 });
      await enrollment('hc-ended', { enrolled: '2023-05-01T08:00:00.000Z', ended: '2024-03-20T08:00:00.000Z' });
      await enrollment('hc-gone', { enrolled: '2023-05-01T08:00:00.000Z', ended: '2024-02-10T08:00:00.000Z' });
      await enrollment('hc-planning', { enrolled: null });
      await enrollment('hc-other-region', { enrolled: '2024-03-05T08:00:00.000Z', region: 'gavleborg' });
      const { enrollments } = await loadIndicatorData(ledger.db, 'halland', MARCH);
      expect(enrollments.map((r) => [r.ageAtStart, r.activeInPeriod, r.newInPeriod, r.endedInPeriod]).sort()).toEqual(
        [[90, true, false, false], [50, true, true, false], [80, true, false, true]].sort(),
      );
    });

    it('payment: totals of final invoices of the months, with their individual lines', async () => {
      await ledger.db.insertInto('billing_closes').values({ close_id: 'halland-2024-03', region: 'halland', month: '2024-03', rule_set_id: 'x', rule_set: JSON.stringify({}), daily_amount_ore: 930_000, context: JSON.stringify({}), status: 'final', episode_count: 2, finalised_at: '2024-04-20T10:00:00.000Z' }).execute();
      await ledger.db.insertInto('billing_invoices').values({ invoice_id: 'inv-1', close_id: 'halland-2024-03', region: 'halland', month: '2024-03', municipality: '1380', rule_set_id: 'x', daily_amount_ore: 930_000, total_ore: 2_790_000, totals: JSON.stringify({}), finalised_at: '2024-04-20T10:00:00.000Z' }).execute();
      await ledger.db.insertInto('billing_invoice_lines').values([
        { invoice_id: 'inv-1', line_no: 1, kind: 'individual', line_ref: '1380-00001', description: 'x', day_hundredths: 200, amount_ore: 1_860_000 },
        { invoice_id: 'inv-1', line_no: 2, kind: 'average', line_ref: null, description: 'x', day_hundredths: 100, amount_ore: 930_000 },
      ]).execute();
      const data = await loadIndicatorData(ledger.db, 'halland', MARCH);
      expect(data.payments).toEqual([{ municipality: '1380', totalOre: 2_790_000, individualOre: [1_860_000] }]);
      expect(data.invoicedMonths).toEqual(['2024-03']);
      expect((await loadIndicatorData(ledger.db, 'halland', { from: '2024-04-01', toExclusive: '2024-05-01' })).payments).toEqual([]);
    });

    it('a rolling 12-month period covers twelve months', () => {
      expect(monthsOf({ from: '2023-04-01', toExclusive: '2024-04-01' })).toEqual(['2023-04', '2023-05', '2023-06', '2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03']);
    });
  });
});
