/**
 * Ledger rows of single home visit orders (docs/domain.md §5, §8): an idempotent upsert guarded by
 * the workflow's version, with the order's messages, obligations, deviations and timeline written
 * like an enrollment's (./home-care.ts `upsertChildren`: upserted, never deleted).
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { upsertChildren, type ProcessChildren, type UpsertResult } from './home-care';
import type { Database, HomeVisitOrdersTable, Instant, VisitOrderRow } from './schema';

export async function upsertVisitOrder(db: Kysely<Database>, row: Insertable<HomeVisitOrdersTable>, children: ProcessChildren): Promise<UpsertResult> {
  return db.transaction().execute(async (trx) => {
    const { order_id: _key, ...changes } = row;
    const written = await trx
      .insertInto('home_visit_orders')
      .values(row)
      .onConflict((oc) => oc.column('order_id').doUpdateSet({ ...changes, updated_at: sql<Instant>`now()` }).whereRef('home_visit_orders.version', '<', 'excluded.version'))
      .returning('version')
      .executeTakeFirst();
    if (written === undefined) return 'stale';
    await upsertChildren(trx, 'singleHomeVisit', row.order_id, children);
    return 'written';
  });
}

export async function getVisitOrderRow(db: Kysely<Database>, orderId: string): Promise<VisitOrderRow | undefined> {
  return db.selectFrom('home_visit_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}
