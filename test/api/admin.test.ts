/**
 * The administration API against the real dev server, worker and PGlite ledger: list and search
 * by search attributes, describe, terminate, cancel, reset, re-run a failing activity — each
 * recorded with who and why in the append-only audit log; bad input and refusals record nothing.
 */
import { sql } from 'kysely';
import { setDailyAmount } from '../../src/db/billing';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { closeInputFor } from '../../src/temporal/schedules';
import { monthlyCloseWorkflowType, type MonthlyCloseWorkflow, monthlyCloseWorkflowId } from '../../workflows/monthly-close/contract';
import { PERSONNUMMER, pollUntil, startBody, UNITS, useApi } from '../helpers/api';

const ctx = useApi();
const ADMIN = { role: 'administrator', organisation: 'region-gavleborg-it', region: 'gavleborg', userId: 'admin-anna' } as const;
const admin = {
  get: (path: string) => ctx.api.as(ADMIN).get(path),
  post: (path: string, body: unknown) => ctx.api.as(ADMIN).post(path, body),
};
/** An administrator of Region Halland: an administrator sees their own region's workflows only (§10). */
const hallandAdmin = {
  get: (path: string) => ctx.api.as({ ...ADMIN, organisation: 'region-halland-it', region: 'halland' }).get(path),
  post: (path: string, body: unknown) => ctx.api.as({ ...ADMIN, organisation: 'region-halland-it', region: 'halland' }).post(path, body),
};

async function admit(municipality = '2180'): Promise<{ episodeId: string; workflowId: string }> {
  const r = await ctx.api.post('/api/episodes', startBody({ residenceMunicipality: municipality }));
  expect(r.status).toBe(201);
  return r.body;
}
const actionsOf = async (workflowId: string) => (await admin.get(`/api/admin/actions?workflowId=${workflowId}`)).body.actions as any[];
const execution = (workflowId: string, want: string) =>
  pollUntil(async () => (await admin.get(`/api/admin/workflows/${workflowId}`)).body, (b) => b.execution === want);

