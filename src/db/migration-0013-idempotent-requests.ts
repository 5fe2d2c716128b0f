/**
 * The answers of the writes that no workflow records (README "API conventions": the same on every
 * write endpoint): declaring a downtime window, an administrator's terminate, cancel, reset and
 * activity retry, a credit or debit note, starting a monthly close. A request with an
 * `Idempotency-Key` leaves its request's hash and its answer here, under the key scoped to the
 * caller's organisation and the operation: a retry gets the first answer, the same key with
 * another body is `422 IDEMPOTENCY_KEY_REUSED` (src/api/idempotency.ts `idempotentWrite`).
 * Staff actions and process starts need no row: their workflow is the record (Update ids,
 * REJECT_DUPLICATE).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const idempotentRequests0013: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('idempotent_requests')
      // `<operation>:<organisation>:<key>`
      .addColumn('scope', 'text', (c) => c.primaryKey())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      // claimed before the write runs, so a second copy waits for the first's answer instead of running
      .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      // null while the first request runs
      .addColumn('status', 'integer')
      .addColumn('response', 'json')
      .addColumn('answered_at', 'timestamptz')
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('idempotent_requests').ifExists().execute();
  },
};
