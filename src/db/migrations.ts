/**
 * The ledger's migrations, in code (not files on disk) so they run the same from ts-jest, tsx,
 * compiled JS and a bundle. Kysely's Migrator applies them in name order and records each in
 * `kysely_migration`; never edit a migration that has shipped, add the next one.
 *
 * Migrations take `Kysely<any>` on purpose: they describe the schema as it was at that step,
 * not as `schema.ts` describes it today.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { homeCare0003 } from './migration-0003-home-care';
import { billing0004 } from './migration-0004-billing';
import { escalation0005 } from './migration-0005-escalation';
import { adminActions0006 } from './migration-0006-admin-actions';
import { admissionTypeSipAck0007 } from './migration-0007-admission-type-sip-ack';
import { accessLog0008 } from './migration-0008-access-log';
import { deviationWithdrawal0009 } from './migration-0009-deviation-withdrawal';
import { billingAlerts0010 } from './migration-0010-billing-alerts';
import { accessLogRefusals0011 } from './migration-0011-access-log-refusals';
import { processViews0012 } from './migration-0012-process-views';
import { idempotentRequests0013 } from './migration-0013-idempotent-requests';

const ledger0001: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('episodes')
      .addColumn('episode_id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('residence_municipality', 'text', (c) => c.notNull())
      .addColumn('inpatient_unit_hsa', 'text', (c) => c.notNull())
      .addColumn('primary_care_unit_hsa', 'text')
      .addColumn('psychiatric_outpatient_unit_hsa', 'text')
      .addColumn('hospital', 'text')
      .addColumn('psychiatric', 'boolean', (c) => c.notNull())
      .addColumn('form_of_care', 'text')
      .addColumn('out_of_county', 'boolean', (c) => c.notNull())
      .addColumn('patient_ref', 'text', (c) => c.notNull())
      .addColumn('age_at_admission', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('admitted_at', 'timestamptz', (c) => c.notNull())
      .addColumn('admission_notice_sent_at', 'timestamptz')
      .addColumn('expected_ready_date', 'date')
      .addColumn('ready_date', 'date')
      .addColumn('discharged_at', 'timestamptz')
      .addColumn('discharge_date', 'date')
      .addColumn('cancelled_at', 'timestamptz')
      .addColumn('cancellation_reason', 'text')
      .addColumn('consent', 'text')
      .addColumn('planning_flow', 'text')
      .addColumn('needs_category', 'text')
      .addColumn('named_care_contact_at', 'timestamptz')
      .addColumn('named_doctor_at', 'timestamptz')
      .addColumn('invitation_sent_at', 'timestamptz')
      .addColumn('sip_created_at', 'timestamptz')
      .addColumn('sip_completed_at', 'timestamptz')
      .addColumn('treatment_plan_at', 'timestamptz')
      .addColumn('planning_basis_date', 'date')
      .addColumn('outpatient_services_unavailable', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('downtime', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('episodes_version_positive', sql`version > 0`)
      .execute();
    // Billing: one region's episodes discharged in a month (docs/domain.md §7 "month of its discharge").
    await db.schema.createIndex('episodes_region_discharge_date').on('episodes').columns(['region', 'discharge_date']).execute();
    // Indicators: admitted per month (share ready of all admitted, §9).
    await db.schema.createIndex('episodes_region_admitted_at').on('episodes').columns(['region', 'admitted_at']).execute();
    await db.schema.createIndex('episodes_residence_municipality').on('episodes').column('residence_municipality').execute();
    await db.schema.createIndex('episodes_status').on('episodes').column('status').execute();
    // Readmission within 30 days and days per individual (§9) group by the patient pseudonym.
    await db.schema.createIndex('episodes_patient_ref').on('episodes').column('patient_ref').execute();

    await db.schema
      .createTable('episode_ready_periods')
      .addColumn('episode_id', 'text', (c) => c.notNull().references('episodes.episode_id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('ready_date', 'date', (c) => c.notNull())
      .addColumn('ended_date', 'date')
      .addColumn('end_reason', 'text')
      .addColumn('withdrawal_reason', 'text')
      .addPrimaryKeyConstraint('episode_ready_periods_pk', ['episode_id', 'seq'])
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('sender_kind', 'text', (c) => c.notNull())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('messages_pk', ['process_type', 'process_id', 'message_id'])
      .execute();

    await db.schema
      .createTable('obligations')
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('obligation_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('responsible_kind', 'text', (c) => c.notNull())
      .addColumn('responsible_id', 'text', (c) => c.notNull())
      .addColumn('due_at', 'timestamptz', (c) => c.notNull())
      .addColumn('met_at', 'timestamptz')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('deviation_type', 'text', (c) => c.notNull())
      .addColumn('deviation_id', 'text')
      .addPrimaryKeyConstraint('obligations_pk', ['process_type', 'process_id', 'obligation_id'])
      .execute();

    await db.schema
      .createTable('deviations')
      .addColumn('deviation_id', 'text', (c) => c.primaryKey())
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('municipality', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('responsible_kind', 'text', (c) => c.notNull())
      .addColumn('responsible_id', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('obligation_id', 'text')
      .addColumn('deadline_at', 'timestamptz', (c) => c.notNull())
      .addColumn('detected_at', 'timestamptz', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'timestamptz')
      .addColumn('closed_at', 'timestamptz')
      .addColumn('closed_by', 'text')
      .addColumn('comment', 'text')
      .addColumn('downtime', 'boolean', (c) => c.notNull().defaultTo(false))
      .addColumn('escalation', 'text', (c) => c.notNull())
      .addColumn('reported_by', 'text')
      .execute();
    await db.schema.createIndex('deviations_process').on('deviations').columns(['process_type', 'process_id']).execute();
    // Monthly report: deviations by type, responsible party and municipality (§6, §9).
    await db.schema.createIndex('deviations_region_detected_at').on('deviations').columns(['region', 'detected_at']).execute();
    await db.schema.createIndex('deviations_municipality').on('deviations').column('municipality').execute();
    // Coordinators' inbox: open deviations of one organisation.
    await db.schema.createIndex('deviations_responsible_status').on('deviations').columns(['responsible_id', 'status']).execute();
  },

  async down(db: Kysely<any>): Promise<void> {
    for (const table of ['deviations', 'obligations', 'messages', 'episode_ready_periods', 'episodes']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/** Declared downtime windows (driftstopp, 001 §4) and the notifications of the escalation ladder (§6). */
