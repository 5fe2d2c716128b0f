/**
 * The ledger side of escalations that reach people (docs/domain.md §6): deliveries of notifications
 * per recipient and channel (idempotent: a delivered row is never sent again), the coordinators'
 * inbox (open escalated deviations of their organisation, with the process's state and the
 * deadline missed), and the figures of their daily digest.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Organisation } from '../domain/escalation';
import type { Database, Instant } from './schema';

// ---- deliveries ------------------------------------------------------------------------------

export interface DeliveryKey {
  notificationId: string;
  recipientKey: string;
  address: string;
  channel: 'email' | 'webhook';
}

/** Creates the pending rows (existing ones are kept as they are) and returns those not yet delivered. */
export async function pendingDeliveries(db: Kysely<Database>, keys: DeliveryKey[]) {
  if (keys.length === 0) return [];
  await db
    .insertInto('notification_deliveries')
    .values(keys.map((k) => ({ notification_id: k.notificationId, recipient_key: k.recipientKey, address: k.address, channel: k.channel, status: 'pending' as const, attempts: 0, last_error: null, delivered_at: null })))
    .onConflict((oc) => oc.columns(['notification_id', 'recipient_key', 'address']).doNothing())
    .execute();
  const rows = await db
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('notification_id', 'in', [...new Set(keys.map((k) => k.notificationId))])
    .where('status', '!=', 'delivered')
    .execute();
  const wanted = new Set(keys.map((k) => `${k.notificationId}\n${k.recipientKey}\n${k.address}`));
  return rows.filter((r) => wanted.has(`${r.notification_id}\n${r.recipient_key}\n${r.address}`));
}

export async function markDelivery(db: Kysely<Database>, k: DeliveryKey, outcome: { ok: true; at: Instant } | { ok: false; error: string; final: boolean }): Promise<void> {
  await db
    .updateTable('notification_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: outcome.ok ? 'delivered' : outcome.final ? 'failed' : 'pending',
      delivered_at: outcome.ok ? outcome.at : null,
      last_error: outcome.ok ? null : outcome.error.slice(0, 500),
    }))
    .where('notification_id', '=', k.notificationId)
    .where('recipient_key', '=', k.recipientKey)
    .where('address', '=', k.address)
    .where('status', '!=', 'delivered')
    .execute();
}

/** The notification counts as delivered when it has deliveries and every one of them is delivered. */
export async function markNotificationsDelivered(db: Kysely<Database>, notificationIds: string[], at: Instant): Promise<void> {
  if (notificationIds.length === 0) return;
  await db
    .updateTable('notifications')
    .set({ delivered_at: at })
    .where('notification_id', 'in', notificationIds)
    .where('delivered_at', 'is', null)
    // at least one delivery (a notification nobody is configured to receive stays undelivered), all of them done
    .where(({ and, not, exists, selectFrom }) =>
      and([
        exists(selectFrom('notification_deliveries as nd').select('nd.notification_id').whereRef('nd.notification_id', '=', 'notifications.notification_id')),
        not(exists(selectFrom('notification_deliveries as nd').select('nd.notification_id').whereRef('nd.notification_id', '=', 'notifications.notification_id').where('nd.status', '!=', 'delivered'))),
      ]),
    )
    .execute();
}

export async function deliveriesOf(db: Kysely<Database>, notificationIds: string[]) {
  if (notificationIds.length === 0) return [];
  return db.selectFrom('notification_deliveries').selectAll().where('notification_id', 'in', notificationIds).orderBy('notification_id').orderBy('recipient_key').orderBy('address').execute();
}

// ---- the coordinators' inbox ----------------------------------------------------------------

/** A deviation's responsible party belongs to the organisation (config: kommunkoder, HSA-ids, HSA prefixes). */
function responsibleIn(org: Organisation) {
  return (eb: ExpressionBuilder<Database, 'deviations'>): Expression<SqlBool> => {
    const ors: Expression<SqlBool>[] = [];
    if (org.municipalities.length) ors.push(eb.and([eb('deviations.responsible_kind', '=', 'municipality'), eb('deviations.responsible_id', 'in', org.municipalities)]));
    if (org.units.length) ors.push(eb.and([eb('deviations.responsible_kind', '!=', 'municipality'), eb('deviations.responsible_id', 'in', org.units)]));
    for (const p of org.unitPrefixes) ors.push(eb.and([eb('deviations.responsible_kind', '!=', 'municipality'), eb('deviations.responsible_id', 'like', `${p.replace(/[\\%_]/g, '\\$&')}%`)]));
    return ors.length ? eb.or(ors) : sql<SqlBool>`false`;
  };
}

