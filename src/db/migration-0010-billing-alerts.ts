/**
 * The monthly close's alerts (issue 15; src/domain/billing/alerts.ts): what stopped a close or
 * what it could not compute, with the sentence and the episodes at fault, for the region's
 * billing officers and administrators (GET /api/billing/alerts). Their deliveries are the
 * `notifications` / `notification_deliveries` rows every reminder and escalation has, keyed by
 * the same id. Additive: a new table, nothing else changes.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const billingAlerts0010: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('billing_alerts')
      .addColumn('alert_id', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('close_id', 'text', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      /** JSON array of opaque episode ids (no patient data) */
      .addColumn('episode_ids', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await db.schema.createIndex('billing_alerts_region_created').on('billing_alerts').columns(['region', 'created_at']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('billing_alerts').ifExists().execute();
  },
};
