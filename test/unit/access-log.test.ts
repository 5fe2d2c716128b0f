/**
 * The access log's group commit (src/db/access-log.ts, docs/domain.md §10): entries held while
 * requests read are stored together by the first request that finishes, each request's
 * `write()` resolves only once its own row is stored, and nothing held is lost or stored twice.
 */
import { sql } from 'kysely';
import { AccessLogWriter } from '../../src/db/access-log';
import type { LedgerStore } from '../../src/db/ledger';
import { openTestLedger } from '../helpers/ledger';

let ledger: LedgerStore;
beforeAll(async () => {
  ledger = await openTestLedger();
});
afterAll(async () => {
  await ledger?.close();
});

const entry = (userId: string) => ({
  userId, role: 'inpatientStaff', organisation: 'SE2321000115-AVD1', region: 'halland', endpoint: 'GET /api/episodes/:episodeId',
  processType: 'discharge', processId: 'e-1', patientRefs: ['p_1'], purpose: 'the inpatient unit of the stay',
});
const rows = async (prefix: string) =>
  (await sql<{ user_id: string }>`select user_id from access_log where user_id like ${`${prefix}%`} order by user_id`.execute(ledger.db)).rows.map((r) => r.user_id);

test('entries held during reads are stored by the first write, once each', async () => {
  const log = new AccessLogWriter(ledger.db);
  const held = ['g1-a', 'g1-b', 'g1-c'].map((u) => log.hold(entry(u)));
  expect(await rows('g1-')).toEqual([]); // held, not yet stored
  await held[1].write();
  // the first write stored every entry held at that moment
  expect(await rows('g1-')).toEqual(['g1-a', 'g1-b', 'g1-c']);
  // the other requests' writes resolve without storing anything again
  await Promise.all([held[0].write(), held[2].write(), held[1].write()]);
  expect(await rows('g1-')).toEqual(['g1-a', 'g1-b', 'g1-c']);
});

test('a write that cannot be stored rejects for every entry of its batch, and a later write stores new entries', async () => {
  const log = new AccessLogWriter(ledger.db);
  const a = log.hold({ ...entry('g2-a'), purpose: 'x'.repeat(10) });
  const bad = log.hold({ ...entry('g2-bad'), role: null as unknown as string }); // role is NOT NULL
  await expect(bad.write()).rejects.toThrow();
  await expect(a.write()).rejects.toThrow();
  expect(await rows('g2-')).toEqual([]);
  await log.record(entry('g2-later'));
  expect(await rows('g2-')).toEqual(['g2-later']);
});
