/**
 * The administrators' audit log (issue 8, docs/domain.md §10 "administrator … workflow
 * administration"): every terminate, cancel, reset and activity re-run, with who and why.
 * Append-only, enforced by the database like the final invoices of migration 0004: a trigger
 * refuses UPDATE and DELETE, so not even a bug in our code can rewrite who did what.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const adminActions0006: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('admin_actions')
      .addColumn('action_id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('actor_organisation', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('details', 'jsonb', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('admin_actions_workflow').on('admin_actions').columns(['workflow_id', 'at']).execute();
    await db.schema.createIndex('admin_actions_at').on('admin_actions').column('at').execute();
    await sql`create function admin_actions_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'the admin audit log is append-only (%)', TG_OP;
      end $$`.execute(db);
    await sql`create trigger admin_actions_append_only before update or delete on admin_actions
      for each row execute function admin_actions_append_only()`.execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('admin_actions').ifExists().execute();
    await sql`drop function if exists admin_actions_append_only()`.execute(db);
  },
};
