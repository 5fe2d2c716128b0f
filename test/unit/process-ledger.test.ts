/**
 * The one ledger projection (src/db/process-ledger.ts), by property: for any versions of a
 * process, written in any order and any number of times (retries, replays, a slow worker), on
 * PGlite and on PostgreSQL:
 * - the write of a version the ledger already holds, or an older one, is 'stale' and changes nothing;
 * - the process's row and view are those of the highest version written;
 * - every message, obligation, deviation and timeline entry an accepted write carried is in the
 *   ledger, with the values of the last accepted write that carried it: nothing is ever deleted,
 *   even when a later version no longer carries it (home care prunes its state, docs/domain.md §5).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { processCounts, processTimeline, writeProjection, type ProcessProjection, type TimelineRecord } from '../../src/db/process-ledger';
import { readProcessView } from '../../src/db/process-views';
import type { DeviationRecord, MessageRecord, ObligationRecord } from '../../src/db/projection';
import { ledgerBackends, useLedgerOn } from '../db/backends';

const at = (day: number, hour = 8) => `2024-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** One version of an enrollment: which of a small pool of items it carries, and their values at that version. */
const versionArb = fc.record({
  status: fc.constantFrom('planning', 'enrolled', 'ended'),
  messages: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }),
  obligations: fc.uniqueArray(fc.record({ n: fc.integer({ min: 1, max: 4 }), status: fc.constantFrom('open', 'met', 'late', 'overdue'), metDay: fc.option(fc.integer({ min: 2, max: 28 }), { nil: null }) }), { selector: (o) => o.n, maxLength: 4 }),
  deviations: fc.uniqueArray(fc.record({ n: fc.integer({ min: 1, max: 3 }), status: fc.constantFrom('open', 'resolved', 'closed'), comments: fc.integer({ min: 0, max: 2 }) }), { selector: (d) => d.n, maxLength: 3 }),
  timeline: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { maxLength: 5 }),
});

type Version = typeof versionArb extends fc.Arbitrary<infer T> ? T : never;

function projection(id: string, version: number, v: Version): ProcessProjection<'homeHealthCare'> {
  const message = (n: number): MessageRecord => ({ messageId: `${id}-m${n}`, type: 'planningInvitation', version: 1, sender: { kind: 'primaryCare', id: 'SE2321000115-VC01' }, sentAt: at(n), recordedAt: at(n, 9) });
  const obligation = (o: Version['obligations'][number]): ObligationRecord => ({
    obligationId: `${id}-o${o.n}`, kind: 'acknowledge', messageId: null, responsible: { kind: 'municipality', id: '1381' }, dueAt: at(o.n + 1, 23),
    metAt: o.status === 'met' || o.status === 'late' ? at(o.metDay ?? o.n + 1) : null, status: o.status as ObligationRecord['status'], deviationType: 'ACK_MISSING', deviationId: null,
  });
  const deviation = (d: Version['deviations'][number]): DeviationRecord => ({
    deviationId: `${id}-d${d.n}`, type: 'ACK_MISSING', responsible: { kind: 'municipality', id: '1381' }, description: `deviation ${d.n}`, obligationId: null,
    deadlineAt: at(d.n + 1, 23), detectedAt: at(d.n + 1, 23), status: d.status as DeviationRecord['status'], resolvedAt: d.status === 'resolved' ? at(20) : null,
    closedAt: d.status === 'closed' ? at(21) : null, closedBy: d.status === 'closed' ? 'coordinator-1' : null, comment: null, downtime: false, escalation: 'none', reportedBy: null,
    escalatedAt: null, escalationAcknowledgedAt: null, escalationAcknowledgedBy: null, assignedTo: null, resolution: null,
    comments: Array.from({ length: d.comments }, (_, i) => ({ at: at(22 + i), by: 'coordinator-1', text: `v${version} note ${i}` })),
  });
  const entry = (seq: number): TimelineRecord => ({ seq, action: 'sendInvitation', occurredAt: at(seq), recordedAt: at(seq, 9), actor: { userId: 'u1', organisation: 'SE2321000115-VC01' }, summary: `entry ${seq} as of v${version}` });
  return {
    processType: 'homeHealthCare',
    row: {
      enrollmentId: id, version, region: 'halland', residenceMunicipality: '1381', primaryCareUnitHsa: 'SE2321000115-VC01', patientRef: `p-${id}`, ageAtStart: 80,
      initiatedBy: 'primaryCare', dischargeEpisodeId: null, status: v.status, startedAt: at(1), invitationSentAt: null, namedCareContactAt: null, namedDoctorAt: null,
      planningMeetingAt: null, sipCreatedAt: null, sipClosedAt: null, decision: null, decisionReason: null, decidedAt: null, enrolledAt: null, endedAt: null, endReason: null,
    },
    region: 'halland',
    municipality: '1381',
    messages: v.messages.map(message),
    obligations: v.obligations.map(obligation),
    deviations: v.deviations.map(deviation),
    timeline: v.timeline.map(entry),
    view: { enrollmentId: id, version, status: v.status },
  };
}