/** The state of the process a deviation belongs to, whichever kind of process it is. */
const processStatus = sql<string | null>`coalesce(
  (select e.status from episodes e where deviations.process_type = 'discharge' and e.episode_id = deviations.process_id),
  (select h.status from home_care_enrollments h where deviations.process_type = 'homeHealthCare' and h.enrollment_id = deviations.process_id),
  (select v.status from home_visit_orders v where deviations.process_type = 'singleHomeVisit' and v.order_id = deviations.process_id))`;

export interface Page<T> {
  items: T[];
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

export const encodeCursor = (parts: (string | number)[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
export function decodeCursor(c: string, n: number): string[] | undefined {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Open escalated deviations of an organisation, the oldest missed deadline first (keyset pages
 * by deadline and deviation id). `acknowledged` filters on whether a coordinator took it on.
 */
export async function coordinatorInbox(db: Kysely<Database>, org: Organisation, q: { limit: number; cursor?: [string, string]; acknowledged?: boolean }) {
  let query = db
    .selectFrom('deviations')
    .select([
      'deviation_id', 'process_type', 'process_id', 'region', 'municipality', 'type', 'responsible_kind', 'responsible_id', 'assigned_kind', 'assigned_id',
      'description', 'deadline_at', 'detected_at', 'escalated_at', 'escalation_acknowledged_at', 'escalation_acknowledged_by', 'comments', 'downtime',
    ])
    .select(processStatus.as('process_status'))
    .where('status', '=', 'open')
    .where('escalation', '=', 'escalated')
    .where(responsibleIn(org));
  if (q.acknowledged !== undefined) query = query.where('escalation_acknowledged_at', q.acknowledged ? 'is not' : 'is', null);
  if (q.cursor) {
    const [at, id] = q.cursor;
    query = query.where((eb) => eb(eb.refTuple('deadline_at', 'deviation_id'), '>', eb.tuple(at, id)));
  }
  const rows = await query.orderBy('deadline_at').orderBy('deviation_id').limit(q.limit + 1).execute();
  const items = rows.slice(0, q.limit).map((r) => ({ ...r, comments: (r.comments as unknown[] | null) ?? [] }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.deadline_at, last.deviation_id]) : null } satisfies Page<unknown>;
}

/** Where a deviation lives (the API finds the process to send a coordinator's action to). */
export async function deviationLocation(db: Kysely<Database>, deviationId: string) {
  return db
    .selectFrom('deviations')
    .select(['deviation_id', 'process_type', 'process_id', 'region', 'responsible_kind', 'responsible_id', 'status', 'escalation'])
    .where('deviation_id', '=', deviationId)
    .executeTakeFirst();
}

/**
 * The daily digest of one organisation (§6): its open escalations, and its units' open
 * obligations falling due before `until` (not yet overdue). Counts plus the first items.
 */
export async function digestFor(db: Kysely<Database>, org: Organisation, now: Instant, until: Instant, max = 50) {
  const escalations = await coordinatorInbox(db, org, { limit: max });
  const escalatedCount = await db.selectFrom('deviations').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').where('escalation', '=', 'escalated').where(responsibleIn(org)).executeTakeFirstOrThrow();
  const dueSoonQuery = db
    .selectFrom('obligations')
    .where('status', '=', 'open')
    .where('due_at', '>', now)
    .where('due_at', '<=', until)
    .where((eb) => {
      const ors: Expression<SqlBool>[] = [];
      if (org.municipalities.length) ors.push(eb.and([eb('responsible_kind', '=', 'municipality'), eb('responsible_id', 'in', org.municipalities)]));
      if (org.units.length) ors.push(eb.and([eb('responsible_kind', '!=', 'municipality'), eb('responsible_id', 'in', org.units)]));
      for (const p of org.unitPrefixes) ors.push(eb.and([eb('responsible_kind', '!=', 'municipality'), eb('responsible_id', 'like', `${p.replace(/[\\%_]/g, '\\$&')}%`)]));
      return ors.length ? eb.or(ors) : sql<SqlBool>`false`;
    });
  const dueSoon = await dueSoonQuery.select(['process_type', 'process_id', 'kind', 'responsible_kind', 'responsible_id', 'due_at']).orderBy('due_at').orderBy('obligation_id').limit(max).execute();
  const dueSoonCount = await dueSoonQuery.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { escalations: escalations.items, escalatedCount: Number(escalatedCount.n), dueSoon, dueSoonCount: Number(dueSoonCount.n) };
}
