/**
 * The escalation ladder reaches people (docs/domain.md §6), on the time-skipping server with the real
 * activities, the real ledger, a real SMTP server and a real HTTP receiver: a missed deadline
 * e-mails the responsible unit (reminder); a weekday later the coordinators get an e-mail and a
 * signed webhook (escalation). A receiver outage makes Temporal retry the activity, and the retry
 * delivers only what failed: nothing is sent twice. The daily digest goes out the same way, once
 * per coordinator and day.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { closeTransports, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../activities/channels';
import { deliveriesOf } from '../../src/db/escalation';
import type { LedgerStore } from '../../src/db/ledger';
import { admissionNoticeAfterFirstRound } from '../../src/domain/calendar';
import { DEFAULT_REGIONS, RegionSchema } from '../../src/domain/regions';
import { coordinatorDigestWorkflowType, type CoordinatorDigestWorkflow } from '../../workflows/coordinator-digest/contract';
import { Episode, episodeInput, eventually, sleepUntil, UNITS } from '../helpers/discharge';
import { VisitOrder, visitInput } from '../helpers/home-care';
import { acknowledgementDeadline, addWeekdays, endOfLocalDay, localDateOf } from '../../src/domain/calendar';
import { coordinatorUpdates } from '../../workflows/shared/coordinator-contract';
import { openTestLedger } from '../helpers/ledger';
import { startHttpReceiver, startSmtpServer } from '../helpers/receivers';
import { expectEveryHistoryReplays, startWorker, timeSkippingEnv } from '../helpers/temporal';

const KEY = 'test-webhook-key-0123456789abcdef';
let env: TestWorkflowEnvironment;
let ledger: LedgerStore;
let worker: Worker;
let taskQueue: string;
let run: Promise<void>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;

beforeAll(async () => {
  // one at a time: the Java test server must start within the SDK's 5 s on a busy 2-core machine
  env = await timeSkippingEnv();
  ledger = await openTestLedger();
  [smtp, http] = await Promise.all([startSmtpServer(), startHttpReceiver()]);
  const halland = RegionSchema.parse({
    ...DEFAULT_REGIONS[0],
    escalation: {
      organisations: [
        {
          id: 'region-halland',
          name: 'Region Halland',
          unitPrefixes: ['SE2321000115-'],
          reminderChannels: [{ type: 'email', to: 'vardenheter@halland.example' }],
          unitChannels: { [UNITS.inpatient]: [{ type: 'email', to: 'avd1@halland.example' }] },
          coordinators: [{ id: 'koord-1', name: 'Koordinator Ett', channels: [{ type: 'email', to: 'koord1@halland.example' }, { type: 'webhook', url: `${http.url}/hook`, secretEnv: 'TEST_WEBHOOK_KEY' }] }],
        },
        { id: 'kommun-1380', name: 'Halmstads kommun', municipalities: ['1380'], escalationWeekdays: 2, coordinators: [{ id: 'koord-k', name: 'Kommunkoordinator', channels: [{ type: 'email', to: 'koord@halmstad.example' }] }] },
      ],
    },
  });
  const started = await startWorker(env, {
    ledger,
    calendar: { invitationCutoff: '14:00' },
    notify: { regions: [halland, DEFAULT_REGIONS[1]], smtpUrl: smtp.url, from: 'utskrivning@halland.example', env: { TEST_WEBHOOK_KEY: KEY } },
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

const dateAfter = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const mailsTo = (address: string, notificationId: string) => smtp.inbox.items.filter((m) => m.to.includes(address) && (m.header('X-Utskrivning-Delivery') ?? '').startsWith(notificationId));

describe('escalation ladder delivered by e-mail and signed webhook', () => {
  it('reminder to the unit, escalation to the coordinator; a failed webhook is retried without notifying twice', async () => {
    const admittedAt = new Date(await env.currentTimeMs()).toISOString();
    const e = await Episode.start(env, taskQueue, episodeInput({ admittedAt, patient: { kind: 'personnummer', value: '19121212-1212' } }));
    const due = admissionNoticeAfterFirstRound(new Date(admittedAt)).at.toISOString();

    // ladder step 1: the deadline passes → a reminder e-mail to the unit's own mailbox
    await sleepUntil(env, plus(due, 1000));
    const d = await eventually(async () => (await e.state()).deviations.find((x) => x.type === 'ADMISSION_NOTICE_LATE'), 'deviation');
    const reminderId = `${d.deviationId}:remind`;
    await smtp.inbox.waitFor(() => mailsTo('avd1@halland.example', reminderId).length === 1, 'reminder e-mail');
    expect(mailsTo('vardenheter@halland.example', reminderId)).toEqual([]); // the unit's own channel wins
    expect(http.inbox.items).toEqual([]); // coordinators are not bothered by a reminder

    // ladder step 2: a weekday later → the coordinator; the receiver is down for the first request
    http.failNext(1);
    await sleepUntil(env, plus(d.escalateAt!, 1000));
    const escalationId = `${d.deviationId}:escalate`;
    const hooks = await http.inbox.waitFor((all) => all.filter((r) => r.status === 200).length === 1, 'webhook delivered after a retry');
    await smtp.inbox.waitFor(() => mailsTo('koord1@halland.example', escalationId).length === 1, 'escalation e-mail');

    // the receiver saw the failed attempt and the retry: same idempotency key, valid signatures
    expect(hooks.map((h) => h.status)).toEqual([500, 200]);
    expect(new Set(hooks.map((h) => h.headers['idempotency-key'])).size).toBe(1);
    for (const h of hooks) {
      const ok = verifyWebhook(KEY, { timestamp: h.headers[TIMESTAMP_HEADER], signature: h.headers[SIGNATURE_HEADER] }, h.body, Math.floor(Date.now() / 1000));
      expect(ok).toBe(true);
      expect(verifyWebhook('another-key-0123456789abcdef', { timestamp: h.headers[TIMESTAMP_HEADER], signature: h.headers[SIGNATURE_HEADER] }, h.body, Math.floor(Date.now() / 1000))).toBe(false);
    }
    expect(JSON.parse(hooks[1].body)).toMatchObject({ event: 'deviation.escalated', notificationId: escalationId, deviationId: d.deviationId, deviationType: 'ADMISSION_NOTICE_LATE', processType: 'discharge', responsible: { kind: 'inpatient', id: UNITS.inpatient } });
    // no patient data in what leaves the system: no form of the patient's personnummer (a
    // personnummer-shaped regex would also match digits inside the random UUIDs the body carries)
    for (const form of ['19121212-1212', '191212121212', '121212-1212', '1212121212']) expect(hooks[1].body).not.toContain(form);

    // delivery status in the ledger: the e-mail went once (the retry skipped it), the webhook on attempt 2
    const rows = await eventually(async () => {
      const r = await deliveriesOf(ledger.db, [reminderId, escalationId]);
      return r.length === 3 && r.every((x) => x.status === 'delivered') ? r : undefined;
    }, 'delivery rows');
    const byAddress = Object.fromEntries(rows.map((r) => [`${r.notification_id}|${r.address}`, r]));
    expect(byAddress[`${escalationId}|email:koord1@halland.example`]).toMatchObject({ attempts: 1, recipient_key: 'coordinator:region-halland/koord-1' });
    expect(byAddress[`${escalationId}|webhook:${http.url}/hook`]).toMatchObject({ attempts: 2, last_error: null });
    expect(byAddress[`${reminderId}|email:avd1@halland.example`]).toMatchObject({ attempts: 1, recipient_key: `unit:${UNITS.inpatient}` });
    expect(mailsTo('koord1@halland.example', escalationId)).toHaveLength(1);
    const notes = await ledger.db.selectFrom('notifications').select(['notification_id', 'delivered_at']).where('deviation_id', '=', d.deviationId).execute();
    expect(notes.every((n) => n.delivered_at !== null)).toBe(true);

    // the daily digest: the open escalation, once per coordinator and day (a second run sends nothing)
    const before = { mails: smtp.inbox.items.length, hooks: http.inbox.items.length };
    const first = await env.client.workflow.execute<CoordinatorDigestWorkflow>(coordinatorDigestWorkflowType, { taskQueue, workflowId: `digest-test-${d.deviationId}`, args: [{ region: 'halland' }] });
    expect(first).toEqual({ delivered: 3, organisations: 2 }); // the region's coordinator (e-mail, webhook), the municipality's (e-mail)
    const [digestHook] = (await http.inbox.waitFor((all) => all.length === before.hooks + 1, 'digest webhook')).slice(before.hooks);
    expect(JSON.parse(digestHook.body)).toMatchObject({ event: 'coordinator.digest', organisation: 'region-halland', escalatedCount: 1, escalations: [expect.objectContaining({ deviationId: d.deviationId, acknowledged: false })] });
    await smtp.inbox.waitFor((all) => all.length === before.mails + 2, 'digest e-mails');
    // the same day again (the schedule fired twice, or a retry): nothing is sent
    const day = JSON.parse(digestHook.body).date as string;
    const again = await env.client.workflow.execute<CoordinatorDigestWorkflow>(coordinatorDigestWorkflowType, { taskQueue, workflowId: `digest-test-again-${d.deviationId}`, args: [{ region: 'halland', at: `${day}T12:00:00+01:00` }] });
    expect(again).toEqual({ delivered: 0, organisations: 2 });
    expect(http.inbox.items).toHaveLength(before.hooks + 1);
    expect(smtp.inbox.items).toHaveLength(before.mails + 2);
  });

  it('a single home visit left unanswered reaches the municipality’s coordinator; the shared coordinator Updates work on it too', async () => {
    const orderedAt = new Date(await env.currentTimeMs()).toISOString();
    const startDate = localDateOf(new Date(orderedAt));
    const o = await VisitOrder.start(env, taskQueue, visitInput({ orderedAt, startDate, endDate: dateAfter(startDate, 30) }));
    const due = acknowledgementDeadline(new Date(orderedAt)).at.toISOString();
    await sleepUntil(env, plus(due, 1000));
    const devs = await eventually(async () => { const d = (await o.state()).deviations; return d.length === 2 ? d : undefined; }, 'deviations');
    // the municipality's organisation escalates after 2 weekdays (its own period), not the region's 1
    const dueDay = (await o.state()).obligations[0].dueLocalDate;
    expect(devs.map((d) => d.escalateAt)).toEqual([endOfLocalDay(addWeekdays(dueDay, 2)).toISOString(), endOfLocalDay(addWeekdays(dueDay, 2)).toISOString()]);
    await sleepUntil(env, plus(devs[0].escalateAt!, -1000));
    expect((await o.state()).deviations.map((d) => d.escalation)).toEqual(['reminded', 'reminded']);
    await sleepUntil(env, plus(devs[0].escalateAt!, 1000));
    await eventually(async () => (await o.state()).deviations.every((d) => d.escalation === 'escalated'), 'escalation');
    const unanswered = devs.find((d) => d.type === 'ORDER_UNANSWERED')!;
    await smtp.inbox.waitFor(() => mailsTo('koord@halmstad.example', `${unanswered.deviationId}:escalate`).length === 1, 'municipal coordinator e-mail');

    const actor = { userId: 'koord-k', organisation: 'kommun-1380' };
    const ack = await o.handle.executeUpdate(coordinatorUpdates.acknowledgeEscalation, { args: [{ type: 'acknowledgeEscalation', deviationId: unanswered.deviationId, actor }] });
    expect(ack.deviation).toMatchObject({ escalationAcknowledgedBy: 'koord-k' });
    const closed = await o.handle.executeUpdate(coordinatorUpdates.resolveDeviation, { args: [{ type: 'resolveDeviation', deviationId: unanswered.deviationId, resolution: 'ACTION_TAKEN', comment: 'Hemsjukvården kontaktad', actor }] });
    expect(closed.deviation).toMatchObject({ status: 'closed', resolution: 'ACTION_TAKEN', closedBy: 'koord-k' });
    const refused = await o.handle.executeUpdate(coordinatorUpdates.resolveDeviation, { args: [{ type: 'resolveDeviation', deviationId: unanswered.deviationId, resolution: 'OTHER', comment: 'igen', actor }] }).catch((e) => e.cause?.type);
    expect(refused).toBe('DEVIATION_CLOSED');
    const s = await o.state();
    expect(s.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['acknowledgeEscalation', 'resolveDeviation']));
    expect(s.timeline.filter((e) => e.action === 'resolveDeviation')).toHaveLength(1);
  });
});

describe('a withdrawal reaches whoever the deviation reached (docs/domain.md §4 Downtime)', () => {
  it('a withdrawn deviation (a back-registration showed the deadline was met) is withdrawn on every channel it reached: unit, coordinator e-mail and webhook', async () => {
    const admittedAt = new Date(await env.currentTimeMs()).toISOString();
    const e = await Episode.start(env, taskQueue, episodeInput({ admittedAt }));
    const due = admissionNoticeAfterFirstRound(new Date(admittedAt)).at.toISOString();
    await sleepUntil(env, plus(due, 1000));
    const d = await eventually(async () => (await e.state()).deviations.find((x) => x.type === 'ADMISSION_NOTICE_LATE'), 'deviation');
    await sleepUntil(env, plus(d.escalateAt!, 1000));
    await smtp.inbox.waitFor(() => mailsTo('koord1@halland.example', `${d.deviationId}:escalate`).length === 1, 'escalation e-mail');
    const hooksBefore = http.inbox.items.length;

    // the notice had gone out on paper within the deadline: back-registered now
    const s = await e.act('admissionNotice', { expectedReadyDate: localDateOf(new Date(admittedAt)), occurredAt: plus(admittedAt, 3_600_000) });
    expect(s.deviations.find((x) => x.deviationId === d.deviationId)?.status).toBe('withdrawn');
    const withdrawalId = `${d.deviationId}:withdrawal`;
    await smtp.inbox.waitFor(() => mailsTo('avd1@halland.example', withdrawalId).length === 1 && mailsTo('koord1@halland.example', withdrawalId).length === 1, 'withdrawal e-mails');
    expect(mailsTo('avd1@halland.example', withdrawalId)[0]!.header('Subject')).toMatch(/withdrawn/); // (the Swedish word is MIME-encoded in the header)
    const [hook] = (await http.inbox.waitFor((all) => all.length === hooksBefore + 1, 'withdrawal webhook')).slice(hooksBefore);
    expect(JSON.parse(hook!.body)).toMatchObject({ event: 'deviation.withdrawn', notificationId: withdrawalId, deviationId: d.deviationId });
  });
});
