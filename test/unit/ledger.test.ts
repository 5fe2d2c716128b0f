/**
 * The episode ledger store (docs/domain.md §8) on real databases: PGlite always, PostgreSQL too when
 * TEST_DATABASE_URL is set. No mocks: what billing reads is what these tests read.
 */
import { NO_MIGRATIONS, sql } from 'kysely';
import {
  getEpisode,
  ledgerMigrator,
  listEpisodesDischargedBetween,
  migrateToLatest,
  openLedger,
  upsertEpisode,
  type EpisodeProjection,
  type LedgerStore,
} from '../../src/db/ledger';
import { migrations } from '../../src/db/migrations';
import { FAR_TIME_ZONE, ledgerBackends } from '../db/backends';
import { episode, NO_COORDINATOR_ACTION } from '../db/fixtures';


const backends = ledgerBackends();

/** Row counts of an episode's child tables, straight from SQL. */
async function childCounts(store: LedgerStore, id: string) {
  const { db } = store;
  const count = async (q: Promise<{ n: number } | undefined>) => (await q)?.n;
  return {
    readyPeriods: await count(db.selectFrom('episode_ready_periods').select((e) => e.fn.countAll<number>().as('n')).where('episode_id', '=', id).executeTakeFirst()),
    messages: await count(db.selectFrom('messages').select((e) => e.fn.countAll<number>().as('n')).where('process_id', '=', id).executeTakeFirst()),
    obligations: await count(db.selectFrom('obligations').select((e) => e.fn.countAll<number>().as('n')).where('process_id', '=', id).executeTakeFirst()),
    deviations: await count(db.selectFrom('deviations').select((e) => e.fn.countAll<number>().as('n')).where('process_id', '=', id).executeTakeFirst()),
  };
}

