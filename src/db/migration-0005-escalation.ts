/**
 * Escalations that reach people and the units' worklists (docs/domain.md §6, issue 6 part A):
 * - `notification_deliveries`: one row per notification, recipient and channel; a delivered row
 *   is never sent again, so a retried activity never notifies twice;
 * - deviations: when escalated, a coordinator's acknowledgement, reassignment, comments, resolution;
 * - obligations: the process's municipality (worklist filter);
 * - episodes: whether the ready-to-go-home checklist is complete (worklist of patients ready today);
 * - partial indexes for the worklist's keyset pages over tens of thousands of open items.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const escalation0005: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('notification_deliveries')
      .addColumn('notification_id', 'text', (c) => c.notNull())
      .addColumn('recipient_key', 'text', (c) => c.notNull())
      /** 'email:<address>' or 'webhook:<url>' */
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'timestamptz')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('notification_deliveries_pk', ['notification_id', 'recipient_key', 'address'])
      .execute();

    await db.schema
      .alterTable('deviations')
      .addColumn('escalated_at', 'timestamptz')
      .addColumn('escalation_acknowledged_at', 'timestamptz')
      .addColumn('escalation_acknowledged_by', 'text')
      .addColumn('assigned_kind', 'text')
      .addColumn('assigned_id', 'text')
      .addColumn('resolution', 'text')
      .addColumn('comments', 'jsonb')
      .execute();
    // the unit handling a deviation: the responsible one unless a coordinator reassigned it
    await sql`update deviations set assigned_kind = responsible_kind, assigned_id = responsible_id where assigned_id is null`.execute(db);
    await db.schema.alterTable('obligations').addColumn('municipality', 'text').execute();
    await db.schema.alterTable('episodes').addColumn('checklist_complete', 'boolean', (c) => c.notNull().defaultTo(false)).execute();

    // Worklist pages: (unit, deadline, id) keyset order over open items only.
    await sql`create index obligations_worklist on obligations (responsible_id, due_at, obligation_id) where status in ('open', 'overdue')`.execute(db);
    await sql`create index deviations_worklist on deviations (assigned_id, deadline_at, deviation_id) where status = 'open'`.execute(db);
    // Coordinators' inbox: open escalated deviations by responsible unit.
    await sql`create index deviations_escalated on deviations (responsible_id, deadline_at) where status = 'open' and escalation = 'escalated'`.execute(db);
    // Checklists incomplete for patients ready today, per inpatient unit.
    await sql`create index episodes_checklist_pending on episodes (inpatient_unit_hsa, ready_date, episode_id) where status = 'readyForDischarge' and not checklist_complete`.execute(db);
  },
  async down(db: Kysely<any>): Promise<void> {
    for (const i of ['episodes_checklist_pending', 'deviations_escalated', 'deviations_worklist', 'obligations_worklist']) await db.schema.dropIndex(i).ifExists().execute();
    await db.schema.alterTable('episodes').dropColumn('checklist_complete').execute();
    await db.schema.alterTable('obligations').dropColumn('municipality').execute();
    for (const c of ['escalated_at', 'escalation_acknowledged_at', 'escalation_acknowledged_by', 'assigned_kind', 'assigned_id', 'resolution', 'comments']) {
      await db.schema.alterTable('deviations').dropColumn(c).execute();
    }
    await db.schema.dropTable('notification_deliveries').ifExists().execute();
  },
};
