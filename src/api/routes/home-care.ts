/**
 * Home health care enrollments (hemsjukvård) over HTTP (docs/domain.md §5, 001 §7.1–§7.2): the
 * start of coordinated planning, with consent, and the enrollment's state, timeline, allowed
 * actions and staff actions, made from its spec by ./process-routes.ts.
 */
import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { requestHashOf, startProcess } from '../../temporal/process-client';
import { dischargeWorkflowId, episodeQuery } from '../../../workflows/discharge/contract';
import { enrollmentAllowedActionsQuery, enrollmentQuery, homeCareWorkflowType, type HomeCareWorkflow, homeCareUpdates, homeCareWorkflowId } from '../../../workflows/home-care/contract';
import { ErrorBody, parseOr400 } from '../errors';
import { ENROLLMENT_ACTIONS, StartEnrollmentBody } from '../schemas/home-care';
import { EnrollmentStarted, EnrollmentViewSchema, jsonResponse } from '../schemas/views';
import { IdempotencyKeyHeader } from '../schemas/common';
import { idempotencyKey } from '../idempotency';
import { START_ROLES } from '../../auth/policy';
import { actorOf } from '../../auth/principal';
import { ENROLLMENT_WORKSPACE_ACTIONS } from '../../domain/home-care/allowed';
import { requireRole } from '../auth';
import { allowedActionsSchema, errors, processRoutes, startHelpers, type ProcessRouteDeps, type ProcessSpec } from './process-routes';

// made once: a schema's id is registered globally, and the app may be created more than once in a process (tests)
const EnrollmentAllowedActions = allowedActionsSchema('EnrollmentAllowedActions', 'enrollmentId', 'enrollment', ENROLLMENT_WORKSPACE_ACTIONS);

const ENROLLMENT: ProcessSpec = {
  base: '/api/home-care/enrollments', tag: 'Hemsjukvård (home health care)', noun: 'enrollment', processType: 'homeHealthCare',
  notFound: { code: 'ENROLLMENT_NOT_FOUND', message: 'There is no home health care enrollment with that id.' },
  workflowId: homeCareWorkflowId, query: enrollmentQuery, actions: ENROLLMENT_ACTIONS, updates: homeCareUpdates, view: EnrollmentViewSchema,
  workspaceActions: ENROLLMENT_WORKSPACE_ACTIONS, allowedQuery: enrollmentAllowedActionsQuery as unknown as ProcessSpec['allowedQuery'], idKey: 'enrollmentId',
  allowedSchema: EnrollmentAllowedActions,
};

export function homeCareRoutes(registry: OpenAPIRegistry, deps: ProcessRouteDeps): Router {
  const { client, config, access } = deps;
  const { startingParty, regionOf, processId, sameStart, patient, attributes } = startHelpers(deps);
  const router = Router();

  // ---- hemsjukvård: start ------------------------------------------------------------------------
  registry.registerPath({
    method: 'post', path: '/api/home-care/enrollments', tags: ['Hemsjukvård (home health care)'],
    summary: 'Start coordinated planning for home health care, with consent — samordnad planering inför inskrivning i hemsjukvård',
    request: { headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: StartEnrollmentBody } } } },
    responses: { 201: jsonResponse(EnrollmentStarted, 'Started'), 200: jsonResponse(EnrollmentStarted, 'Already started with this Idempotency-Key'), 400: errors('enrollment')[400], 404: { description: 'The discharge episode does not exist', content: { 'application/json': { schema: ErrorBody } } } },
  });
  router.post('/api/home-care/enrollments', async (req, res) => {
    const p = requireRole(req, START_ROLES.homeHealthCare, 'start home health care planning');
    const body = parseOr400(StartEnrollmentBody, req.body, 'body');
    const startParties = { municipality: { kind: 'municipality', id: body.residenceMunicipality }, primaryCare: { kind: 'primaryCare', id: body.primaryCareUnit } } as const;
    startingParty(p, body.region, startParties);
    const region = regionOf(body.region, body.residenceMunicipality);
    const enrollmentId = processId(req, p, 'enrollment');
    const requestHash = requestHashOf('startEnrollment', body);
    if (body.dischargeEpisodeId) {
      // the episode must exist and be one the caller may see; the workflow then links it (docs/domain.md §5)
      const workflowId = dischargeWorkflowId(body.dischargeEpisodeId);
      await access.authorize(req, { processType: 'discharge', processId: body.dischargeEpisodeId, workflowId, read: () => client.workflow.getHandle(workflowId).query(episodeQuery) }, START_ROLES.homeHealthCare, 'link an episode', 'episode');
    }
    const startedAt = body.startedAt ? new Date(body.startedAt).toISOString() : new Date().toISOString();
    const pseudonym = patient(body.patient, startedAt);
    const workflowId = homeCareWorkflowId(enrollmentId);
    const { existed } = await startProcess<HomeCareWorkflow>(
      client,
      homeCareWorkflowType,
      {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        typedSearchAttributes: attributes(region.id, body.residenceMunicipality, 'planning'),
        args: [{
          enrollmentId, region: region.id, patientRef: pseudonym.patientRef, patientAgeAtStart: pseudonym.age, residenceMunicipality: body.residenceMunicipality,
          primaryCareUnit: body.primaryCareUnit, initiatedBy: body.initiatedBy, consent: body.consent, dischargeEpisodeId: body.dischargeEpisodeId,
          startedAt, actor: actorOf(p), settings: { escalationWeekdays: region.process.escalationWeekdays, invitationAckRule: region.process.homeCareInvitationAck },
          ...(idempotencyKey(req) ? { requestHash } : {}),
        }],
      },
      sameStart(workflowId, enrollmentQuery, requestHash, 'enrollment'),
    );
    if (!existed) access.remember({ processType: 'homeHealthCare', workflowId }, { region: region.id, patientRef: pseudonym.patientRef, parties: startParties });
    res.status(existed ? 200 : 201).location(`/api/home-care/enrollments/${enrollmentId}`).json({ enrollmentId, workflowId, status: 'planning' });
  });

  // ---- state, timeline and actions -----------------------------------------------------------------
  processRoutes(registry, router, deps, ENROLLMENT);
  return router;
}
