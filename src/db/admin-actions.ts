/**
 * The administrators' audit log (migration 0006): written once per admin action that took
 * effect, never changed. The table lives outside `schema.ts`'s Database on purpose: only this
 * module reads or writes it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Instant } from './schema';

export interface AdminActionsTable {
  action_id: string;
  at: Instant;
  actor_id: string;
  actor_organisation: string;
  action: string;
  workflow_id: string;
  run_id: string | null;
  reason: string;
  details: unknown;
}

export type AdminActionType = 'terminate' | 'cancel' | 'reset' | 'retryActivity';

export interface AdminAction {
  actionId: string;
  at: string;
  actor: { userId: string; organisation: string };
  action: AdminActionType;
  workflowId: string;
  runId: string | null;
  reason: string;
  details: Record<string, unknown>;
}

const table = (db: Kysely<Database>) => db.withTables<{ admin_actions: AdminActionsTable }>();

export async function recordAdminAction(db: Kysely<Database>, a: Omit<AdminAction, 'actionId' | 'at'>): Promise<AdminAction> {
  const row = await table(db)
    .insertInto('admin_actions')
    .values({
      action_id: randomUUID(),
      at: new Date().toISOString(),
      actor_id: a.actor.userId,
      actor_organisation: a.actor.organisation,
      action: a.action,
      workflow_id: a.workflowId,
      run_id: a.runId,
      reason: a.reason,
      details: JSON.stringify(a.details),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return fromRow(row);
}

export async function listAdminActions(db: Kysely<Database>, filter: { workflowId?: string; limit: number }): Promise<AdminAction[]> {
  let q = table(db).selectFrom('admin_actions').selectAll().orderBy('at', 'desc').orderBy('action_id').limit(filter.limit);
  if (filter.workflowId) q = q.where('workflow_id', '=', filter.workflowId);
  return (await q.execute()).map(fromRow);
}

function fromRow(r: AdminActionsTable): AdminAction {
  return {
    actionId: r.action_id,
    at: new Date(r.at).toISOString(),
    actor: { userId: r.actor_id, organisation: r.actor_organisation },
    action: r.action as AdminActionType,
    workflowId: r.workflow_id,
    runId: r.run_id,
    reason: r.reason,
    details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown>,
  };
}
