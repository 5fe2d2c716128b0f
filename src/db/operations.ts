/**
 * Ledger reads and writes beyond the episode projection: declared downtime windows, the
 * notifications of the escalation ladder, and a unit's inbox.
 */
import type { Kysely } from 'kysely';
import type { Database, Instant } from './schema';
import type { ProcessType } from '../domain/process';

export interface DowntimeWindow {
  windowId: string;
  region: string;
  startsAt: Instant;
  endsAt: Instant;
  reason: string;
  declaredBy: string | null;
}

export async function declareDowntime(db: Kysely<Database>, w: DowntimeWindow): Promise<void> {
  await db
    .insertInto('downtime_windows')
    .values({ window_id: w.windowId, region: w.region, starts_at: w.startsAt, ends_at: w.endsAt, reason: w.reason, declared_by: w.declaredBy })
    .onConflict((oc) => oc.column('window_id').doNothing())
    .execute();
}

export async function listDowntime(db: Kysely<Database>, region: string): Promise<DowntimeWindow[]> {
  const rows = await db.selectFrom('downtime_windows').selectAll().where('region', '=', region).orderBy('starts_at', 'desc').execute();
  return rows.map((r) => ({ windowId: r.window_id, region: r.region, startsAt: r.starts_at, endsAt: r.ends_at, reason: r.reason, declaredBy: r.declared_by }));
}

/** For each instant: does it fall inside a declared downtime window of the region? */
export async function downtimeFlags(db: Kysely<Database>, region: string, instants: Instant[]): Promise<boolean[]> {
  if (instants.length === 0) return [];
  const windows = await db.selectFrom('downtime_windows').select(['starts_at', 'ends_at']).where('region', '=', region).execute();
  return instants.map((i) => {
    const t = Date.parse(i);
    return windows.some((w) => Date.parse(w.starts_at) <= t && t <= Date.parse(w.ends_at));
  });
}

/**
 * For each instant: the end of the declared downtime window it falls inside (the latest, when
 * windows overlap), or null. A deadline inside a window is judged only after a grace period
 * counted from the window's end (docs/domain.md §4 Downtime).
 */
export async function downtimeEnds(db: Kysely<Database>, region: string, instants: Instant[]): Promise<(Instant | null)[]> {
  if (instants.length === 0) return [];
  const windows = await db.selectFrom('downtime_windows').select(['starts_at', 'ends_at']).where('region', '=', region).execute();
  return windowEnds(windows.map((w) => ({ startsAt: w.starts_at, endsAt: w.ends_at })), instants);
}

/** The pure rule of `downtimeEnds`: the latest end of the windows each instant falls inside (bounds included). */
export function windowEnds(windows: readonly { startsAt: Instant; endsAt: Instant }[], instants: readonly Instant[]): (Instant | null)[] {
  return instants.map((i) => {
    const t = Date.parse(i);
    const ends = windows.filter((w) => Date.parse(w.startsAt) <= t && t <= Date.parse(w.endsAt)).map((w) => new Date(w.endsAt).toISOString());
    return ends.length ? ends.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null;
  });
}

export interface NotificationRecord {
  /** deterministic (deviation id + kind): a retried activity never notifies twice */
  notificationId: string;
  processType: ProcessType;
  processId: string;
  region: string;
  deviationId: string;
  deviationType: string;
  /** withdrawal: a deviation shown by back-registration never to have happened (docs/domain.md §4 Downtime) */
  kind: 'reminder' | 'escalation' | 'withdrawal';
  /** withdrawals only: how far the deviation had gone, so the notice reaches everyone it reached */
  reached?: 'reminded' | 'escalated';
  recipientKind: string;
  recipientId: string;
  createdAt: Instant;
}

export async function recordNotifications(db: Kysely<Database>, notes: NotificationRecord[]): Promise<void> {
  if (notes.length === 0) return;
  await db
    .insertInto('notifications')
    .values(
      notes.map((n) => ({
        notification_id: n.notificationId,
        process_type: n.processType,
        process_id: n.processId,
        region: n.region,
        deviation_id: n.deviationId,
        deviation_type: n.deviationType,
        kind: n.kind,
        recipient_kind: n.recipientKind,
        recipient_id: n.recipientId,
        created_at: n.createdAt,
        delivered_at: null,
      })),
    )
    .onConflict((oc) => oc.column('notification_id').doNothing())
    .execute();
}

export async function notificationsFor(db: Kysely<Database>, recipientId: string) {
  return db.selectFrom('notifications').selectAll().where('recipient_id', '=', recipientId).orderBy('created_at').execute();
}

/** A unit's inbox: the worklist of ./worklist.ts (acknowledgements, invitations, checklists, deviations). */
export { unitInbox } from './worklist';