describe('admin API: access and bad input', () => {
  it('refuses without who is acting (401) and names bad filters (400)', async () => {
    const anon = await ctx.api.as('anonymous').get('/api/admin/workflows');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('TOKEN_MISSING');
    const nurse = await ctx.api.as({ role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg' }).get('/api/admin/workflows');
    expect(nurse.status).toBe(403);
    expect(nurse.body.error.code).toBe('ROLE_NOT_PERMITTED');
    const bad = await admin.get('/api/admin/workflows?municipality=abc&type=nope&colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.field).sort()).toEqual(['query', 'query.municipality', 'query.type'].sort());
    expect((await admin.get(`/api/admin/workflows/discharge-${'x'.repeat(10)}`)).status).toBe(403);
    expect((await admin.get('/api/admin/workflows/bad%20id')).body.error.code).toBe('VALIDATION_FAILED');
    const paths = Object.keys((await ctx.api.get('/openapi.json')).body.paths);
    expect(paths.filter((p) => p.startsWith('/api/admin/')).sort()).toEqual([
      '/api/admin/actions', '/api/admin/workflows', '/api/admin/workflows/{workflowId}', '/api/admin/workflows/{workflowId}/activities/{activityId}/retry',
      '/api/admin/workflows/{workflowId}/cancel', '/api/admin/workflows/{workflowId}/reset', '/api/admin/workflows/{workflowId}/terminate',
    ]);
  });
});

describe('admin API: list, search and describe', () => {
  it('finds an episode by type, region, municipality and status; describes its timers and obligations without patient data', async () => {
    const a = await admit('2180');
    const b = await admit('2181');
    const search = (q: string) => admin.get(`/api/admin/workflows?${q}`);
    const found = await pollUntil(
      () => search('type=dischargeEpisode&region=gavleborg&municipality=2180&status=admitted'),
      (r) => r.body.workflows?.some((w: any) => w.workflowId === a.workflowId),
    );
    expect(found.status).toBe(200);
    expect(found.body.query).toBe("WorkflowType = 'dischargeEpisode' AND Region = 'gavleborg' AND MunicipalityCode = '2180' AND ProcessStatus = 'admitted' AND ExecutionStatus = 'Running'");
    const ids = found.body.workflows.map((w: any) => w.workflowId);
    expect(ids).toContain(a.workflowId);
    expect(ids).not.toContain(b.workflowId);
    expect(found.body.workflows.find((w: any) => w.workflowId === a.workflowId)).toMatchObject({ type: 'dischargeEpisode', execution: 'RUNNING', region: 'gavleborg', municipalityCode: '2180', processStatus: 'admitted', readySince: null });
    // nobody is ready yet: a ReadySince filter matches neither
    const ready = await search(`type=dischargeEpisode&readySinceBefore=${encodeURIComponent(new Date().toISOString())}`);
    expect(ready.body.workflows.map((w: any) => w.workflowId)).not.toContain(a.workflowId);

    // the timer is in history once the workflow task that opened the obligation has completed
    const d = await pollUntil(() => admin.get(`/api/admin/workflows/${a.workflowId}`), (r) => r.body.state?.openObligations?.length > 0 && r.body.pendingTimers?.length > 0);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ workflowId: a.workflowId, type: 'dischargeEpisode', execution: 'RUNNING', searchAttributes: { region: 'gavleborg', municipalityCode: '2180' } });
    // §4 step 2: the admission notice is due within 24 hours — an open obligation and its durable timer
    const [obligation] = d.body.state.openObligations;
    expect(obligation).toMatchObject({ kind: 'sendAdmissionNotice', responsible: { kind: 'inpatient', id: UNITS.inpatient } });
    expect(d.body.pendingTimers).toHaveLength(1);
    // read back from history (the workflow's clock is not in it to the millisecond)
    expect(Math.abs(Date.parse(d.body.pendingTimers[0].firesAt) - Date.parse(obligation.dueAt))).toBeLessThan(2_000);
    expect(d.body.resetPoints.length).toBeGreaterThan(0);
    const text = JSON.stringify(d.body);
    expect(text).not.toContain(PERSONNUMMER);
    expect(text).not.toContain('patientRef');
  });
});

describe('admin API: terminate, cancel, reset — recorded with who and why', () => {
  it('terminates with a reason; without one nothing happens; a closed workflow cannot be terminated again', async () => {
    const { workflowId } = await admit();
    const noReason = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].field).toBe('body.reason');
    expect((await ctx.api.as('anonymous').post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' })).status).toBe(401);
    expect((await hallandAdmin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' })).status).toBe(403);
    expect(await actionsOf(workflowId)).toEqual([]);
    expect((await admin.get(`/api/admin/workflows/${workflowId}`)).body.execution).toBe('RUNNING');

    const r = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' });
    expect(r.status).toBe(200);
    expect((await execution(workflowId, 'TERMINATED')).execution).toBe('TERMINATED');
    expect(await actionsOf(workflowId)).toEqual([
      expect.objectContaining({ action: 'terminate', workflowId, runId: r.body.runId, reason: 'Registered twice by mistake', actor: { userId: 'admin-anna', organisation: 'region-gavleborg-it' } }),
    ]);
    const again = await admin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Registered twice by mistake' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('WORKFLOW_NOT_RUNNING');
    expect(await actionsOf(workflowId)).toHaveLength(1);
    // the audit log is append-only in the database itself
    await expect(sql`update admin_actions set reason = 'x'`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from admin_actions`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
  });

  it('cancels a running workflow', async () => {
    const { workflowId } = await admit();
    const r = await admin.post(`/api/admin/workflows/${workflowId}/cancel`, { reason: 'Patient transferred to another region' });
    expect(r.status).toBe(200);
    expect((await execution(workflowId, 'CANCELLED')).execution).toBe('CANCELLED');
    expect((await actionsOf(workflowId)).map((a) => a.action)).toEqual(['cancel']);
  });

  it('resets to a workflow task: a new run continues; a non-workflow-task event is refused', async () => {
    const { workflowId } = await admit();
    const before = await pollUntil(() => admin.get(`/api/admin/workflows/${workflowId}`), (r) => r.body.resetPoints?.length > 0);
    const wrong = await admin.post(`/api/admin/workflows/${workflowId}/reset`, { reason: 'Stuck after a bad deploy', eventId: 1 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(/WORKFLOW_EXECUTION_STARTED/);
    expect((await admin.post(`/api/admin/workflows/${workflowId}/reset`, { reason: 'Stuck after a bad deploy' })).status).toBe(400); // neither eventId nor to
    expect(await actionsOf(workflowId)).toEqual([]);

    const r = await admin.post(`/api/admin/workflows/${workflowId}/reset`, { reason: 'Stuck after a bad deploy', to: 'firstWorkflowTask' });
    expect(r.status).toBe(200);
    expect(r.body.eventId).toBe(before.body.resetPoints[0].eventId);
    expect(r.body.newRunId).toEqual(expect.any(String));
    expect(r.body.newRunId).not.toBe(before.body.runId);
    const after = await pollUntil(() => admin.get(`/api/admin/workflows/${workflowId}`), (x) => x.body.runId === r.body.newRunId && x.body.state?.openObligations?.length > 0);
    expect(after.body).toMatchObject({ runId: r.body.newRunId, execution: 'RUNNING' });
    expect(await actionsOf(workflowId)).toEqual([expect.objectContaining({ action: 'reset', runId: before.body.runId, details: { eventId: r.body.eventId, newRunId: r.body.newRunId } })]);
  });
});

describe('admin API: re-run a failing activity', () => {
  it('after the cause is fixed, the activity runs again at once instead of after its back-off', async () => {
    const { episodeId, workflowId } = await admit();
    const db = ctx.h.ledger.db;
    // the ledger table of reminders is unavailable: recording the deviation's reminder (§6) fails and is retried with back-off
    await sql`alter table notifications rename to notifications_unavailable`.execute(db);
    let restored = false;
    try {
      const reported = ctx.api.post(`/api/episodes/${episodeId}/deviations`, { responsible: { kind: 'municipality', id: '2180' }, description: 'Vårdbegäran kom aldrig' }, ADMIN);
      const failing = await pollUntil(
        () => admin.get(`/api/admin/workflows/${workflowId}`),
        (r) => r.body.pendingActivities?.some((a: any) => a.activityType === 'recordNotifications' && a.attempt >= 4),
        30_000,
      );
      const activity = failing.body.pendingActivities.find((a: any) => a.activityType === 'recordNotifications');
      expect(activity.lastFailure).toMatch(/notifications/);
      const nextAttemptAt = Date.parse(activity.nextAttemptAt);
      expect(nextAttemptAt - Date.now()).toBeGreaterThan(3_000); // the back-off has grown

      expect((await admin.post(`/api/admin/workflows/${workflowId}/activities/no-such-activity/retry`, { reason: 'Database fixed' })).body.error.code).toBe('ACTIVITY_NOT_PENDING');
      await sql`alter table notifications_unavailable rename to notifications`.execute(db);
      restored = true;
      const r = await admin.post(`/api/admin/workflows/${workflowId}/activities/${activity.activityId}/retry`, { reason: 'Ledger table restored after the migration mishap' });
      expect(r.status).toBe(200);
      const done = await reported;
      expect(done.status).toBe(200);
      expect(Date.now()).toBeLessThan(nextAttemptAt); // it did not wait for its next scheduled attempt
      expect(done.body.deviations).toEqual([expect.objectContaining({ type: 'MANUAL', escalation: 'reminded' })]);
      expect(await actionsOf(workflowId)).toEqual([expect.objectContaining({ action: 'retryActivity', details: expect.objectContaining({ activityId: activity.activityId, activityType: 'recordNotifications' }) })]);
    } finally {
      if (!restored) await sql`alter table notifications_unavailable rename to notifications`.execute(db);
    }
  }, 60_000);
});

describe('admin API: a failed monthly close re-run after its configuration was fixed', () => {
  it('fails without the year\'s daily amount; once it is set, a reset to the first workflow task freezes again and opens the review', async () => {
    const halland = DEFAULT_REGIONS.find((r) => r.id === 'halland')!;
    const workflowId = monthlyCloseWorkflowId('halland', '2031-03');
    const handle = await ctx.h.env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, {
      taskQueue: ctx.h.taskQueue, workflowId, args: [{ ...closeInputFor(halland, { closeDay: 5, closeHour: 6, reviewWeekdays: 10 }), month: '2031-03' }],
    });
    await expect(handle.result()).rejects.toThrow();
    const failed = await hallandAdmin.get(`/api/admin/workflows/${workflowId}`);
    expect(failed.body).toMatchObject({ execution: 'FAILED', type: 'monthlyClose', searchAttributes: { region: 'halland', processStatus: 'freezing' } });

    await setDailyAmount(ctx.h.ledger.db, 2031, 10_000_00, 'test', 'admin-anna');
    const r = await hallandAdmin.post(`/api/admin/workflows/${workflowId}/reset`, { reason: 'Daily amount for 2031 registered', to: 'firstWorkflowTask' });
    expect(r.status).toBe(200);
    const review = await pollUntil(() => hallandAdmin.get(`/api/admin/workflows/${workflowId}`), (x) => x.body.state?.status === 'review' && x.body.pendingTimers?.length > 0, 20_000);
    expect(review.body).toMatchObject({ runId: r.body.newRunId, execution: 'RUNNING', state: { status: 'review', undecidedFlags: [] } });
    expect(review.body.state.municipalitiesNotApproved).toHaveLength(halland.municipalities.length);
    // the review timer of 10 weekdays is pending; the close is found by its (patched-in) search attributes
    expect(review.body.pendingTimers).toHaveLength(1);
    expect(Date.parse(review.body.pendingTimers[0].firesAt)).toBeGreaterThan(Date.now() + 7 * 24 * 3_600_000);
    const listed = await pollUntil(() => hallandAdmin.get('/api/admin/workflows?type=monthlyClose&region=halland&status=review'), (x) => x.body.workflows?.some((w: any) => w.workflowId === workflowId));
    expect(listed.body.workflows.map((w: any) => w.workflowId)).toContain(workflowId);
    await hallandAdmin.post(`/api/admin/workflows/${workflowId}/terminate`, { reason: 'Test close, not a real month' });
  });
});
