/**
 * Issue 21: the API answers a staff action (and a GET) with the process's view from the ledger,
 * where the projection wrote it before the Update was answered, instead of asking the workflow
 * again by query. What must hold: every answer is exactly what the workflow's own query gives
 * at that moment (read-your-writes: the action is in it), it came from the ledger, and a process
 * whose view the ledger does not hold is still answered, by query.
 */
import { sql } from 'kysely';
import { dischargeWorkflowId, episodeQuery } from '../../workflows/discharge/contract';
import { viewReads } from '../../src/temporal/process-client';
import { pollUntil, startBody, stockholmDate, UNITS, useApi } from '../helpers/api';

const ctx = useApi();
const DAY = 24 * 3_600_000;
const municipality = { kind: 'municipality', id: '2180' };
const primaryCare = { kind: 'primaryCare', id: UNITS.primaryCare };

/** The view as the workflow itself answers it now, with what the API adds to an action's answer. */
async function queried(episodeId: string, answer?: { requestHash?: string; warnings?: string[] }) {
  const v = await ctx.h.env.client.workflow.getHandle(dischargeWorkflowId(episodeId)).query(episodeQuery);
  return JSON.parse(JSON.stringify({ ...v, ...(answer ? { requestHash: answer.requestHash, ...(answer.warnings ? { warnings: answer.warnings } : {}) } : {}) }));
}

async function act(episodeId: string, path: string, body: unknown) {
  const r = await ctx.api.post(`/api/episodes/${episodeId}/${path}`, body);
  if (r.status !== 200) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

it('every action of an episode is answered from the ledger with what the workflow holds after it', async () => {
  const r = await ctx.api.post('/api/episodes', startBody({ homeHealthCare: 'none' }));
  expect(r.status).toBe(201);
  const id = r.body.episodeId as string;
  await pollUntil(() => ctx.api.get(`/api/episodes/${id}`).then((x) => x.body), (b: any) => b?.obligations?.some((o: any) => o.kind === 'sendAdmissionNotice'));

  const before = { ...viewReads };
  const steps: [string, unknown][] = [
    ['admission-notice', { expectedReadyDate: stockholmDate(new Date(Date.now() + 2 * DAY)) }],
    ['planning-needed', { flow: 'a', consent: 'given', needs: 'newHealthCare' }],
    ['named-care-contact', { party: primaryCare, contact: 'Distriktssköterska Karin', existing: true }],
    ['checklist', { aidsAndMedicationListInPlace: true, medicinesSecured: true, informationTransferred: true }],
    ['ready', { readyDate: stockholmDate() }],
    ['discharge', { sendNotice: true }],
  ];
  let versions = 0;
  for (const [path, body] of steps) {
    const s = await act(id, path, body);
    expect(s.version).toBeGreaterThan(versions); // the action is in the answer
    versions = s.version;
    expect(s).toEqual(await queried(id, s));
    // a GET right after reads the same
    expect((await ctx.api.get(`/api/episodes/${id}`)).body).toEqual(await queried(id));
  }
  const notice = (await queried(id)).messages.find((m: any) => m.type === 'admissionNotice');
  const s = await act(id, 'acknowledgements', { messageId: notice.messageId, party: municipality });
  expect(s).toEqual(await queried(id, s));
  // all of them from the ledger: not one answer needed the workflow's query
  expect(viewReads.ledger - before.ledger).toBe(2 * steps.length + 1);
  expect(viewReads.query - before.query).toBe(0);
});

it('a process whose view the ledger does not hold is answered by query, and its next action is stored', async () => {
  const r = await ctx.api.post('/api/episodes', startBody({ homeHealthCare: 'none' }));
  const id = r.body.episodeId as string;
  await pollUntil(() => ctx.api.get(`/api/episodes/${id}`).then((x) => x.body), (b: any) => b?.obligations?.some((o: any) => o.kind === 'sendAdmissionNotice'));
  // as for a process last projected before migration 0012
  await sql`delete from process_views where process_id = ${id}`.execute(ctx.h.ledger.db);
  const before = { ...viewReads };
  const got = await ctx.api.get(`/api/episodes/${id}`);
  expect(got.status).toBe(200);
  expect(got.body).toEqual(await queried(id));
  expect(viewReads.query - before.query).toBe(1);
  const s = await act(id, 'admission-notice', { expectedReadyDate: stockholmDate(new Date(Date.now() + DAY)) });
  expect(s).toEqual(await queried(id, s));
  const row = await sql<{ version: number }>`select version from process_views where process_id = ${id}`.execute(ctx.h.ledger.db);
  expect(row.rows).toEqual([{ version: s.version }]);
});

it('the counter of where views came from is on /metrics', async () => {
  const m = await ctx.api.get('/metrics');
  expect(m.status).toBe(200);
  expect(m.body).toMatch(/process_view_reads_total\{source="ledger"\} \d+/);
});
