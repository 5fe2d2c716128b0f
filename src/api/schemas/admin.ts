/**
 * Request schemas of the administration API (README "Administration API"). Values that go into
 * a visibility query are restricted to characters that cannot end a quoted string, so the
 * query built from them cannot be widened by its input.
 */
import { z } from 'zod';
import type { AdminAction } from '../../db/admin-actions';
import type { attributesOf, pendingActivities, pendingTimers, resetPoints } from '../../temporal/workflow-admin';
import { describes, oneOf } from './views';
import { WORKFLOW_TYPES } from '../../../workflows/contracts';

const keyword = (what: string, re: RegExp) => z.string().regex(re, `must be ${what}`);

export const ListWorkflowsQuery = z
  .object({
    type: z.enum(WORKFLOW_TYPES).optional().meta({ description: 'Workflow type' }),
    region: keyword('a region id (lower-case letters, digits, -)', /^[a-z0-9-]{1,40}$/).optional(),
    municipality: keyword('a kommunkod (4 digits)', /^\d{4}$/).optional().meta({ description: 'MunicipalityCode (kommunkod)' }),
    status: keyword('a process status (letters)', /^[A-Za-z]{1,40}$/).optional().meta({ description: 'ProcessStatus, e.g. readyForDischarge' }),
    execution: z.enum(['running', 'closed', 'all']).default('running').meta({ description: 'Temporal execution status' }),
    readySinceBefore: z.iso.datetime({ offset: true }).optional().meta({ description: 'ReadySince at or before this instant (ready at least since then)' }),
    readySinceAfter: z.iso.datetime({ offset: true }).optional().meta({ description: 'ReadySince at or after this instant' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .meta({ id: 'ListWorkflowsQuery' });

export const WorkflowIdParam = z.object({
  workflowId: keyword('a workflow id', /^[A-Za-z0-9._:-]{1,200}$/),
});

export const ActivityParams = WorkflowIdParam.extend({
  activityId: keyword('an activity id', /^[A-Za-z0-9._:-]{1,100}$/),
});

/** Why the administrator acts: required, recorded in the audit log. */
const Reason = z.string().trim().min(5, 'must say why (at least 5 characters)').max(500);

export const ReasonBody = z.object({ reason: Reason }).strict().meta({ id: 'AdminReason' });

/**
 * Reset to an event of the history or to the first/last workflow task: exactly one of `eventId`
 * and `to` (one schema validates it and documents it, as a `oneOf` of the two forms).
 */
export const ResetBody = oneOf(
  z.union(
    [
      z
        .object({
          reason: Reason,
          /** a WorkflowTaskCompleted (or …Started/Failed/TimedOut) event of the history */
          eventId: z.number().int().positive().meta({ description: 'Reset to this workflow-task event (see `resetPoints` of GET …/{workflowId})' }),
        })
        .strict()
        .meta({ description: 'to an event' }),
      z
        .object({ reason: Reason, to: z.enum(['lastWorkflowTask', 'firstWorkflowTask']).meta({ description: 'Instead of eventId: the last or the first completed workflow task' }) })
        .strict()
        .meta({ description: 'to the first or last workflow task' }),
    ],
    { error: 'give exactly one of eventId and to' },
  ),
  { id: 'AdminResetBody' },
);

export const ListActionsQuery = z
  .object({
    workflowId: keyword('a workflow id', /^[A-Za-z0-9._:-]{1,200}$/).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

/** The visibility query for a list request; every value has passed the patterns above. */
export function visibilityQuery(q: z.infer<typeof ListWorkflowsQuery>): string {
  const parts: string[] = [];
  if (q.type) parts.push(`WorkflowType = '${q.type}'`);
  if (q.region) parts.push(`Region = '${q.region}'`);
  if (q.municipality) parts.push(`MunicipalityCode = '${q.municipality}'`);
  if (q.status) parts.push(`ProcessStatus = '${q.status}'`);
  if (q.readySinceBefore) parts.push(`ReadySince <= '${new Date(q.readySinceBefore).toISOString()}'`);
  if (q.readySinceAfter) parts.push(`ReadySince >= '${new Date(q.readySinceAfter).toISOString()}'`);
  if (q.execution === 'running') parts.push(`ExecutionStatus = 'Running'`);
  if (q.execution === 'closed') parts.push(`ExecutionStatus != 'Running'`);
  return parts.join(' AND ');
}

// ---- response bodies (issue 17), checked against the server's types (./views.ts `describes`) -------

const nullableString = z.string().nullable();
const SearchAttributes = describes<ReturnType<typeof attributesOf>>()(
  z.object({ region: nullableString, municipalityCode: nullableString, processStatus: nullableString, readySince: nullableString }),
);

export const WorkflowListBody = z
  .object({
    query: z.string().meta({ description: 'the visibility query that was run (always limited to your region)' }),
    workflows: z.array(
      z.object({ workflowId: z.string(), runId: z.string(), type: z.string(), execution: z.string(), startTime: z.string(), closeTime: nullableString, ...SearchAttributes.shape }),
    ),
  })
  .meta({ id: 'WorkflowList' });

export const WorkflowDescriptionBody = z
  .object({
    workflowId: z.string(),
    runId: z.string(),
    type: z.string(),
    execution: z.string().meta({ description: 'Temporal execution status, e.g. RUNNING, COMPLETED, TERMINATED' }),
    taskQueue: z.string(),
    startTime: z.string(),
    closeTime: nullableString,
    historyLength: z.number().int(),
    searchAttributes: SearchAttributes,
    pendingTimers: describes<ReturnType<typeof pendingTimers>>()(z.array(z.object({ timerId: z.string(), startedEventId: z.number().int(), firesAt: nullableString }))),
    pendingActivities: describes<ReturnType<typeof pendingActivities>>()(
      z.array(
        z.object({
          activityId: z.string(),
          activityType: nullableString,
          state: nullableString,
          attempt: z.number().int().nullable(),
          maximumAttempts: z.number().int().nullable(),
          lastFailure: nullableString,
          lastAttemptCompletedAt: nullableString,
          nextAttemptAt: nullableString,
        }),
      ),
    ),
    pendingChildren: z.array(z.object({ workflowId: nullableString.optional(), type: nullableString.optional() })),
    resetPoints: describes<ReturnType<typeof resetPoints>>()(z.array(z.object({ eventId: z.number().int(), at: nullableString }))),
    state: z.record(z.string(), z.unknown()).nullable().meta({ description: "the process's state (its query), or null when it cannot be read (stateError says why)" }),
    stateError: nullableString,
  })
  .meta({ id: 'WorkflowDescription' });

const AdminActionView = describes<AdminAction>()(
  z
    .object({
      actionId: z.string(),
      at: z.string(),
      actor: z.object({ userId: z.string(), organisation: z.string() }),
      action: z.enum(['terminate', 'cancel', 'reset', 'retryActivity']),
      workflowId: z.string(),
      runId: nullableString,
      reason: z.string(),
      details: z.record(z.string(), z.unknown()),
    })
    .meta({ id: 'AdminAction', description: 'An entry of the append-only audit log of admin actions' }),
);

export const WorkflowActedBody = z
  .object({ workflowId: z.string(), runId: z.string(), action: z.enum(['terminate', 'cancel']), recorded: AdminActionView })
  .meta({ id: 'WorkflowActed' });
export const WorkflowResetBody = z
  .object({ workflowId: z.string(), previousRunId: z.string(), newRunId: nullableString, eventId: z.number().int(), recorded: AdminActionView })
  .meta({ id: 'WorkflowReset' });
export const ActivityRetriedBody = z
  .object({ workflowId: z.string(), runId: z.string(), activityId: z.string(), recorded: AdminActionView })
  .meta({ id: 'ActivityRetried' });
export const AdminActionsBody = z.object({ actions: z.array(AdminActionView) }).meta({ id: 'AdminActions' });
