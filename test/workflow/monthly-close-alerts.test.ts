/**
 * Issue 15, no poison pills in the monthly close, on the time-skipping server with the real
 * activities, ledger, SMTP server and HTTP receiver:
 * - a close that fails for a reason a retry cannot fix (no daily amount for the month's year)
 *   fails at once — one attempt, non-retryable with the refusal's code — and the region's billing
 *   officers and administrators get an e-mail and a signed webhook, recorded in the ledger;
 *   started again once the cause is fixed, the close goes on;
 * - a ledger holding an episode written before the fix (a ready date after its discharge) no
 *   longer fails the close at all: it freezes, the episode counted 0 days and flagged for review;
 * - a ledger row the engine cannot compute at all (here: no municipality) is listed in the close
 *   as "cannot compute" with its code, reason and review flag, in no invoice; the rest of the
 *   region's month is computed, and the billing officers and administrators are told which
 *   episode (by its opaque id).
 */
import { WorkflowFailedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { closeTransports, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../activities/channels';
import { listBillingAlerts } from '../../src/db/billing-alerts';
import { recompute } from '../../src/db/billing-close';
import { setDailyAmount } from '../../src/db/billing';
import { upsertEpisode, type LedgerStore } from '../../src/db/ledger';
import { DEFAULT_REGIONS, RegionSchema } from '../../src/domain/regions';
import { closeInputFor } from '../../src/temporal/schedules';
import { closeQuery, monthlyCloseWorkflowType, type MonthlyCloseWorkflow, monthlyCloseWorkflowId, type MonthlyCloseInput } from '../../workflows/monthly-close/contract';
import { episode } from '../db/fixtures';
import { eventually } from '../helpers/discharge';
import { openTestLedger } from '../helpers/ledger';
import { startHttpReceiver, startSmtpServer } from '../helpers/receivers';
import { expectEveryHistoryReplays, startWorker, timeSkippingEnv } from '../helpers/temporal';

const KEY = 'test-billing-webhook-key-0123456789';
let env: TestWorkflowEnvironment;
let ledger: LedgerStore;
let worker: Worker;
let taskQueue: string;
let run: Promise<void>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let gavleborg: (typeof DEFAULT_REGIONS)[number];

beforeAll(async () => {
  env = await timeSkippingEnv();
  ledger = await openTestLedger();
  [smtp, http] = await Promise.all([startSmtpServer(), startHttpReceiver()]);
  gavleborg = RegionSchema.parse({
    ...DEFAULT_REGIONS[1],
    billingContacts: [
      { id: 'debitering', name: 'Regionens debiteringsansvariga', role: 'billingOfficer', channels: [{ type: 'email', to: 'debitering@gavleborg.example' }, { type: 'webhook', url: `${http.url}/billing`, secretEnv: 'TEST_BILLING_KEY' }] },
      { id: 'admin-1', name: 'Systemförvaltare', role: 'administrator', channels: [{ type: 'email', to: 'forvaltning@gavleborg.example' }] },
    ],
  });
  const started = await startWorker(env, {
    ledger,
    calendar: { invitationCutoff: '14:00' },
    notify: { regions: [DEFAULT_REGIONS[0]!, gavleborg], smtpUrl: smtp.url, from: 'utskrivning@gavleborg.example', env: { TEST_BILLING_KEY: KEY } },
  });
  ({ worker, taskQueue, run } = started);
});

afterAll(async () => {
  worker?.shutdown();
  await run;
  try {
    if (env) await expectEveryHistoryReplays(env);
  } finally {
    closeTransports();
    await Promise.all([smtp?.close(), http?.close(), ledger?.close()]);
    await env?.teardown();
  }
});

const input = (region: typeof gavleborg, month: string): MonthlyCloseInput => ({ ...closeInputFor(region, { closeDay: 5, closeHour: 6, reviewWeekdays: 10 }), month });

describe('monthly close: what a retry cannot fix stops it at once and reaches the billing officers and administrators', () => {
  it('no daily amount for 2021: one attempt, non-retryable DAILY_AMOUNT_MISSING, e-mail and signed webhook; started again after the fix it freezes', async () => {
    const workflowId = monthlyCloseWorkflowId('gavleborg', '2021-03');
    const h = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue, workflowId, args: [input(gavleborg, '2021-03')], workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY });
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { cause?: { type?: string; message?: string; nonRetryable?: boolean } };
    expect(cause.cause).toMatchObject({ type: 'DAILY_AMOUNT_MISSING', nonRetryable: true, message: expect.stringMatching(/No daily amount .* 2021/) });

    // one attempt only: no retry of what a retry cannot fix
    const history = await h.fetchHistory();
    const failed = history.events!.filter((e) => e.activityTaskFailedEventAttributes);
    expect(failed).toHaveLength(1);
    const started = history.events!.find((e) => e.activityTaskStartedEventAttributes && history.events!.find((s) => s.eventId?.toString() === e.activityTaskStartedEventAttributes!.scheduledEventId?.toString())?.activityTaskScheduledEventAttributes?.activityType?.name === 'billingFreezeClose');
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);

    // the region's billing officer (e-mail and webhook) and administrator (e-mail) are told
    const isAlert = (m: { header(n: string): string | undefined }) => (m.header('X-Utskrivning-Delivery') ?? '').startsWith('billing:gavleborg-2021-03:');
    const mails = await smtp.inbox.waitFor((all) => all.filter(isAlert).length === 2, 'alert e-mails');
    const alertMails = mails.filter(isAlert);
    expect(alertMails.flatMap((m) => m.to).sort()).toEqual(['debitering@gavleborg.example', 'forvaltning@gavleborg.example']);
    expect(alertMails[0]!.raw).toContain('DAILY_AMOUNT_MISSING');
    const [hook] = await http.inbox.waitFor((all) => all.length >= 1, 'alert webhook');
    expect(verifyWebhook(KEY, { timestamp: hook!.headers[TIMESTAMP_HEADER], signature: hook!.headers[SIGNATURE_HEADER] }, hook!.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(hook!.body)).toMatchObject({ event: 'billing.closeFailed', region: 'gavleborg', month: '2021-03', closeId: 'gavleborg-2021-03', step: 'freeze', code: 'DAILY_AMOUNT_MISSING', recipient: 'billing:billingOfficer/debitering' });

    // recorded in the ledger with its deliveries (GET /api/billing/alerts reads this)
    const alerts = await eventually(async () => {
      const a = await listBillingAlerts(ledger.db, 'gavleborg');
      return a.length === 1 && a[0]!.deliveries.every((d) => d.status === 'delivered') ? a : undefined;
    }, 'the alert recorded and delivered');
    expect(alerts[0]).toMatchObject({ kind: 'closeFailed', code: 'DAILY_AMOUNT_MISSING', closeId: 'gavleborg-2021-03', step: 'freeze', message: expect.stringContaining('2021') });
    expect(alerts[0]!.deliveries.map((d) => d.channel).sort()).toEqual(['email', 'email', 'webhook']);
    expect((await h.describe()).status.name).toBe('FAILED');

    // the administrator sets the amount; the billing officer starts the close again (a failed close may be restarted)
    await setDailyAmount(ledger.db, 2021, 9_000_00, 'test', 'admin');
    const again = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue, workflowId, args: [input(gavleborg, '2021-03')], workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY });
    const v = await eventually(async () => { const s = await again.query(closeQuery); return s.phase === 'review' ? s : undefined; }, 'the review to open');
    expect(v.ruleSetId).toBe('gavleborg-2019');
    await again.terminate('test done');
  });

  it('the reported poison pill (a ready date after the discharge, written before the fix) no longer fails the close: it freezes, 0 days, flagged', async () => {
    const month = '2019-05';
    const discharged = (id: string, readyDate: string, end: string, sentAt: string) =>
      episode({
        episodeId: id, region: 'gavleborg', residenceMunicipality: '2180', status: 'discharged', readyDate, dischargedAt: `${end}T10:00:00.000Z`, dischargeDate: end,
        readyPeriods: [{ seq: 1, readyDate, endedDate: end, endReason: 'DISCHARGED', withdrawalReason: null }],
        messages: [{ messageId: `${id}-ready`, type: 'readyForDischarge', version: 1, sender: { kind: 'inpatient', id: 'SE2321000115-HALM1' }, sentAt, recordedAt: sentAt }],
        obligations: [], deviations: [],
      });
    // marked ready on 5 May with the ready date 25 May, discharged on 15 May
    await upsertEpisode(ledger.db, discharged('poison-pill', `${month}-25`, `${month}-15`, `${month}-05T09:00:00.000Z`));
    await upsertEpisode(ledger.db, discharged('ordinary', `${month}-02`, `${month}-12`, `${month}-02T09:00:00.000Z`)); // 10 days: individual, 3
    const before = smtp.inbox.items.length;
    const h = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue, workflowId: monthlyCloseWorkflowId('gavleborg', month), args: [input(gavleborg, month)] });
    const v = await eventually(async () => { const s = await h.query(closeQuery); return s.phase === 'review' ? s : undefined; }, 'the review to open');
    expect(v.preliminary).toMatchObject({ ruleSetId: 'gavleborg-2019', totalOre: 3 * 7_800_00, cannotCompute: [] });
    expect(v.preliminary!.municipalities.find((m) => m.municipality === '2180')).toMatchObject({ lines: 2, reviews: 1, cannotCompute: 0 });
    const lines = (await recompute(ledger.db, `gavleborg-${month}`, new Map())).municipalities.flatMap((m) => m.lines);
    expect(lines.find((l) => l.episodeId === 'poison-pill')).toMatchObject({ readyDays: 0, amountOre: 0, review: expect.stringContaining('counted 0 days') });
    // nothing failed, nobody was alerted
    expect(smtp.inbox.items).toHaveLength(before);
    expect((await listBillingAlerts(ledger.db, 'gavleborg')).filter((a) => a.month === month)).toEqual([]);
    await h.terminate('test done');
  });

  it('an episode the engine cannot compute is listed as cannot compute with its reason and a review flag, the rest of the month is computed, and the billing contacts are told', async () => {
    const month = '2019-07';
    const discharged = (id: string, municipality: string) =>
      episode({
        episodeId: id, region: 'gavleborg', residenceMunicipality: municipality, status: 'discharged', readyDate: `${month}-02`, dischargedAt: `${month}-12T10:00:00.000Z`, dischargeDate: `${month}-12`,
        readyPeriods: [{ seq: 1, readyDate: `${month}-02`, endedDate: `${month}-12`, endReason: 'DISCHARGED', withdrawalReason: null }],
        messages: [{ messageId: `${id}-ready`, type: 'readyForDischarge', version: 1, sender: { kind: 'inpatient', id: 'SE2321000115-HALM1' }, sentAt: `${month}-02T09:00:00.000Z`, recordedAt: `${month}-02T09:00:00.000Z` }],
        obligations: [], deviations: [],
      });
    // a row no rule can bill: it has no municipality (whatever a ledger holds must not stop the close)
    await upsertEpisode(ledger.db, discharged('no-municipality', ''));
    await upsertEpisode(ledger.db, discharged('ordinary-july', '2180')); // 10 days: individual, 3
    const mailsBefore = smtp.inbox.items.length;
    const h = await env.client.workflow.start<MonthlyCloseWorkflow>(monthlyCloseWorkflowType, { taskQueue, workflowId: monthlyCloseWorkflowId('gavleborg', month), args: [input(gavleborg, month)] });
    const v = await eventually(async () => { const s = await h.query(closeQuery); return s.phase === 'review' ? s : undefined; }, 'the review to open');
    expect(v.preliminary).toMatchObject({
      ruleSetId: 'gavleborg-2019', totalOre: 3 * 7_800_00,
      cannotCompute: [{ episodeId: 'no-municipality', code: 'EPISODE_MALFORMED', reason: expect.stringMatching(/municipality/), review: 'billingOfficer' }],
    });
    expect(v.preliminary!.municipalities.find((m) => m.municipality === '2180')).toMatchObject({ lines: 1, totalOre: 3 * 7_800_00 });
    expect(v.timeline.map((t) => t.action)).toContain('cannotCompute');
    // the billing officers and administrators: an alert naming the episode, e-mailed to both
    const [alert] = await eventually(async () => { const a = (await listBillingAlerts(ledger.db, 'gavleborg')).filter((x) => x.month === month); return a.length ? a : undefined; }, 'the cannot-compute alert');
    expect(alert).toMatchObject({ kind: 'cannotCompute', code: 'CANNOT_COMPUTE', episodeIds: ['no-municipality'] });
    await smtp.inbox.waitFor((all) => all.length >= mailsBefore + 2, 'the alert e-mails');
    const to = smtp.inbox.items.slice(mailsBefore).flatMap((m) => m.to);
    expect(to).toEqual(expect.arrayContaining(['debitering@gavleborg.example', 'forvaltning@gavleborg.example']));
    await h.terminate('test done');
  });
});
