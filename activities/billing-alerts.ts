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
import { billingAlertMessage, billingAlertRecipients, type BillingAlert } from '../src/domain/billing/alerts';
import { channelAddress } from '../src/domain/escalation';
import type { LedgerStore } from '../src/db/ledger';
import { recordBillingAlert } from '../src/db/billing-alerts';
import { markNotificationsDelivered, type DeliveryKey } from '../src/db/escalation';
import { activityAttempt, deliverOnChannels, type Delivery, type NotifyDeps } from './notifications';

export interface BillingAlertResult {
  alertId: string;
  recipients: number;
  delivered: number;
}

/** Records and delivers one alert; throws (retryable) while deliveries fail and attempts remain. */
export async function deliverBillingAlert(ledger: LedgerStore, deps: NotifyDeps, alert: BillingAlert, attempt = activityAttempt()): Promise<BillingAlertResult> {
  const alertId = await recordBillingAlert(ledger.db, alert);
  const contacts = deps.regions.find((r) => r.id === alert.region)?.billingContacts ?? [];
  const message = billingAlertMessage(alert);
  const items: Delivery[] = billingAlertRecipients(contacts).map((r) => ({
    key: { notificationId: alertId, recipientKey: r.recipientKey, address: channelAddress(r.channel), channel: r.channel.type } satisfies DeliveryKey,
    channel: r.channel,
    message: { subject: message.subject, text: message.text, payload: { ...message.payload, recipient: r.recipientKey } },
  }));
  // the same delivery as reminders and escalations: pending rows only, retried with backoff
  const delivered = await deliverOnChannels(ledger, deps, items, attempt);
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
