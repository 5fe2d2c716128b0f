/**
 * The escalation ladder reaches people (docs/domain.md §6). The ProcessRuntime calls
 * `recordNotifications` for every reminder and escalation (its name is kept so recorded
 * histories replay): it records the notification, resolves the recipients from the region's
 * configuration (src/domain/escalation.ts) and delivers per channel.
 *
 * Idempotency: each (notification id, recipient, channel address) is one row in
 * `notification_deliveries`; a delivered row is never sent again, so when one channel fails and
 * Temporal retries the activity (with backoff: the workflow's retry policy), only the failed
 * deliveries are attempted again. After `maxAttempts` the failure is recorded (status `failed`,
 * with the error) and the activity completes, so a dead receiver never stalls the process.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { channelAddress, DEFAULT_ESCALATION, escalationRecipients, reminderRecipients, type Channel, type EscalationConfig, type Recipient } from '../src/domain/escalation';
import { addClockHours, localDateOf } from '../src/domain/local-date';
import type { Region } from '../src/domain/regions';
import type { LedgerStore } from '../src/db/ledger';
import { digestFor, markDelivery, markNotificationsDelivered, pendingDeliveries, type DeliveryKey } from '../src/db/escalation';
import { recordNotifications, type NotificationRecord } from '../src/db/operations';
import { sendEmail, sendWebhook, type OutgoingMessage } from './channels';

export interface NotifyDeps {
  regions: Region[];
  smtpUrl?: string;
  from: string;
  /** webhook keys are read from here by the channel's `secretEnv` (default: process.env) */
  env?: Record<string, string | undefined>;
  /** attempts before a delivery is recorded as failed (default 10: about ten minutes of backoff) */
  maxAttempts?: number;
}

const PROCESS_SV: Record<string, string> = { discharge: 'utskrivning', homeHealthCare: 'hemsjukvård', singleHomeVisit: 'enstaka hembesök' };

const deliveryId = (k: DeliveryKey) => `${k.notificationId}:${createHash('sha256').update(`${k.recipientKey}\n${k.address}`).digest('hex').slice(0, 16)}`;

function noteMessage(n: NotificationRecord, r: Recipient): Omit<OutgoingMessage, 'deliveryId'> {
  const what = n.kind === 'reminder' ? 'Påminnelse (reminder)' : n.kind === 'escalation' ? 'Eskalering till koordinator (escalation)' : 'Avvikelsen återkallad (deviation withdrawn)';
  const subject = `${what}: avvikelse ${n.deviationType} — ${PROCESS_SV[n.processType] ?? n.processType}`;
  const text = [
    `${what}`,
    `Avvikelse (deviation): ${n.deviationType}`,
    `Process: ${n.processType} ${n.processId}`,
    `Ansvarig enhet (responsible): ${n.recipientKind} ${n.recipientId}`,
    `Region: ${n.region}`,
    ...(n.kind === 'withdrawal' ? ['En efterregistrering visar att tidsgränsen hölls: avvikelsen har aldrig funnits och räknas inte (a back-registered action shows the deadline was met).'] : []),
    n.kind === 'escalation' ? `Se koordinatorns inkorg: GET /api/coordinators/{organisation}/inbox` : `Se enhetens arbetslista: GET /api/units/${n.recipientId}/inbox`,
  ].join('\n');
  return {
    subject,
    text,
    payload: {
      event: n.kind === 'reminder' ? 'deviation.reminder' : n.kind === 'escalation' ? 'deviation.escalated' : 'deviation.withdrawn',
      notificationId: n.notificationId,
      recipient: r.recipientKey,
      region: n.region,
      processType: n.processType,
      processId: n.processId,
      deviationId: n.deviationId,
      deviationType: n.deviationType,
      responsible: { kind: n.recipientKind, id: n.recipientId },
      createdAt: n.createdAt,
    },
  };
}

/** One delivery: a notification to one recipient on one channel, and what is sent. */
export interface Delivery {
  key: DeliveryKey;
  channel: Channel;
  message: Omit<OutgoingMessage, 'deliveryId'>;
}

/** Sends one message on its channel: e-mail over SMTP, or a webhook signed with the key `secretEnv` names. */
async function send(deps: NotifyDeps, channel: Channel, m: OutgoingMessage): Promise<void> {
  if (channel.type === 'email') return sendEmail(deps.smtpUrl, deps.from, channel.to, m);
  const key = (deps.env ?? process.env)[channel.secretEnv];
  if (!key) throw new Error(`webhook key ${channel.secretEnv} is not set`);
  return sendWebhook(channel.url, key, m);
}

/**
 * Delivers what is pending of these deliveries (a delivered one is never sent again); throws
 * (retryable) while some fail and attempts remain; after `maxAttempts` records them as failed.
 * Shared by reminders, escalations, withdrawals, digests and the monthly close's alerts.
 */
export async function deliverOnChannels(ledger: LedgerStore, deps: NotifyDeps, items: Delivery[], attempt: number): Promise<number> {
  const maxAttempts = deps.maxAttempts ?? 10;
  const pending = await pendingDeliveries(ledger.db, items.map((i) => i.key));
  const pendingKeys = new Set(pending.map((p) => `${p.notification_id}\n${p.recipient_key}\n${p.address}`));
  const failures: string[] = [];
  let delivered = 0;
  for (const i of items) {
    if (!pendingKeys.has(`${i.key.notificationId}\n${i.key.recipientKey}\n${i.key.address}`)) continue; // delivered before: never twice
    try {
      await send(deps, i.channel, { deliveryId: deliveryId(i.key), ...i.message });
      await markDelivery(ledger.db, i.key, { ok: true, at: new Date().toISOString() });
      delivered += 1;
    } catch (err) {
      const error = (err as Error).message;
      await markDelivery(ledger.db, i.key, { ok: false, error, final: attempt >= maxAttempts });
      failures.push(`${i.key.channel} ${i.key.recipientKey}: ${error}`);
    }
  }
  if (failures.length && attempt < maxAttempts) {
    // Temporal retries the activity with backoff; what was delivered is skipped next time
    throw ApplicationFailure.retryable(`${failures.length} delivery(ies) failed: ${failures.join('; ')}`, 'DELIVERY_FAILED');
  }
  return delivered;
}

