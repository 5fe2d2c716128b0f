/**
 * The Idempotency-Key on the writes no workflow records (README "API conventions"; issue 18 item
 * 3, "IDEMPOTENCY_KEY_REUSED everywhere"): declaring a downtime window, an administrator's action
 * on a workflow, starting a monthly close. A retry with the same key, or a copy arriving at the
 * same time, gets the first answer and records nothing twice; the same key with another body is
 * 422 and records nothing; without a key every request is a new one. Real dev server, worker and PGlite ledger.
 */
import fc from 'fast-check';
import { pollUntil, startBody, useApi } from '../helpers/api';

const ctx = useApi();
const ADMIN = { role: 'administrator', organisation: 'region-gavleborg-it', region: 'gavleborg', userId: 'admin-anna' } as const;
const BILLING = { role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg' } as const;
let n = 0;
const newKey = (what: string) => `${what}-${Date.now()}-${n++}`;

describe('Idempotency-Key on the writes no workflow records', () => {
  it('a downtime window: the same key declares one window; another body with it is 422; no key, two windows', async () => {
    const admin = ctx.api.as(ADMIN);
    const list = async () => (await admin.get('/api/regions/gavleborg/downtime')).body as Array<{ windowId: string }>;
    const before = (await list()).length;
    const key = newKey('downtime');
    const window = { startsAt: '2026-11-05T08:00:00+01:00', endsAt: '2026-11-05T09:00:00+01:00', reason: 'Cosmic Link nere' };
    const first = await admin.post('/api/regions/gavleborg/downtime', window, { 'Idempotency-Key': key });
    const again = await admin.post('/api/regions/gavleborg/downtime', window, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(first.body.windowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await list()).toHaveLength(before + 1);

    const reused = await admin.post('/api/regions/gavleborg/downtime', { ...window, reason: 'Nätverksfel' }, { 'Idempotency-Key': key });
    expect([reused.status, reused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await list()).toHaveLength(before + 1);

    // two copies at once: one window, the same answer to both
    const both = newKey('downtime-twice');
    const [a, b] = await Promise.all([0, 1].map(() => admin.post('/api/regions/gavleborg/downtime', window, { 'Idempotency-Key': both })));
    expect([a!.status, b!.status]).toEqual([201, 201]);
    expect(b!.body).toEqual(a!.body);
    expect(await list()).toHaveLength(before + 2);
    // a malformed key is named, nothing stored
    const bad = await admin.post('/api/regions/gavleborg/downtime', window, { 'Idempotency-Key': 'ett mellanslag' });
    expect([bad.status, bad.body.error?.details?.[0]?.field]).toEqual([400, 'header.Idempotency-Key']);
    // without a key each request is its own
    expect((await admin.post('/api/regions/gavleborg/downtime', window)).status).toBe(201);
    expect((await admin.post('/api/regions/gavleborg/downtime', window)).status).toBe(201);
    expect(await list()).toHaveLength(before + 4);
  });

  it('any sequence of downtime declarations, with keys reused, bodies changed and no key: one window per key, the first answer on every retry, 422 exactly when the body differs', async () => {
    const admin = ctx.api.as(ADMIN);
    const list = async () => (await admin.get('/api/regions/gavleborg/downtime')).body as Array<{ windowId: string }>;
    const reasons = ['Cosmic Link nere', 'Nätverksfel', 'Planerat underhåll'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ key: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }), reason: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 8 }), async (requests) => {
        const run = newKey('prop');
        const before = (await list()).length;
        const first = new Map<number, { reason: number; body: unknown }>();
        let created = 0;
        for (const r of requests) {
          const body = { startsAt: '2026-11-06T08:00:00+01:00', endsAt: '2026-11-06T09:00:00+01:00', reason: reasons[r.reason] };
          const res = await admin.post('/api/regions/gavleborg/downtime', body, r.key === undefined ? {} : { 'Idempotency-Key': `${run}-${r.key}` });
          expect(res.status).toBeLessThan(500);
          if (r.key === undefined) {
            expect(res.status).toBe(201);
            created += 1;
            continue;
          }
          const earlier = first.get(r.key);
          if (earlier === undefined) {
            expect(res.status).toBe(201);
            first.set(r.key, { reason: r.reason, body: res.body });
            created += 1;
          } else if (earlier.reason === r.reason) {
            expect(res).toMatchObject({ status: 201, body: earlier.body });
          } else {
            expect([res.status, res.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
          }
        }
        expect((await list()).length).toBe(before + created); // nothing lost, nothing twice
      }),
      { numRuns: 15 },
    );
  });

  it("an administrator's terminate retried with its key: the first answer, not 409, and one entry in the audit log", async () => {
    const admin = ctx.api.as(ADMIN);
    const started = await ctx.api.post('/api/episodes', startBody({ residenceMunicipality: '2180' }));
    expect(started.status).toBe(201);
    const { workflowId } = started.body;
    const key = newKey('terminate');
    const first = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(200);
    await pollUntil(async () => (await admin.get(`/api/admin/workflows/${workflowId}`)).body, (b) => b.execution === 'TERMINATED');
    const again = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' }, { 'Idempotency-Key': key });
    expect(again).toMatchObject({ status: 200, body: first.body });
    const reused = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Another reason' }, { 'Idempotency-Key': key });
    expect([reused.status, reused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const actions = (await admin.get(`/api/admin/actions?workflowId=${workflowId}`)).body.actions as unknown[];
    expect(actions).toHaveLength(1);
    // another administrator organisation's same key is another key: the workflow is closed, 409
    const drift = ctx.api.as({ ...ADMIN, organisation: 'region-gavleborg-drift', userId: 'admin-bo' });
    const other = await drift.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' }, { 'Idempotency-Key': key });
    expect([other.status, other.body.error?.code]).toEqual([409, 'WORKFLOW_NOT_RUNNING']);
    // a refusal recorded nothing and keeps no answer: asked again, it is refused again (not held as in progress)
    const otherAgain = await drift.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' }, { 'Idempotency-Key': key });
    expect([otherAgain.status, otherAgain.body.error?.code]).toEqual([409, 'WORKFLOW_NOT_RUNNING']);
  });

  it("two copies of an administrator's reset with one key at once: one reset, one entry in the audit log, the same answer to both", async () => {
    const admin = ctx.api.as(ADMIN);
    const started = await ctx.api.post('/api/episodes', startBody({ residenceMunicipality: '2180' }));
    const { workflowId } = started.body;
    await pollUntil(() => admin.get(`/api/admin/workflows/${workflowId}`), (r) => r.body.resetPoints?.length > 0);
    const key = newKey('reset');
    const [a, b] = await Promise.all([0, 1].map(() => admin.post(`/api/admin/workflows/${workflowId}/reset`, { reason: 'Stuck after a bad deploy', to: 'firstWorkflowTask' }, { 'Idempotency-Key': key })));
    expect([a!.status, b!.status]).toEqual([200, 200]);
    expect(b!.body).toEqual(a!.body);
    const actions = (await admin.get(`/api/admin/actions?workflowId=${workflowId}`)).body.actions as Array<{ details: { newRunId: string } }>;
    expect(actions.map((x) => x.details.newRunId)).toEqual([a!.body.newRunId]);
  });

  it('starting a monthly close: the same key answers as the first time; another month with it is 422 and starts nothing', async () => {
    const officer = ctx.api.as(BILLING);
    const key = newKey('close');
    const first = await officer.post('/api/billing/closes', { region: 'gavleborg', month: '2019-07' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const again = await officer.post('/api/billing/closes', { region: 'gavleborg', month: '2019-07' }, { 'Idempotency-Key': key });
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers.get('location')).toBe('/api/billing/closes/gavleborg/2019-07');
    const reused = await officer.post('/api/billing/closes', { region: 'gavleborg', month: '2019-08' }, { 'Idempotency-Key': key });
    expect([reused.status, reused.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await officer.get('/api/billing/closes/gavleborg/2019-08')).status).toBe(404);
    // without the key, the second start says it was already started (as before)
    expect(await officer.post('/api/billing/closes', { region: 'gavleborg', month: '2019-07' })).toMatchObject({ status: 200, body: { alreadyStarted: true } });
  });
});
