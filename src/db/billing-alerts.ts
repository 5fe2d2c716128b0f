/**
 * The monthly close's alerts in the ledger (src/domain/billing/alerts.ts, migration 0010): the
 * alert itself in `billing_alerts` (sentence, episodes at fault), and one `notifications` row per
 * alert (process type monthlyClose, kind billingAlert) whose deliveries per contact and channel go
 * through `notification_deliveries` like every reminder and escalation. Idempotent by the alert's id.
 */
import type { Kysely } from 'kysely';
import { billingAlertId, type BillingAlert } from '../domain/billing/alerts';
import type { Database } from './schema';

type Db = Kysely<Database>;

export const BILLING_ALERT_KIND = 'billingAlert';

/** Records the alert once (the same alert again changes nothing); returns its id. */
export async function recordBillingAlert(db: Db, a: BillingAlert): Promise<string> {
  const id = billingAlertId(a);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('billing_alerts')
      .values({
        alert_id: id, region: a.region, month: a.month, close_id: a.closeId, run_id: a.runId, kind: a.kind, step: a.step,
        code: a.code, message: a.message, episode_ids: JSON.stringify(a.episodeIds), created_at: a.at,
      })
      .onConflict((oc) => oc.column('alert_id').doNothing())
      .execute();
    await trx
      .insertInto('notifications')
      .values({
        notification_id: id,
        process_type: 'monthlyClose' as never,
        process_id: a.closeId,
        region: a.region,
        // what the note is about: the close's step, and the code as its type
        deviation_id: `${a.closeId}:${a.step}`,
        deviation_type: a.code,
        kind: BILLING_ALERT_KIND as never,
        recipient_kind: 'billingOfficersAndAdministrators',
        recipient_id: a.region,
        created_at: a.at,
        delivered_at: null,
      })
      .onConflict((oc) => oc.column('notification_id').doNothing())
      .execute();
  });
  return id;
}

/** The region's billing alerts, newest first, with how far their deliveries got. */
export async function listBillingAlerts(db: Db, region: string, limit = 100) {
  const rows = await db.selectFrom('billing_alerts').selectAll().where('region', '=', region).orderBy('created_at', 'desc').orderBy('alert_id').limit(limit).execute();
  const ids = rows.map((r) => r.alert_id);
  const deliveries = ids.length ? await db.selectFrom('notification_deliveries').selectAll().where('notification_id', 'in', ids).orderBy('recipient_key').execute() : [];
  return rows.map((r) => ({
    alertId: r.alert_id,
    region: r.region,
    month: r.month,
    closeId: r.close_id,
    runId: r.run_id,
    kind: r.kind,
    step: r.step,
    code: r.code,
    message: r.message,
    episodeIds: JSON.parse(r.episode_ids) as string[],
    createdAt: new Date(r.created_at).toISOString(),
    deliveries: deliveries
      .filter((d) => d.notification_id === r.alert_id)
      .map((d) => ({ recipient: d.recipient_key, channel: d.channel, status: d.status, attempts: d.attempts, lastError: d.last_error, deliveredAt: d.delivered_at ? new Date(d.delivered_at).toISOString() : null })),
  }));
}
