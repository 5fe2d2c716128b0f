/**
 * Withdrawn deviations (docs/domain.md §4 Downtime): a deviation that a later back-registration shows
 * never happened gets the status 'withdrawn' and keeps its row, with the instant the system
 * learned it. Withdrawn rows are left out of the indicators, the inboxes and the digests, which
 * all read only what they count (status 'open', or not 'withdrawn'). Null on rows from before.
 */
import type { Kysely, Migration } from 'kysely';

export const deviationWithdrawal0009: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('deviations').addColumn('withdrawn_at', 'timestamptz').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('deviations').dropColumn('withdrawn_at').execute();
  },
};
