/**
 * Issue 17 item 6: the access log also records refused attempts to read or act on a patient's
 * process (who, what, when, why refused) and the auditors' own searches by patient. Additive: two
 * columns, every earlier row a granted access. Still append-only: the trigger of 0008 refuses
 * UPDATE and DELETE (adding a column with a default rewrites no row through it).
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const accessLogRefusals0011: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('access_log')
      // 'granted': patient data was sent; 'refused': the attempt was refused, nothing was sent
      .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('granted').check(sql`outcome in ('granted', 'refused')`))
      // why it was refused (the answer's code and the reason), null when granted
      .addColumn('refusal', 'text')
      .execute();
    await db.schema.createIndex('access_log_refused').on('access_log').columns(['outcome', 'at']).where(sql.ref('outcome'), '=', 'refused').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('access_log_refused').ifExists().execute();
    await db.schema.alterTable('access_log').dropColumn('refusal').execute();
    await db.schema.alterTable('access_log').dropColumn('outcome').execute();
  },
};
