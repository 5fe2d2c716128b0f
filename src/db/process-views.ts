/**
 * Every process's view as staff see it, kept by its ledger projection (issue 21, migration 0012).
 * The API reads it to answer a staff action and a GET, instead of a Workflow Query: an indexed
 * row in the ledger instead of a round trip through the Temporal server to a worker. The row is
 * written after the process's own rows, by the same idempotent projection: a write never moves
 * a view backwards, so a retried or replayed projection changes nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { ProcessType } from '../domain/process';
import type { Database } from './schema';

/** Stores `view` as the process's view at `version`, unless the ledger already holds that version or a newer one. */
export async function saveProcessView(db: Kysely<Database>, processType: ProcessType, processId: string, version: number, view: unknown): Promise<void> {
  await db
    .insertInto('process_views')
    .values({ process_type: processType, process_id: processId, version, view: JSON.stringify(view) })
    .onConflict((oc) =>
      oc.columns(['process_type', 'process_id']).doUpdateSet({ version, view: (eb) => eb.ref('excluded.view'), projected_at: sql`now()` }).where('process_views.version', '<', version),
    )
    .execute();
}

/** The process's view as last projected, with its version; undefined when none was projected yet. */
export async function readProcessView<V>(db: Kysely<Database>, processType: ProcessType, processId: string): Promise<{ version: number; view: V } | undefined> {
  const row = await db.selectFrom('process_views').select(['version', 'view']).where('process_type', '=', processType).where('process_id', '=', processId).executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, view: (typeof row.view === 'string' ? JSON.parse(row.view) : row.view) as V };
}
