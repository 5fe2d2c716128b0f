/**
 * The monthly close's alerts reach the region's billing officers and administrators (issue 15):
 * recorded in the ledger (src/db/billing-alerts.ts, listed by GET /api/billing/alerts) and
 * delivered to the region's `billingContacts` over the escalation ladder's channels (e-mail,
 * signed webhook: ./channels.ts), one `notification_deliveries` row per contact and channel.
 *
 * Idempotency as for reminders and escalations (./notifications.ts): a delivered row is never sent
 * again; while a delivery fails and attempts remain the activity fails (retryable) and Temporal
 * retries with backoff, sending only what is still pending; after `maxAttempts` the failure is
 * recorded (status `failed`) and the activity completes.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { billingAlertMessage, billingAlertRecipients, type BillingAlert } from '../src/domain/billing/alerts';
import { channelAddress, type Channel } from '../src/domain/escalation';
import type { LedgerStore } from '../src/db/ledger';
import { recordBillingAlert } from '../src/db/billing-alerts';
import { markDelivery, markNotificationsDelivered, pendingDeliveries, type DeliveryKey } from '../src/db/escalation';
import { sendEmail, sendWebhook, type OutgoingMessage } from './channels';
import type { NotifyDeps } from './notifications';

const deliveryId = (k: DeliveryKey) => `${k.notificationId}:${createHash('sha256').update(`${k.recipientKey}\n${k.address}`).digest('hex').slice(0, 16)}`;

function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (scripts, the freeze activity's own alert)
  }
}

export interface BillingAlertResult {
  alertId: string;
  recipients: number;
  delivered: number;
}

/** Records and delivers one alert; throws (retryable) while deliveries fail and attempts remain. */
export async function deliverBillingAlert(ledger: LedgerStore, deps: NotifyDeps, alert: BillingAlert, attempt = activityAttempt()): Promise<BillingAlertResult> {
  const env = deps.env ?? process.env;
  const maxAttempts = deps.maxAttempts ?? 10;
  const alertId = await recordBillingAlert(ledger.db, alert);
  const contacts = deps.regions.find((r) => r.id === alert.region)?.billingContacts ?? [];
  const message = billingAlertMessage(alert);
  const items = billingAlertRecipients(contacts).map((r) => ({
    key: { notificationId: alertId, recipientKey: r.recipientKey, address: channelAddress(r.channel), channel: r.channel.type } satisfies DeliveryKey,
    channel: r.channel,
  }));
  const send = async (channel: Channel, m: OutgoingMessage): Promise<void> => {
    if (channel.type === 'email') return sendEmail(deps.smtpUrl, deps.from, channel.to, m);
    const key = env[channel.secretEnv];
    if (!key) throw new Error(`webhook key ${channel.secretEnv} is not set`);
    return sendWebhook(channel.url, key, m);
  };
  const pending = new Set((await pendingDeliveries(ledger.db, items.map((i) => i.key))).map((p) => `${p.recipient_key}\n${p.address}`));
  const failures: string[] = [];
  let delivered = 0;
  for (const i of items) {
    if (!pending.has(`${i.key.recipientKey}\n${i.key.address}`)) continue; // delivered before: never twice
    try {
      await send(i.channel, { deliveryId: deliveryId(i.key), subject: message.subject, text: message.text, payload: { ...message.payload, recipient: i.key.recipientKey } });
      await markDelivery(ledger.db, i.key, { ok: true, at: new Date().toISOString() });
      delivered += 1;
    } catch (err) {
      const error = (err as Error).message;
      await markDelivery(ledger.db, i.key, { ok: false, error, final: attempt >= maxAttempts });
      failures.push(`${i.key.channel} ${i.key.recipientKey}: ${error}`);
    }
  }
  if (failures.length && attempt < maxAttempts) {
    throw ApplicationFailure.retryable(`${failures.length} delivery(ies) of billing alert ${alertId} failed: ${failures.join('; ')}`, 'DELIVERY_FAILED');
  }
  await markNotificationsDelivered(ledger.db, [alertId], new Date().toISOString());
  return { alertId, recipients: items.length, delivered };
}

export function createBillingAlertActivities(ledger: LedgerStore, deps: NotifyDeps) {
  return {
    /** The monthly close's alert to the region's billing officers and administrators (issue 15). */
    async billingAlert(alert: BillingAlert): Promise<BillingAlertResult> {
      return deliverBillingAlert(ledger, deps, alert);
    },
  };
}
