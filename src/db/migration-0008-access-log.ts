/**
 * The access log (docs/domain.md §10: "every read of patient data is access-logged (who, when, which
 * patient, why)", patientdatalagen 4 kap. 3 § systematic access checks). One row per read of a
 * process or of a list holding patients: who (person, role, organisation), the pseudonymous
 * patient reference(s), the process, the endpoint, when, and why the caller may see it.
 * Append-only like the admin audit log (0006): a trigger refuses UPDATE and DELETE.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const accessLog0008: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('access_log')
      .addColumn('entry_id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('organisation', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('process_type', 'text')
      .addColumn('process_id', 'text')
      // pseudonymous patient references (never a personnummer); a list read names every patient in it
      .addColumn('patient_refs', 'jsonb', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('access_log_at').on('access_log').column('at').execute();
    await db.schema.createIndex('access_log_user').on('access_log').columns(['user_id', 'at']).execute();
    await db.schema.createIndex('access_log_process').on('access_log').columns(['process_id', 'at']).execute();
    await sql`create index access_log_patients on access_log using gin (patient_refs)`.execute(db);
    await sql`create function access_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the access log is append-only (%)', TG_OP;
      end $$`.execute(db);
    await sql`create trigger access_log_append_only before update or delete on access_log
      for each row execute function access_log_append_only()`.execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('access_log').ifExists().execute();
    await sql`drop function if exists access_log_append_only()`.execute(db);
  },
};
