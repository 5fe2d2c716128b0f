/**
 * Issue 21: every process's view as staff see it (the contract's view of its state: what the
 * process's query answers), written by its ledger projection with the version it shows. The API
 * answers staff actions and reads from it instead of asking the workflow again by query: a
 * query is a round trip through the Temporal server to a worker, an indexed row is not.
 * Additive: a process projected before this migration has no row until its next change, and
 * the API asks the workflow (src/temporal/process-client.ts `processViewReader`).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const processViews0012: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('process_views')
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      // json, not jsonb: stored and returned as the workflow wrote it (key order included), no conversion
      .addColumn('view', 'json', (c) => c.notNull())
      .addColumn('projected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('process_views_pk', ['process_type', 'process_id'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('process_views').ifExists().execute();
  },
};