export function createNotificationActivities(ledger: LedgerStore, deps: NotifyDeps) {
  const escalationOf = (region: string): EscalationConfig => deps.regions.find((r) => r.id === region)?.escalation ?? DEFAULT_ESCALATION;

  const deliverAll = (items: Delivery[]) => deliverOnChannels(ledger, deps, items, activityAttempt());

  return {
    /** Reminders and escalations (§6 ladder): recorded, then delivered to the configured recipients. */
    async recordNotifications(notes: NotificationRecord[]): Promise<void> {
      await recordNotifications(ledger.db, notes);
      const items = notes.flatMap((n) => {
        const cfg = escalationOf(n.region);
        const unit = { kind: n.recipientKind as never, id: n.recipientId };
        const recipients = recipientsOf(n, cfg, unit);
        return recipients.map((r) => ({
          key: { notificationId: n.notificationId, recipientKey: r.recipientKey, address: channelAddress(r.channel), channel: r.channel.type },
          channel: r.channel,
          message: noteMessage(n, r),
        }));
      });
      await deliverAll(items);
      await markNotificationsDelivered(ledger.db, notes.map((n) => n.notificationId), new Date().toISOString());
    },

    /**
     * The coordinators' daily digest of one region (§6): per organisation, its open escalations
     * and what falls due within the digest horizon, to every coordinator on every channel.
     * One digest per coordinator and local day: the schedule firing twice sends it once.
     */
    async sendCoordinatorDigests(region: string, at?: string): Promise<{ delivered: number; organisations: number }> {
      const cfg = escalationOf(region);
      const now = new Date(at ?? Date.now());
      const day = localDateOf(now);
      const until = addClockHours(now, cfg.digestHorizonHours).toISOString();
      const items: Delivery[] = [];
      let organisations = 0;
      for (const org of cfg.organisations.filter((o) => o.coordinators.length > 0)) {
        organisations += 1;
        const d = await digestFor(ledger.db, org, now.toISOString(), until);
        const subject = `Daglig sammanställning (daily digest) ${day} — ${org.name}: ${d.escalatedCount} eskalerade avvikelser, ${d.dueSoonCount} förfaller inom ${cfg.digestHorizonHours} h`;
        const text = [
          subject,
          '',
          `Öppna eskalerade avvikelser (open escalations): ${d.escalatedCount}`,
          ...d.escalations.map((e) => `- ${e.type} ${e.process_type} ${e.process_id} — ansvarig ${e.responsible_kind} ${e.responsible_id}, missad tidsgräns ${e.deadline_at}${e.escalation_acknowledged_at ? ' (kvitterad)' : ''}`),
          '',
          `Förfaller snart (about to fall due): ${d.dueSoonCount}`,
          ...d.dueSoon.map((o) => `- ${o.kind} ${o.process_type} ${o.process_id} — ${o.responsible_kind} ${o.responsible_id}, senast ${o.due_at}`),
        ].join('\n');
        const payload = { event: 'coordinator.digest', region, organisation: org.id, date: day, escalatedCount: d.escalatedCount, dueSoonCount: d.dueSoonCount, escalations: d.escalations.map((e) => ({ deviationId: e.deviation_id, type: e.type, processType: e.process_type, processId: e.process_id, deadlineAt: e.deadline_at, acknowledged: !!e.escalation_acknowledged_at })), dueSoon: d.dueSoon.map((o) => ({ kind: o.kind, processType: o.process_type, processId: o.process_id, responsible: { kind: o.responsible_kind, id: o.responsible_id }, dueAt: o.due_at })) };
        for (const c of org.coordinators) {
          for (const channel of c.channels) {
            items.push({
              key: { notificationId: `digest:${region}:${org.id}:${day}`, recipientKey: `coordinator:${org.id}/${c.id}`, address: channelAddress(channel), channel: channel.type },
              channel,
              message: { subject, text, payload: { ...payload, recipient: `coordinator:${org.id}/${c.id}` } },
            });
          }
        }
      }
      return { delivered: await deliverAll(items), organisations };
    },
  };
}

/**
 * Who a notification goes to: a reminder to the responsible unit's recipients, an escalation to
 * the coordinators; a withdrawal to everyone the deviation had reached (docs/domain.md §4 Downtime).
 */
function recipientsOf(n: NotificationRecord, cfg: EscalationConfig, unit: Parameters<typeof reminderRecipients>[1]): Recipient[] {
  if (n.kind === 'reminder') return reminderRecipients(cfg, unit);
  if (n.kind === 'escalation') return escalationRecipients(cfg, unit);
  const reached = [...reminderRecipients(cfg, unit), ...(n.reached === 'escalated' ? escalationRecipients(cfg, unit) : [])];
  return reached.filter((r, i) => reached.findIndex((x) => x.recipientKey === r.recipientKey && channelAddress(x.channel) === channelAddress(r.channel)) === i);
}

export function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // called outside an activity (scripts)
  }
}
