/**
 * Two facts the monthly indicators (docs/domain.md §9) could not compute before: whether the
 * admission was acute or planned (akut / planerad inskrivning, §4 step 1), so a planned
 * readmission is not counted as a readmission; and when the SIP was acknowledged (kvitterad)
 * by every party of the episode but inpatient care. Both null for episodes projected before.
 */
import type { Kysely, Migration } from 'kysely';

export const admissionTypeSipAck0007: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('episodes').addColumn('admission_type', 'text').execute();
    await db.schema.alterTable('episodes').addColumn('sip_acknowledged_at', 'timestamptz').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('episodes').dropColumn('sip_acknowledged_at').execute();
    await db.schema.alterTable('episodes').dropColumn('admission_type').execute();
  },
};