describe.each(ledgerBackends())('the one ledger projection on $name', (backend) => {
  const ledger = useLedgerOn(backend);
  let run = 0;

  /** Everything the ledger holds for one process, as comparable values. */
  const snapshot = async (id: string) => ({
    row: (await sql`select version, status from home_care_enrollments where enrollment_id = ${id}`.execute(ledger.db)).rows,
    messages: (await sql`select message_id, sent_at, recorded_at from messages where process_id = ${id} order by message_id`.execute(ledger.db)).rows,
    obligations: (await sql`select obligation_id, status, met_at from obligations where process_id = ${id} order by obligation_id`.execute(ledger.db)).rows,
    deviations: (await sql`select deviation_id, status, comments from deviations where process_id = ${id} order by deviation_id`.execute(ledger.db)).rows,
    timeline: await processTimeline(ledger.db, 'homeHealthCare', id),
    view: await readProcessView(ledger.db, 'homeHealthCare', id),
  });

  /**
   * Writes `p` and checks the result against the highest version accepted so far: a stale write
   * changes nothing; an accepted one's items go into `expected` (item key → its values as last
   * accepted). Answers the new highest version.
   */
  const writeChecked = async (db: typeof ledger.db, id: string, p: ProcessProjection<'homeHealthCare'>, highest: number, expected: Map<string, unknown>): Promise<number> => {
    const before = await snapshot(id);
    const result = await writeProjection(db, p);
    expect(result).toBe(p.row.version <= highest ? 'stale' : highest === 0 ? 'inserted' : 'updated');
    if (result === 'stale') {
      expect(await snapshot(id)).toEqual(before);
      return highest;
    }
    for (const m of p.messages) expected.set(`m/${m.messageId}`, m.recordedAt);
    for (const o of p.obligations) expected.set(`o/${o.obligationId}`, [o.status, o.metAt]);
    for (const d of p.deviations) expected.set(`d/${d.deviationId}`, [d.status, d.comments?.length ? d.comments : null]);
    for (const e of p.timeline) expected.set(`t/${e.seq}`, e.summary);
    return p.row.version;
  };

  /** What the ledger holds of the process's items, keyed as `expected` is. */
  const held = (stored: Awaited<ReturnType<typeof snapshot>>) =>
    new Map<string, unknown>([
      ...stored.messages.map((r: any) => [`m/${r.message_id}`, r.recorded_at] as const),
      ...stored.obligations.map((r: any) => [`o/${r.obligation_id}`, [r.status, r.met_at]] as const),
      ...stored.deviations.map((r: any) => [`d/${r.deviation_id}`, [r.status, typeof r.comments === 'string' ? JSON.parse(r.comments) : r.comments]] as const),
      ...stored.timeline.map((e) => [`t/${e.seq}`, e.summary] as const),
    ]);

  it('any versions in any order, retried: stale writes change nothing, the highest version wins, nothing is lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(versionArb, { minLength: 1, maxLength: 5 }).chain((versions) =>
          fc.tuple(fc.constant(versions), fc.array(fc.integer({ min: 1, max: versions.length }), { minLength: 1, maxLength: 8 })),
        ),
        async ([versions, order]) => {
          const id = `prop-${process.pid}-${++run}`;
          const expected = new Map<string, unknown>(); // item key → its values as last accepted
          let highest = 0;
          for (const version of order) {
            const p = projection(id, version, versions[version - 1]!);
            highest = await writeChecked(ledger.db, id, p, highest, expected);
          }
          const stored = await snapshot(id);
          expect(stored.row).toEqual([{ version: highest, status: versions[highest - 1]!.status }]);
          expect(stored.view).toEqual({ version: highest, view: { enrollmentId: id, version: highest, status: versions[highest - 1]!.status } });
          expect(held(stored)).toEqual(expected);
          const counts = await processCounts(ledger.db, 'homeHealthCare', id);
          expect(counts.messages + counts.obligations + counts.deviations + counts.timeline).toBe(expected.size);
        },
      ),
      { numRuns: 30 },
    );
  }, 120_000);

  it('two workers interleaving versions, values changing and coming back: the ledger is what writing every row would leave', async () => {
    // Each worker is its own handle on the same database, with its own memory of what it last wrote
    // (src/db/process-ledger.ts leaves out the rows unchanged since then). Timeline summaries flip
    // between two values, so a row a worker left out as unchanged may have been changed by the other.
    // entry n + 1 carries timeline[n], or is not carried (null)
    const flipArb = fc.record({ v: versionArb, timeline: fc.array(fc.constantFrom('a', 'b', null), { minLength: 3, maxLength: 3 }) });
    type Flip = typeof flipArb extends fc.Arbitrary<infer T> ? T : never;
    const flipped = (id: string, version: number, f: Flip): ProcessProjection<'homeHealthCare'> => ({
      ...projection(id, version, f.v),
      timeline: f.timeline.flatMap((summary, n) => (summary === null ? [] : [{ seq: n + 1, action: 'sendInvitation', occurredAt: at(n + 1), recordedAt: at(n + 1, 9), summary }])),
    });
    const none: Version = { status: 'planning', messages: [], obligations: [], deviations: [], timeline: [] };
    // worker 0 writes v1, worker 1 v2 (the entry changes), worker 0 v3 (back to what worker 0 wrote at v1)
    const comesBack: [Flip[], { worker: number; lag: number }[]] = [
      [{ v: none, timeline: ['a', 'a', null] }, { v: none, timeline: ['b', null, null] }, { v: none, timeline: ['a', 'a', null] }],
      [{ worker: 0, lag: 0 }, { worker: 1, lag: 0 }, { worker: 0, lag: 0 }],
    ];
    await fc.assert(
      fc.asyncProperty(
        // step i writes version i + 1 - lag (a worker behind, or retrying): versions overlap and mostly rise
        fc.array(flipArb, { minLength: 1, maxLength: 8 }).chain((versions) =>
          fc.tuple(fc.constant(versions), fc.array(fc.record({ worker: fc.integer({ min: 0, max: 1 }), lag: fc.integer({ min: 0, max: 2 }) }), { minLength: versions.length, maxLength: versions.length })),
        ),
        async ([versions, steps]) => {
          const id = `workers-${process.pid}-${++run}`;
          const workers = [ledger.db.withoutPlugins(), ledger.db.withoutPlugins()];
          const expected = new Map<string, unknown>(); // item key → its values as last accepted
          let highest = 0;
          for (const [i, { worker, lag }] of steps.entries()) {
            const version = Math.max(1, i + 1 - lag);
            const p = flipped(id, version, versions[version - 1]!);
            highest = await writeChecked(workers[worker]!, id, p, highest, expected);
          }
          const stored = await snapshot(id);
          expect(stored.row).toEqual([{ version: highest, status: versions[highest - 1]!.v.status }]);
          expect(stored.view).toEqual({ version: highest, view: { enrollmentId: id, version: highest, status: versions[highest - 1]!.v.status } });
          expect(held(stored)).toEqual(expected);
        },
      ),
      { numRuns: 40, examples: [[comesBack]] },
    );
  }, 180_000);

  it('a deviation id another process owns fails the whole write', async () => {
    const a = projection(`own-a-${process.pid}`, 1, { status: 'planning', messages: [], obligations: [], deviations: [{ n: 1, status: 'open', comments: 0 }], timeline: [] });
    await writeProjection(ledger.db, a);
    const b = projection(`own-b-${process.pid}`, 1, { status: 'planning', messages: [1], obligations: [], deviations: [], timeline: [1] });
    await expect(writeProjection(ledger.db, { ...b, deviations: a.deviations })).rejects.toThrow(/belongs to homeHealthCare own-a-/);
    expect(await snapshot(`own-b-${process.pid}`)).toEqual({ row: [], messages: [], obligations: [], deviations: [], timeline: [], view: undefined });
  });
});
