/**
 * Every process's view as staff see it, kept by its ledger projection (issue 21, migration 0012).
 * The API reads it to answer a staff action and a GET, instead of a Workflow Query: an indexed
 * row in the ledger instead of a round trip through the Temporal server to a worker. The row is
 * written in the same transaction as the process's own rows, by the one ledger projection
 * (./process-ledger.ts): a write never moves a view backwards, so a retried or replayed
 * projection changes nothing.
 */
import type { Kysely } from 'kysely';
import type { ProcessType } from '../domain/process';
import type { Database } from './schema';

/** The process's view as last projected, with its version; undefined when none was projected yet. */
export async function readProcessView<V>(db: Kysely<Database>, processType: ProcessType, processId: string): Promise<{ version: number; view: V } | undefined> {
  const row = await db.selectFrom('process_views').select(['version', 'view']).where('process_type', '=', processType).where('process_id', '=', processId).executeTakeFirst();
  if (!row) return undefined;
  return { version: row.version, view: (typeof row.view === 'string' ? JSON.parse(row.view) : row.view) as V };
}
