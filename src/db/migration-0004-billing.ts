/**
 * Billing tables (docs/domain.md §7): the administered daily amounts and national averages, the
 * monthly closes with their frozen invoice basis, final invoices (immutable), their lines, the
 * review flags, and credit/debit notes referencing a final invoice.
 *
 * Immutability of a final invoice is enforced by the database, not only by the code: triggers
 * refuse UPDATE and DELETE on `billing_invoices` and `billing_invoice_lines`. Corrections after
 * finalisation are new rows in `billing_notes`.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { KNOWN_DAILY_AMOUNTS } from '../domain/billing/daily-amounts';

export const billing0004: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('billing_daily_amounts')
      .addColumn('year', 'integer', (c) => c.primaryKey())
      .addColumn('amount_ore', 'bigint', (c) => c.notNull().check(sql`amount_ore > 0`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text')
      .addColumn('set_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db
      .insertInto('billing_daily_amounts')
      .values(KNOWN_DAILY_AMOUNTS.map((d) => ({ year: d.year, amount_ore: d.amountOre, source: d.source, set_by: 'migration 0004' })))
      .execute();

    // 000: the benchmark after 2023 is the national average of ready days of the previous year
    await db.schema
      .createTable('billing_national_averages')
      .addColumn('year', 'integer', (c) => c.primaryKey())
      .addColumn('hundredths', 'integer', (c) => c.notNull().check(sql`hundredths >= 0`))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text')
      .addColumn('set_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.insertInto('billing_national_averages').values({ year: 2021, hundredths: 230, source: '000: 2,3 dagar, 2021 års riksgenomsnitt', set_by: 'migration 0004' }).execute();

    await db.schema
      .createTable('billing_closes')
      .addColumn('close_id', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('rule_set_id', 'text', (c) => c.notNull())
      .addColumn('rule_set', 'jsonb', (c) => c.notNull())
      .addColumn('daily_amount_ore', 'bigint')
      .addColumn('context', 'jsonb', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('episode_count', 'integer', (c) => c.notNull())
      .addColumn('frozen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('finalised_at', 'timestamptz')
      .addUniqueConstraint('billing_closes_region_month', ['region', 'month'])
      .execute();

    // The frozen basis of a close, one row per municipality: its episodes exactly as the engine
    // read them. Finalisation, exports and notes recompute the lines from these rows with the
    // close's stored rule set (the engine is deterministic), never from the live ledger again.
    // JSON documents rather than a row per episode: a close of 100 000 episodes is written and
    // read in a few hundred rows (bench:billing).
    await db.schema
      .createTable('billing_bases')
      .addColumn('close_id', 'text', (c) => c.notNull().references('billing_closes.close_id').onDelete('cascade'))
      .addColumn('municipality', 'text', (c) => c.notNull())
      .addColumn('line_count', 'integer', (c) => c.notNull())
      .addColumn('total_ore', 'bigint', (c) => c.notNull())
      .addColumn('episodes', 'json', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_bases_pk', ['close_id', 'municipality'])
      .execute();

    await db.schema
      .createTable('billing_invoices')
      .addColumn('invoice_id', 'text', (c) => c.primaryKey())
      .addColumn('close_id', 'text', (c) => c.notNull().references('billing_closes.close_id'))
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('municipality', 'text', (c) => c.notNull())
      .addColumn('rule_set_id', 'text', (c) => c.notNull())
      .addColumn('daily_amount_ore', 'bigint')
      .addColumn('total_ore', 'bigint', (c) => c.notNull())
      .addColumn('totals', 'jsonb', (c) => c.notNull())
      .addColumn('finalised_at', 'timestamptz', (c) => c.notNull())
      // one final invoice per municipality and month, however often the close runs
      .addUniqueConstraint('billing_invoices_close_municipality', ['close_id', 'municipality'])
      .execute();

    await db.schema
      .createTable('billing_invoice_lines')
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('billing_invoices.invoice_id'))
      .addColumn('line_no', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('line_ref', 'text')
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('day_hundredths', 'integer', (c) => c.notNull())
      .addColumn('amount_ore', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_invoice_lines_pk', ['invoice_id', 'line_no'])
      .execute();

    await db.schema
      .createTable('billing_flags')
      .addColumn('flag_id', 'text', (c) => c.primaryKey())
      .addColumn('close_id', 'text', (c) => c.notNull().references('billing_closes.close_id'))
      .addColumn('municipality', 'text', (c) => c.notNull())
      .addColumn('line_ref', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('text', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('dispute_level', 'text')
      .addColumn('raised_by', 'text')
      .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'timestamptz')
      .addColumn('decision_note', 'text')
      .execute();
    await db.schema.createIndex('billing_flags_close').on('billing_flags').column('close_id').execute();

    await db.schema
      .createTable('billing_notes')
      .addColumn('note_id', 'text', (c) => c.primaryKey())
      .addColumn('invoice_id', 'text', (c) => c.notNull().references('billing_invoices.invoice_id'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('credit', 'debit')`))
      .addColumn('amount_ore', 'bigint', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('line_refs', 'jsonb', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('billing_notes_invoice').on('billing_notes').column('invoice_id').execute();

    await sql`create function billing_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'a final invoice is immutable (%); correct it with a credit/debit note', TG_TABLE_NAME;
      end $$`.execute(db);
    for (const table of ['billing_invoices', 'billing_invoice_lines']) {
      await sql`create trigger ${sql.raw(`${table}_immutable`)} before update or delete on ${sql.table(table)}
        for each row execute function billing_refuse_change()`.execute(db);
    }
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const table of ['billing_notes', 'billing_flags', 'billing_invoice_lines', 'billing_invoices', 'billing_bases', 'billing_closes', 'billing_national_averages', 'billing_daily_amounts']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    await sql`drop function if exists billing_refuse_change()`.execute(db);
  },
};
