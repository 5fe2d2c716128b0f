/**
 * Single home visit orders in the ledger (docs/domain.md §5, §8). They are written by the one
 * ledger projection every process shares (./process-ledger.ts, where its semantics are).
 */
import type { Kysely } from 'kysely';
import type { Database, VisitOrderRow } from './schema';

export async function getVisitOrderRow(db: Kysely<Database>, orderId: string): Promise<VisitOrderRow | undefined> {
  return db.selectFrom('home_visit_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}
