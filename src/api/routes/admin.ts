/**
 * Administration of the running processes (issue 8; docs/domain.md §10 "administrator"): list and
 * search workflows by their search attributes, describe one, terminate or cancel it, reset it
 * to a chosen point, re-run a pending activity now. Every action that takes effect is written
 * to the append-only audit log (migration 0006) with who and why; a refused or malformed one
 * changes nothing and records nothing.
 *
 * Access (docs/domain.md §10): administrators, from their bearer token, and only the workflows of
 * their own region (the Region search attribute); another region's workflow is answered like
 * one that does not exist. Reading a process's state is a read of patient data and is
 * access-logged.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../../config';
import { listAdminActions, recordAdminAction, type AdminActionType } from '../../db/admin-actions';
import type { LedgerStore } from '../../db/ledger';
import { attributesOf, pendingActivities, pendingTimers, processState, resetPoints, resetTarget } from '../../temporal/workflow-admin';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { idempotentWrite } from '../idempotency';
import { SA } from '../../temporal/search-attributes';
import { IdempotencyKeyHeader } from '../schemas/common';
import { actorOf } from '../../auth/principal';
import { principal, requireRole, type ProcessAccess } from '../auth';
import {
  ActivityParams, ActivityRetriedBody, AdminActionsBody, ListActionsQuery, ListWorkflowsQuery, ReasonBody, ResetBody, visibilityQuery,
  WorkflowActedBody, WorkflowDescriptionBody, WorkflowIdParam, WorkflowListBody, WorkflowResetBody,
} from '../schemas/admin';

export interface AdminActor {
  userId: string;
  organisation: string;
}

/** Who is acting, or a 401/403. */
export type AdminAccess = (req: Request) => AdminActor;

export const administratorAccess: AdminAccess = (req) => actorOf(requireRole(req, ['administrator'], 'administer workflows'));

const TAG = 'Administration (workflows)';
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const err = (description: string) => json(ErrorBody, description);

/** §10: another region's workflow is answered exactly like one that does not exist. */
const notInYourRegion = (workflowId: string) =>
  new HttpError(403, 'NOT_ACCESSIBLE', `No workflow ${workflowId} in your region: it does not exist, or it belongs to another region.`);

/** Temporal's answers → the admin API's codes. */
function adminError(e: unknown, workflowId: string): never {
  const msg = (e as Error)?.message ?? '';
  if (/already completed|not running|already finished/i.test(msg)) {
    throw new HttpError(409, 'WORKFLOW_NOT_RUNNING', `Workflow ${workflowId} is not running; only a running workflow can be terminated, cancelled or have an activity re-run.`);
  }
  if (e instanceof WorkflowNotFoundError || (e as { code?: number })?.code === 5 || /not found/i.test(msg)) throw notInYourRegion(workflowId);
  throw e;
}

