/**
 * Issue 15 over HTTP: a monthly close that fails for a reason a retry cannot fix (halland 2024-05
 * under the average model, the 2023 national average not registered) stops at once, its alert is
 * listed for the region's billing officers and administrators at GET /api/billing/alerts (and
 * delivered to their configured channels, see test/workflow/monthly-close-alerts.test.ts), and
 * the billing officer starts the close again once an administrator has fixed the cause.
 */
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { monthlyCloseWorkflowId } from '../../workflows/monthly-close/contract';
import type { TestPrincipal } from '../helpers/auth';
import { pollUntil, useApi } from '../helpers/api';
import { seed } from '../helpers/billing';

const ctx = useApi();

const OFFICER: TestPrincipal = { role: 'billingOfficer', organisation: 'region-halland', region: 'halland' };
const ADMIN: TestPrincipal = { role: 'administrator', organisation: 'region-halland', region: 'halland' };
const OTHER_OFFICER: TestPrincipal = { role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg' };
const REVIEWER: TestPrincipal = { role: 'invoiceReviewer', organisation: '1380', region: 'halland' };

describe('billing alerts', () => {
  it('a close that cannot be computed fails once, is listed for the billing officers and administrators, and can be started again after the fix', async () => {
    expect(DEFAULT_REGIONS.find((r) => r.id === 'halland')!.agreements.find((a) => a.from <= '2024-05-31' && (!a.to || '2024-05-31' <= a.to))?.ruleSetId).toBe('halland-average-2023-discount');
    await seed(ctx.h.ledger, [{ region: 'halland', municipality: '1380', periods: [['2024-05-01', '2024-05-06']] }]);
    const officer = ctx.api.as(OFFICER);
    expect((await ctx.api.as(ADMIN).request('PUT', '/api/billing/daily-amounts/2024', { body: { amountOre: 9_500_00, source: 'test' } })).status).toBe(200);

    const started = await officer.post('/api/billing/closes', { region: 'halland', month: '2024-05' });
    expect(started.status).toBe(201);
    const handle = ctx.h.env.client.workflow.getHandle(monthlyCloseWorkflowId('halland', '2024-05'));
    await expect(handle.result()).rejects.toThrow();
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.activityTaskFailedEventAttributes)).toHaveLength(1); // no retry

    const listed = await pollUntil(() => officer.get('/api/billing/alerts'), (r) => r.status === 200 && r.body.alerts.length === 1);
    expect(listed.body).toMatchObject({
      region: 'halland',
      alerts: [{ kind: 'closeFailed', step: 'freeze', closeId: 'halland-2024-05', month: '2024-05', code: 'NATIONAL_AVERAGE_MISSING', message: expect.stringMatching(/national average of ready days for 2023/), episodeIds: [], deliveries: [] }],
    });
    // the administrator sees them too; another region's officer and a municipality's reviewer do not
    expect((await ctx.api.as(ADMIN).get('/api/billing/alerts')).body.alerts).toHaveLength(1);
    expect((await ctx.api.as(OTHER_OFFICER).get('/api/billing/alerts')).body.alerts).toEqual([]);
    expect((await ctx.api.as(OTHER_OFFICER).get('/api/billing/alerts?region=halland')).status).toBe(403);
    expect((await ctx.api.as(REVIEWER).get('/api/billing/alerts')).status).toBe(403);

    // fixed: the 2023 national average registered; the close starts again (201, a new run) and freezes
    expect((await ctx.api.as(ADMIN).request('PUT', '/api/billing/national-averages/2023', { body: { hundredths: 280, source: 'test' } })).status).toBe(200);
    const again = await officer.post('/api/billing/closes', { region: 'halland', month: '2024-05' });
    expect(again).toMatchObject({ status: 201, body: { alreadyStarted: false } });
    const v = await pollUntil(() => officer.get('/api/billing/closes/halland/2024-05'), (r) => r.status === 200 && r.body.phase === 'review');
    expect(v.body).toMatchObject({ phase: 'review', ruleSetId: 'halland-average-2023-discount', preliminary: { cannotCompute: [] } });
    // a running close is never started twice
    expect((await officer.post('/api/billing/closes', { region: 'halland', month: '2024-05' })).body.alreadyStarted).toBe(true);
    await handle.terminate('test done');
  });
});