const operations0002: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('downtime_windows')
      .addColumn('window_id', 'text', (c) => c.primaryKey())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
      .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('declared_by', 'text')
      .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('downtime_windows_order', sql`ends_at > starts_at`)
      .execute();
    await db.schema.createIndex('downtime_windows_region').on('downtime_windows').columns(['region', 'starts_at']).execute();

    await db.schema
      .createTable('notifications')
      .addColumn('notification_id', 'text', (c) => c.primaryKey())
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('deviation_id', 'text', (c) => c.notNull())
      .addColumn('deviation_type', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipient_kind', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('delivered_at', 'timestamptz')
      .execute();
    await db.schema.createIndex('notifications_recipient').on('notifications').columns(['recipient_id', 'created_at']).execute();
    // The unit inbox: open obligations of a unit, soonest deadline first.
    await db.schema.createIndex('obligations_responsible_due').on('obligations').columns(['responsible_id', 'status', 'due_at']).execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('obligations_responsible_due').ifExists().execute();
    await db.schema.dropTable('notifications').ifExists().execute();
    await db.schema.dropTable('downtime_windows').ifExists().execute();
  },
};

/** All migrations by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  '0001_ledger': ledger0001,
  '0002_operations': operations0002,
  '0003_home_care': homeCare0003,
  '0004_billing': billing0004,
  '0005_escalation': escalation0005,
  '0006_admin_actions': adminActions0006,
  '0007_admission_type_sip_ack': admissionTypeSipAck0007,
  '0008_access_log': accessLog0008,
  '0009_deviation_withdrawal': deviationWithdrawal0009,
  '0010_billing_alerts': billingAlerts0010,
  '0011_access_log_refusals': accessLogRefusals0011,
  '0012_process_views': processViews0012,
  '0013_idempotent_requests': idempotentRequests0013,
};