export function adminRoutes(
  registry: OpenAPIRegistry,
  deps: { client: Client; config: Config; ledger: LedgerStore; access?: AdminAccess; processes: ProcessAccess },
): Router {
  const { client, config, ledger } = deps;
  const access = deps.access ?? administratorAccess;
  const namespace = config.temporal.namespace;
  const router = Router();

  /** The workflow, when it is one of the administrator's region (by its Region search attribute). */
  async function describe(req: Request, workflowId: string): Promise<WorkflowExecutionDescription> {
    let d: WorkflowExecutionDescription;
    try {
      d = await client.workflow.getHandle(workflowId).describe();
    } catch (e) {
      adminError(e, workflowId);
    }
    const region = d.typedSearchAttributes.get(SA.region);
    if (region !== undefined && region !== principal(req).region) throw notInYourRegion(workflowId);
    return d;
  }
  async function history(workflowId: string, runId: string) {
    return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
  }
  /** Runs a Temporal action, then records it; a refused action records nothing. */
  async function act<T>(req: Request, action: AdminActionType, workflowId: string, runId: string | null, reason: string, details: Record<string, unknown>, run: () => Promise<T>) {
    const actor = access(req);
    let result: T;
    try {
      result = await run();
    } catch (e) {
      adminError(e, workflowId);
    }
    const recorded = await recordAdminAction(ledger.db, { actor, action, workflowId, runId, reason, details: { ...details, ...(result ?? {}) } });
    return { result, recorded };
  }

  /**
   * An administrator's action on a workflow, once per Idempotency-Key (src/api/idempotency.ts): a
   * retry after it was done gets its first answer (not 409, the workflow no longer running), and
   * records nothing twice in the audit log.
   */
  async function once(req: Request, res: Response, action: AdminActionType, body: Record<string, unknown>, run: () => Promise<object>) {
    const answer = await idempotentWrite(ledger.db, req, { operation: `admin.${action}`, organisation: access(req).organisation, body }, async () => ({ status: 200, body: await run() }));
    res.status(answer.status).json(answer.body);
  }

  // ---- list / search ------------------------------------------------------------------------------
  registry.registerPath({
    method: 'get', path: '/api/admin/workflows', tags: [TAG],
    summary: 'List and search workflows by type and search attributes (Region, MunicipalityCode, ProcessStatus, ReadySince)',
    request: { query: ListWorkflowsQuery },
    responses: { 200: json(WorkflowListBody, 'Matching workflows of your region, newest first, at most `limit`'), 400: err('A bad filter; the fields are named'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region') },
  });
  router.get('/api/admin/workflows', async (req, res) => {
    access(req);
    const q = parseOr400(ListWorkflowsQuery, req.query, 'query');
    // an administrator lists their own region's workflows
    const query = visibilityQuery({ ...q, region: principal(req).region });
    const workflows = [];
    for await (const w of client.workflow.list({ query, pageSize: Math.min(q.limit, 100) })) {
      workflows.push({
        workflowId: w.workflowId, runId: w.runId, type: w.type, execution: w.status.name,
        startTime: w.startTime.toISOString(), closeTime: w.closeTime?.toISOString() ?? null, ...attributesOf(w),
      });
      if (workflows.length >= q.limit) break;
    }
    res.json({ query, workflows });
  });

  // ---- describe ------------------------------------------------------------------------------------
  registry.registerPath({
    method: 'get', path: '/api/admin/workflows/{workflowId}', tags: [TAG],
    summary: 'Describe a workflow: execution status, search attributes, pending timers and activities, reset points, open obligations and deviations',
    request: { params: WorkflowIdParam },
    responses: { 200: json(WorkflowDescriptionBody, 'The workflow'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region') },
  });
  router.get('/api/admin/workflows/:workflowId', async (req, res) => {
    access(req);
    const { workflowId } = parseOr400(WorkflowIdParam, req.params, 'params');
    const d = await describe(req, workflowId);
    const events = await history(workflowId, d.runId);
    // a closed workflow still answers queries while a worker runs its code; otherwise say why not
    const state = await processState(client, workflowId, d.type).then(
      (s) => ({ state: s, stateError: null }),
      (e: Error) => ({ state: null, stateError: e.message }),
    );
    const patientRef = (state.state as { patientRef?: unknown } | null)?.patientRef;
    if (typeof patientRef === 'string') {
      await deps.processes.logRead(req, { purpose: 'workflow administration', processId: workflowId, patientRefs: [patientRef] });
    }
    res.json({
      workflowId, runId: d.runId, type: d.type, execution: d.status.name, taskQueue: d.taskQueue,
      startTime: d.startTime.toISOString(), closeTime: d.closeTime?.toISOString() ?? null, historyLength: d.historyLength,
      searchAttributes: attributesOf(d),
      pendingTimers: d.status.name === 'RUNNING' ? pendingTimers(events) : [],
      pendingActivities: pendingActivities(d),
      pendingChildren: (d.raw.pendingChildren ?? []).map((c) => ({ workflowId: c.workflowId, type: c.workflowTypeName })),
      resetPoints: resetPoints(events),
      ...state,
    });
  });

  // ---- terminate / cancel ------------------------------------------------------------------------
  for (const action of ['terminate', 'cancel'] as const) {
    registry.registerPath({
      method: 'post', path: `/api/admin/workflows/{workflowId}/${action}`, tags: [TAG],
      summary: action === 'terminate'
        ? 'Terminate a running workflow at once (no clean-up code runs), with a reason'
        : 'Request cancellation of a running workflow (its code may clean up), with a reason',
      request: { params: WorkflowIdParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: ReasonBody } } } },
      responses: { 200: json(WorkflowActedBody, 'Done, and recorded in the audit log'), 400: err('No reason or a bad field'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region'), 409: err('The workflow is not running') },
    });
    router.post(`/api/admin/workflows/:workflowId/${action}`, async (req, res) => {
      access(req);
      const { workflowId } = parseOr400(WorkflowIdParam, req.params, 'params');
      const d = await describe(req, workflowId); // another region's workflow: 403 before anything else
      const { reason } = parseOr400(ReasonBody, req.body ?? {}, 'body');
      await once(req, res, action, { workflowId, reason }, async () => {
        if (d.status.name !== 'RUNNING') adminError(new Error('not running'), workflowId);
        const handle = client.workflow.getHandle(workflowId, d.runId);
        const { recorded } = await act(req, action, workflowId, d.runId, reason, {}, async () => {
          if (action === 'terminate') await handle.terminate(`${reason} (admin ${access(req).userId})`);
          else await handle.cancel();
          return undefined;
        });
        return { workflowId, runId: d.runId, action, recorded };
      });
    });
  }

  // ---- reset ----------------------------------------------------------------------------------------
  registry.registerPath({
    method: 'post', path: '/api/admin/workflows/{workflowId}/reset', tags: [TAG],
    summary: 'Reset a workflow to a workflow-task event (a new run replays up to it and continues with the current code)',
    request: { params: WorkflowIdParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: ResetBody } } } },
    responses: { 200: json(WorkflowResetBody, 'Reset; the new run id, recorded in the audit log'), 409: err('The workflow has no completed workflow task to reset to'), 400: err('No reason, or the event is not a workflow-task event'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region') },
  });
  router.post('/api/admin/workflows/:workflowId/reset', async (req, res) => {
    access(req);
    const { workflowId } = parseOr400(WorkflowIdParam, req.params, 'params');
    const d = await describe(req, workflowId);
    const body = parseOr400(ResetBody, req.body ?? {}, 'body');
    await once(req, res, 'reset', { workflowId, ...body }, async () => {
      const events = await history(workflowId, d.runId);
      const points = resetPoints(events);
      const eventId = 'eventId' in body ? body.eventId : (body.to === 'firstWorkflowTask' ? points[0] : points[points.length - 1])?.eventId;
      if (eventId === undefined) throw new HttpError(409, 'NO_RESET_POINT', 'This workflow has no completed workflow task to reset to.');
      const target = resetTarget(events, eventId);
      if (!target.ok) {
        const message = target.found ? `event ${eventId} is a ${target.found} event; reset to a WORKFLOW_TASK_COMPLETED event (see resetPoints)` : `the history has no event ${eventId}`;
        throw new HttpError(400, 'VALIDATION_FAILED', `body.eventId: ${message}`, [{ field: 'body.eventId', message }]);
      }
      const { result, recorded } = await act(req, 'reset', workflowId, d.runId, body.reason, { eventId }, async () => {
        const request = temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
          namespace, workflowExecution: { workflowId, runId: d.runId }, reason: `${body.reason} (admin ${access(req).userId})`, workflowTaskFinishEventId: eventId, requestId: randomUUID(),
        });
        const r = await client.workflowService.resetWorkflowExecution(request);
        return { newRunId: r.runId ?? null };
      });
      return { workflowId, previousRunId: d.runId, newRunId: result.newRunId, eventId, recorded };
    });
  });

  // ---- re-run a pending (failing) activity now ------------------------------------------------------
  registry.registerPath({
    method: 'post', path: '/api/admin/workflows/{workflowId}/activities/{activityId}/retry', tags: [TAG],
    summary: 'Re-run a pending activity now: its attempts start over and the retry back-off is skipped (e.g. after the cause of its failures was fixed)',
    request: { params: ActivityParams, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: ReasonBody } } } },
    responses: { 200: json(ActivityRetriedBody, 'Scheduled again; recorded in the audit log'), 400: err('No reason or a bad field'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region'), 404: err('No such workflow, or no such pending activity') },
  });
  router.post('/api/admin/workflows/:workflowId/activities/:activityId/retry', async (req, res) => {
    access(req);
    const { workflowId, activityId } = parseOr400(ActivityParams, req.params, 'params');
    const d = await describe(req, workflowId);
    const { reason } = parseOr400(ReasonBody, req.body ?? {}, 'body');
    await once(req, res, 'retryActivity', { workflowId, activityId, reason }, async () => {
      const pending = pendingActivities(d).find((a) => a.activityId === activityId);
      if (!pending) throw new HttpError(404, 'ACTIVITY_NOT_PENDING', `Workflow ${workflowId} has no pending activity ${activityId} (local activities are retried by the workflow task itself).`);
      const { recorded } = await act(req, 'retryActivity', workflowId, d.runId, reason, { activityId, activityType: pending.activityType, attemptBefore: pending.attempt }, async () => {
        await client.workflowService.resetActivity({ namespace, execution: { workflowId, runId: d.runId }, id: activityId, resetHeartbeat: true, identity: `admin:${access(req).userId}` });
        return undefined;
      });
      return { workflowId, runId: d.runId, activityId, recorded };
    });
  });

  // ---- the audit log ---------------------------------------------------------------------------------
  registry.registerPath({
    method: 'get', path: '/api/admin/actions', tags: [TAG],
    summary: 'The audit log of admin actions (who, when, what, why), newest first',
    request: { query: ListActionsQuery },
    responses: { 200: json(AdminActionsBody, 'Admin actions'), 400: err('A bad filter'), 401: err('No valid bearer token'), 403: err('Not an administrator, or not a workflow of your region') },
  });
  router.get('/api/admin/actions', async (req, res) => {
    requireRole(req, ['administrator', 'auditor'], 'read the admin audit log');
    const q = parseOr400(ListActionsQuery, req.query, 'query');
    res.json({ actions: await listAdminActions(ledger.db, q) });
  });

  return router;
}