const appliedMigrations = async (store: LedgerStore): Promise<string[]> =>
  (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map((r) => r.name);

describe.each(backends)('episode ledger on $name', (backend) => {
  afterAll(() => backend.cleanup());

  describe('migrations', () => {
    it('apply once at the first open; a reopen applies none and keeps the data', async () => {
      const location = await backend.freshLocation();
      const first = await openLedger(location);
      expect(first.kind).toBe(backend.name);
      await first.ping();
      expect(await appliedMigrations(first)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(first.db)).toEqual([]);
      const ep = episode();
      await upsertEpisode(first.db, ep);
      await first.close();

      const second = await openLedger(location);
      try {
        expect(await appliedMigrations(second)).toEqual(Object.keys(migrations));
        expect(await migrateToLatest(second.db)).toEqual([]);
        expect(await getEpisode(second.db, ep.episodeId)).toEqual(ep);
      } finally {
        await second.close();
      }
    });

    it('migrateToLatest returns the names it applied', async () => {
      const store = await openLedger(await backend.freshLocation());
      try {
        const names = Object.keys(migrations);
        const down = await (await ledgerMigrator(store.db)).migrateDown();
        expect(down.error).toBeUndefined();
        expect(await migrateToLatest(store.db)).toEqual([names[names.length - 1]]);
      } finally {
        await store.close();
      }
    });

    it('a failing migration stops the open with an error naming it', async () => {
      const location = await backend.freshLocation();
      const store = await openLedger(location);
      await (await ledgerMigrator(store.db)).migrateTo(NO_MIGRATIONS);
      await sql`create table episodes (something_else text)`.execute(store.db);
      await store.close();

      await expect(openLedger(location)).rejects.toThrow(/ledger migration 0001_ledger failed: .*episodes.*already exists/);
    });
  });

  describe('writes and reads', () => {
    let store: LedgerStore;
    beforeAll(async () => {
      store = await openLedger(await backend.freshLocation());
      // A session far from UTC: stored instants and dates must not move with the server's zone.
      // (PostgreSQL sessions get it from the URL; PGlite has exactly one session.)
      if (store.kind === 'pglite') await sql.raw(`set time zone '${FAR_TIME_ZONE}'`).execute(store.db);
    });
    afterAll(() => store.close());

    it('every projected field survives a write and a read (issue 18 item 5): the checklist, a coordinator\'s side of a deviation', async () => {
      const base = episode();
      const handled: EpisodeProjection = {
        ...base,
        checklistComplete: true,
        deviations: [
          {
            deviationId: `${base.episodeId}-coord`,
            type: 'ACK_MISSING',
            responsible: { kind: 'municipality', id: '1380' },
            description: 'not acknowledged',
            obligationId: 'ob-1',
            deadlineAt: '2024-03-05T23:00:00.000Z',
            detectedAt: '2024-03-05T23:00:00.000Z',
            status: 'closed',
            resolvedAt: null,
            closedAt: '2024-03-08T10:00:00.000Z',
            closedBy: 'coordinator-1',
            comment: null,
            downtime: false,
            escalation: 'escalated',
            reportedBy: null,
            escalatedAt: '2024-03-07T07:00:00.000Z',
            escalationAcknowledgedAt: '2024-03-07T08:30:00.000Z',
            escalationAcknowledgedBy: 'coordinator-1',
            assignedTo: { kind: 'primaryCare', id: 'SE2321000115-VC01' },
            resolution: 'handled by primary care',
            comments: [{ at: '2024-03-07T09:00:00.000Z', by: 'coordinator-1', text: 'ringt kommunen' }],
          },
        ],
      };
      await upsertEpisode(store.db, handled);
      expect(await getEpisode(store.db, handled.episodeId)).toEqual(handled);
      // and as a change of an episode whose first write had none of it
      const first = { ...episode(), checklistComplete: false };
      await upsertEpisode(store.db, first);
      const next = { ...handled, episodeId: first.episodeId, version: 2, deviations: handled.deviations.map((d) => ({ ...d, deviationId: `${first.episodeId}-coord` })) };
      await upsertEpisode(store.db, next);
      expect(await getEpisode(store.db, first.episodeId)).toEqual(next);
    });

    it('inserts, updates with a higher version, and ignores an equal or lower one', async () => {
      const v1 = episode();
      expect(await upsertEpisode(store.db, v1)).toBe('inserted');
      expect(await getEpisode(store.db, v1.episodeId)).toEqual(v1);

      // Withdrawn from ready, acknowledgement met, a deviation raised, then ready again.
      const v2: EpisodeProjection = {
        ...v1,
        version: 2,
        status: 'ready',
        readyDate: '2024-03-11',
        readyPeriods: [
          { seq: 1, readyDate: '2024-03-08', endedDate: '2024-03-09', endReason: 'WITHDRAWN', withdrawalReason: 'fever' },
          { seq: 2, readyDate: '2024-03-11', endedDate: null, endReason: null, withdrawalReason: null },
        ],
        messages: [
          ...v1.messages,
          { messageId: 'msg-2', type: 'readinessWithdrawn', version: 1, sender: { kind: 'inpatient', id: v1.inpatientUnitHsa }, sentAt: '2024-03-09T09:00:00.000Z', recordedAt: '2024-03-09T09:00:00.000Z' },
        ],
        obligations: [{ ...v1.obligations[0], status: 'late', metAt: '2024-03-06T08:00:00.000Z', deviationId: `${v1.episodeId}-dev-1` }],
        deviations: [
          {
            deviationId: `${v1.episodeId}-dev-1`,
            type: 'ACK_MISSING',
            responsible: { kind: 'municipality', id: '1380' },
            description: 'admission notice not acknowledged',
            obligationId: 'ob-1',
            deadlineAt: '2024-03-05T23:00:00.000Z',
            detectedAt: '2024-03-05T23:00:00.000Z',
            status: 'resolved',
            resolvedAt: '2024-03-06T08:00:00.000Z',
            closedAt: null,
            closedBy: null,
            comment: null,
            downtime: false,
            escalation: 'reminded',
            reportedBy: null,
            ...NO_COORDINATOR_ACTION,
          },
        ],
      };
      expect(await upsertEpisode(store.db, v2)).toBe('updated');
      expect(await getEpisode(store.db, v1.episodeId)).toEqual(v2);

      // A replay of an older state, and a different state under the same version: both stale.
      expect(await upsertEpisode(store.db, v1)).toBe('stale');
      expect(await upsertEpisode(store.db, { ...v2, status: 'discharged', readyPeriods: [], messages: [], obligations: [], deviations: [] })).toBe('stale');
      expect(await getEpisode(store.db, v1.episodeId)).toEqual(v2);
      expect(await childCounts(store, v1.episodeId)).toEqual({ readyPeriods: 2, messages: 2, obligations: 1, deviations: 1 });
    });

    it('a retried write leaves exactly one set of child rows', async () => {
      const v1 = episode();
      expect(await upsertEpisode(store.db, v1)).toBe('inserted');
      expect(await upsertEpisode(store.db, v1)).toBe('stale');
      const v2 = { ...v1, version: 2, status: 'discharged', dischargedAt: '2024-03-12T10:00:00.000Z', dischargeDate: '2024-03-12' };
      expect(await upsertEpisode(store.db, v2)).toBe('updated');
      expect(await upsertEpisode(store.db, v2)).toBe('stale');
      expect(await childCounts(store, v1.episodeId)).toEqual({ readyPeriods: 1, messages: 1, obligations: 1, deviations: 0 });
      expect(await getEpisode(store.db, v1.episodeId)).toEqual(v2);
    });

    it('concurrent writes of one episode end at the highest version', async () => {
      const base = episode();
      const versions = [3, 1, 5, 2, 4].map((v) => ({ ...base, version: v, status: `s${v}`, readyPeriods: base.readyPeriods.map((r) => ({ ...r, withdrawalReason: `v${v}` })) }));
      const results = await Promise.all(versions.map((p) => upsertEpisode(store.db, p)));
      expect(results.filter((r) => r === 'inserted')).toHaveLength(1);
      const stored = await getEpisode(store.db, base.episodeId);
      expect(stored?.version).toBe(5);
      expect(stored?.status).toBe('s5');
      expect(stored?.readyPeriods).toEqual([{ ...base.readyPeriods[0], withdrawalReason: 'v5' }]);
    });

    it('a field missing from the JSON input clears the stored value; a row missing from it stays', async () => {
      const v1 = episode();
      await upsertEpisode(store.db, v1);
      const v2 = JSON.parse(JSON.stringify({ ...v1, version: 2, readyDate: undefined, readyPeriods: undefined, namedCareContactAt: undefined }));
      expect(await upsertEpisode(store.db, v2)).toBe('updated');
      const stored = await getEpisode(store.db, v1.episodeId);
      // issue 18: one semantics for every process, rows are never deleted (was: readyPeriods: [])
      expect(stored).toMatchObject({ readyDate: null, namedCareContactAt: null, readyPeriods: v1.readyPeriods });
    });

    it('a failing write changes nothing (one transaction)', async () => {
      const a = episode();
      const b = episode();
      const dev = { deviationId: `${a.episodeId}-shared`, type: 'MANUAL', responsible: { kind: 'inpatient', id: 'x' }, description: 'd', obligationId: null, deadlineAt: '2024-03-05T10:00:00.000Z', detectedAt: '2024-03-05T10:00:00.000Z', status: 'open' as const, resolvedAt: null, closedAt: null, closedBy: null, comment: null, downtime: false, escalation: 'none' as const, reportedBy: 'u1', ...NO_COORDINATOR_ACTION };
      await upsertEpisode(store.db, { ...a, deviations: [dev] });
      await upsertEpisode(store.db, b);
      // Deviation ids are global: b may not take over a's deviation.
      await expect(upsertEpisode(store.db, { ...b, version: 2, status: 'changed', deviations: [dev] })).rejects.toThrow();
      expect(await getEpisode(store.db, b.episodeId)).toEqual(b);
      expect((await getEpisode(store.db, a.episodeId))?.deviations).toEqual([dev]);
    });

    describe('a change: only the rows that changed are written, none is deleted (issue 18: one semantics for every process)', () => {
      /** The transaction id that last wrote each child row: a row left alone keeps its xmin. */
      const xmins = async (id: string) =>
        Object.fromEntries(
          (await sql<{ k: string; x: string }>`select 'messages/' || message_id as k, xmin::text as x from messages where process_id = ${id}
            union all select 'obligations/' || obligation_id, xmin::text from obligations where process_id = ${id}
            union all select 'periods/' || seq, xmin::text from episode_ready_periods where episode_id = ${id}`.execute(store.db)).rows.map((r) => [r.k, r.x]),
        );
      const withdrawn = (v1: EpisodeProjection): EpisodeProjection => ({
        ...v1,
        version: 2,
        status: 'admitted',
        readyDate: null,
        readyPeriods: [{ ...v1.readyPeriods[0], endedDate: '2024-03-09', endReason: 'WITHDRAWN', withdrawalReason: 'fever' }],
        messages: [...v1.messages, { messageId: 'msg-2', type: 'readinessWithdrawn', version: 1, sender: { kind: 'inpatient', id: v1.inpatientUnitHsa }, sentAt: '2024-03-09T09:00:00.000Z', recordedAt: '2024-03-09T09:00:00.000Z' }],
        obligations: [{ ...v1.obligations[0], status: 'met', metAt: '2024-03-05T08:00:00.000Z' }],
      });

      it('writes the changed and new rows, leaves the others alone, and reads back like a whole write', async () => {
        const v1 = episode();
        expect(await upsertEpisode(store.db, v1)).toBe('inserted');
        const before = await xmins(v1.episodeId);

        const v2 = withdrawn(v1);
        expect(await upsertEpisode(store.db, v2)).toBe('updated');
        expect(await getEpisode(store.db, v1.episodeId)).toEqual(v2);
        const after = await xmins(v1.episodeId);
        expect(after['messages/msg-1']).toBe(before['messages/msg-1']); // unchanged: not rewritten
        expect(after['obligations/ob-1']).not.toBe(before['obligations/ob-1']);
        expect(after['periods/1']).not.toBe(before['periods/1']);

        // a row the projection no longer has stays (was: disappears): nothing recorded is lost
        const v3 = { ...v2, version: 3, messages: v2.messages.slice(1), readyPeriods: [] };
        expect(await upsertEpisode(store.db, v3)).toBe('updated');
        expect(await getEpisode(store.db, v1.episodeId)).toEqual({ ...v3, messages: v2.messages, readyPeriods: v2.readyPeriods });
        expect(await childCounts(store, v1.episodeId)).toEqual({ readyPeriods: 1, messages: 2, obligations: 1, deviations: 0 });
      });

      it('a retried write is stale and changes nothing', async () => {
        const v1 = episode();
        await upsertEpisode(store.db, v1);
        const v3 = { ...withdrawn(v1), version: 3, status: 'discharged' };
        expect(await upsertEpisode(store.db, v3)).toBe('updated');
        const before = await xmins(v1.episodeId);
        // the same write again (an activity retried after its commit): nothing changes
        expect(await upsertEpisode(store.db, v3)).toBe('stale');
        expect(await getEpisode(store.db, v1.episodeId)).toEqual(v3);
        expect(await xmins(v1.episodeId)).toEqual(before);
      });

      it('stores a deviation’s coordinator comments (jsonb) as the whole write does, new and changed', async () => {
        const v1 = episode();
        const dev = { deviationId: `${v1.episodeId}-dev`, type: 'ACK_MISSING', responsible: { kind: 'municipality', id: '1380' }, description: 'd', obligationId: null, deadlineAt: '2024-03-05T10:00:00.000Z', detectedAt: '2024-03-05T10:00:00.000Z', status: 'open' as const, resolvedAt: null, closedAt: null, closedBy: null, comment: null, downtime: false, escalation: 'escalated' as const, reportedBy: null, ...NO_COORDINATOR_ACTION };
        const comments = (n: number) => Array.from({ length: n }, (_, i) => ({ at: `2024-03-06T0${i}:00:00.000Z`, by: 'coordinator-1', text: `note ${i} "quoted" — åäö` }));
        const stored = async () => (await sql<{ comments: unknown; escalated_at: unknown }>`select comments, escalated_at from deviations where deviation_id = ${dev.deviationId}`.execute(store.db)).rows[0];
        await upsertEpisode(store.db, v1);
        const v2 = { ...v1, version: 2, deviations: [{ ...dev, comments: comments(1) }] }; // a new row
        expect(await upsertEpisode(store.db, v2)).toBe('updated');
        expect((await stored()).comments).toEqual(comments(1));
        const v3 = { ...v2, version: 3, deviations: [{ ...dev, comments: comments(2), escalatedAt: '2024-03-07T08:00:00.000Z' }] }; // a changed row
        expect(await upsertEpisode(store.db, v3)).toBe('updated');
        const changed = await stored();
        expect(changed.comments).toEqual(comments(2));
        // the whole write of the same projection stores the same values
        await upsertEpisode(store.db, { ...v3, version: 4 });
        expect(await stored()).toEqual(changed);
      });

      it('a new deviation id already taken by another episode fails the write and changes nothing', async () => {
        const a = episode();
        const dev = { deviationId: `${a.episodeId}-taken`, type: 'MANUAL', responsible: { kind: 'inpatient', id: 'x' }, description: 'd', obligationId: null, deadlineAt: '2024-03-05T10:00:00.000Z', detectedAt: '2024-03-05T10:00:00.000Z', status: 'open' as const, resolvedAt: null, closedAt: null, closedBy: null, comment: null, downtime: false, escalation: 'none' as const, reportedBy: 'u1', ...NO_COORDINATOR_ACTION };
        await upsertEpisode(store.db, { ...a, deviations: [dev] });
        const b = episode();
        await upsertEpisode(store.db, b);
        await expect(upsertEpisode(store.db, { ...b, version: 2, status: 'changed', deviations: [dev] })).rejects.toThrow();
        expect(await getEpisode(store.db, b.episodeId)).toEqual(b);
        expect((await getEpisode(store.db, a.episodeId))?.deviations).toEqual([dev]);
      });
    });

    it('refuses an instant without an offset and a malformed date', async () => {
      const ep = episode();
      await expect(upsertEpisode(store.db, { ...ep, admittedAt: '2024-03-04T08:15:00' })).rejects.toThrow(/admittedAt must be an ISO-8601 instant with an offset/);
      await expect(upsertEpisode(store.db, { ...ep, readyDate: '8/3/2024' })).rejects.toThrow(/readyDate must be a 'YYYY-MM-DD' date/);
      expect(await getEpisode(store.db, ep.episodeId)).toBeUndefined();
    });

    it('returns instants as UTC ISO strings and dates as YYYY-MM-DD on every backend', async () => {
      // 00:30 on 1 April in Stockholm is still 31 March in UTC: a date-shift bug would show here.
      const ep = episode({
        admittedAt: '2024-04-01T00:30:00+02:00',
        dischargedAt: '2024-03-31T22:30:00.123Z',
        dischargeDate: '2024-04-01',
        expectedReadyDate: '2024-12-31',
        planningBasisDate: '2024-01-01',
      });
      await upsertEpisode(store.db, ep);
      const { rows } = await sql<{ TimeZone: string }>`show time zone`.execute(store.db);
      expect(rows[0]?.TimeZone).toBe(FAR_TIME_ZONE);
      const stored = await getEpisode(store.db, ep.episodeId);
      expect(stored).toMatchObject({
        admittedAt: '2024-03-31T22:30:00.000Z',
        dischargedAt: '2024-03-31T22:30:00.123Z',
        dischargeDate: '2024-04-01',
        expectedReadyDate: '2024-12-31',
        planningBasisDate: '2024-01-01',
      });
      const row = await store.db.selectFrom('episodes').select(['created_at', 'ready_date']).where('episode_id', '=', ep.episodeId).executeTakeFirstOrThrow();
      expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(row.ready_date).toBe('2024-03-08');
      const { n } = await store.db.selectFrom('episodes').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(typeof n).toBe('number');
    });

    it('getEpisode of an unknown id is undefined', async () => {
      expect(await getEpisode(store.db, 'never-written')).toBeUndefined();
    });

    describe('listEpisodesDischargedBetween', () => {
      const region = `region-${process.pid}-${Date.now()}`;
      const discharged = (date: string, over: Partial<EpisodeProjection> = {}) =>
        episode({ region, status: 'discharged', dischargedAt: `${date}T10:00:00.000Z`, dischargeDate: date, ...over });

      it('returns one region’s episodes discharged in the month, by discharge date', async () => {
        const feb = discharged('2024-02-29');
        const first = discharged('2024-03-01');
        const last = discharged('2024-03-31');
        // Discharged at 00:30 local time on 1 April: an April episode although the UTC instant is in March.
        const afterMidnight = discharged('2024-04-01', { dischargedAt: '2024-03-31T22:30:00.000Z' });
        const otherRegion = discharged('2024-03-15', { region: `${region}-other` });
        const notDischarged = episode({ region });
        for (const ep of [last, feb, afterMidnight, otherRegion, first, notDischarged]) await upsertEpisode(store.db, ep);

        const march = await listEpisodesDischargedBetween(store.db, region, '2024-03-01', '2024-04-01');
        expect(march.map((e) => e.episodeId)).toEqual([first.episodeId, last.episodeId]);
        expect(march[0]).toEqual(first);
        const april = await listEpisodesDischargedBetween(store.db, region, '2024-04-01', '2024-05-01');
        expect(april.map((e) => e.episodeId)).toEqual([afterMidnight.episodeId]);
        expect(await listEpisodesDischargedBetween(store.db, region, '2024-05-01', '2024-06-01')).toEqual([]);
      });

      it('refuses a malformed month boundary', async () => {
        await expect(listEpisodesDischargedBetween(store.db, region, '2024-03', '2024-04-01')).rejects.toThrow(/fromDate/);
      });
    });
  });
});
