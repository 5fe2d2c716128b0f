/**
 * Request schemas of the administration API (README "Administration API"). Values that go into
 * a visibility query are restricted to characters that cannot end a quoted string, so the
 * query built from them cannot be widened by its input.
 */
import { z } from 'zod';
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

export const ResetBody = z
  .object({
    reason: Reason,
    /** a WorkflowTaskCompleted (or …Started/Failed/TimedOut) event of the history */
    eventId: z.number().int().positive().optional().meta({ description: 'Reset to this workflow-task event (see `resetPoints` of GET …/{workflowId})' }),
    to: z.enum(['lastWorkflowTask', 'firstWorkflowTask']).optional().meta({ description: 'Instead of eventId: the last or the first completed workflow task' }),
  })
  .strict()
  .refine((b) => (b.eventId === undefined) !== (b.to === undefined), { message: 'give exactly one of eventId and to', path: ['eventId'] })
  .meta({ id: 'AdminResetBody' });

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
