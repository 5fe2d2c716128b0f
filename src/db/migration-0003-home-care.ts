/**
 * Migration 0003: home health care enrollments and single home visit orders (docs/domain.md §5, §8),
 * with what the indicators of §9 need: patients per municipality, new and ended, under/over 65.
 * Their messages, obligations and deviations go in the generic tables of 0001 under
 * process_type 'homeHealthCare' / 'singleHomeVisit'; their timelines in `process_timeline`,
 * because a years-long enrollment keeps only its newest entries in the workflow.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const homeCare0003: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('home_care_enrollments')
      .addColumn('enrollment_id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('residence_municipality', 'text', (c) => c.notNull())
      .addColumn('primary_care_unit_hsa', 'text', (c) => c.notNull())
      .addColumn('patient_ref', 'text', (c) => c.notNull())
      .addColumn('age_at_start', 'integer')
      .addColumn('initiated_by', 'text', (c) => c.notNull())
      .addColumn('discharge_episode_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', 'timestamptz', (c) => c.notNull())
      .addColumn('invitation_sent_at', 'timestamptz')
      .addColumn('named_care_contact_at', 'timestamptz')
      .addColumn('named_doctor_at', 'timestamptz')
      .addColumn('planning_meeting_at', 'timestamptz')
      .addColumn('sip_created_at', 'timestamptz')
      .addColumn('sip_closed_at', 'timestamptz')
      .addColumn('decision', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('decided_at', 'timestamptz')
      .addColumn('enrolled_at', 'timestamptz')
      .addColumn('ended_at', 'timestamptz')
      .addColumn('end_reason', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('home_care_enrollments_version_positive', sql`version > 0`)
      .execute();
    // §9: new (enrolled_at in the month) and ended (ended_at in the month) per municipality
    await db.schema.createIndex('home_care_enrollments_region_enrolled').on('home_care_enrollments').columns(['region', 'enrolled_at']).execute();
    await db.schema.createIndex('home_care_enrollments_region_ended').on('home_care_enrollments').columns(['region', 'ended_at']).execute();
    await db.schema.createIndex('home_care_enrollments_municipality').on('home_care_enrollments').column('residence_municipality').execute();

    await db.schema
      .createTable('home_visit_orders')
      .addColumn('order_id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('residence_municipality', 'text', (c) => c.notNull())
      .addColumn('primary_care_unit_hsa', 'text', (c) => c.notNull())
      .addColumn('patient_ref', 'text', (c) => c.notNull())
      .addColumn('age_at_order', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('ordered_at', 'timestamptz', (c) => c.notNull())
      .addColumn('start_date', 'date', (c) => c.notNull())
      .addColumn('end_date', 'date', (c) => c.notNull())
      .addColumn('interventions', 'text', (c) => c.notNull())
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'timestamptz')
      .addColumn('decline_reason', 'text')
      .addColumn('cancelled_at', 'timestamptz')
      .addColumn('visits_reported', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_visit_date', 'date')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addCheckConstraint('home_visit_orders_version_positive', sql`version > 0`)
      .execute();
    await db.schema.createIndex('home_visit_orders_region_ordered').on('home_visit_orders').columns(['region', 'ordered_at']).execute();
    await db.schema.createIndex('home_visit_orders_municipality').on('home_visit_orders').column('residence_municipality').execute();

    await db.schema
      .createTable('process_timeline')
      .addColumn('process_type', 'text', (c) => c.notNull())
      .addColumn('process_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
      .addColumn('actor_user_id', 'text')
      .addColumn('actor_organisation', 'text')
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('deviation_id', 'text')
      .addPrimaryKeyConstraint('process_timeline_pk', ['process_type', 'process_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    for (const table of ['process_timeline', 'home_visit_orders', 'home_care_enrollments']) await db.schema.dropTable(table).ifExists().execute();
  },
};
