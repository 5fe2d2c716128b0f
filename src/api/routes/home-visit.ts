/**
 * Single home visit orders (enstaka hembesök) over HTTP (docs/domain.md §5, 001 §7.3–§7.4): the
 * health centre's order, and the order's state, timeline, allowed actions and staff actions, made
 * from its spec by ./process-routes.ts.
 */
import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { requestHashOf, startProcess } from '../../temporal/process-client';
import { homeVisitUpdates, visitAllowedActionsQuery, homeVisitWorkflowId, homeVisitWorkflowType, type HomeVisitWorkflow, visitOrderQuery } from '../../../workflows/home-visit/contract';
import { parseOr400 } from '../errors';
import { StartVisitOrderBody, VISIT_ORDER_ACTIONS } from '../schemas/home-visit';
import { jsonResponse, VisitOrderStarted, VisitOrderViewSchema } from '../schemas/views';
import { IdempotencyKeyHeader } from '../schemas/common';
import { idempotencyKey } from '../idempotency';
import { START_ROLES } from '../../auth/policy';
import { actorOf } from '../../auth/principal';
import { VISIT_WORKSPACE_ACTIONS } from '../../domain/home-visit/allowed';
import { requireRole } from '../auth';
import { allowedActionsSchema, errors, processRoutes, startHelpers, type ProcessRouteDeps, type ProcessSpec } from './process-routes';

// made once: a schema's id is registered globally, and the app may be created more than once in a process (tests)
const VisitOrderAllowedActions = allowedActionsSchema('VisitOrderAllowedActions', 'orderId', 'order', VISIT_WORKSPACE_ACTIONS);

const ORDER: ProcessSpec = {
  base: '/api/home-visits', tag: 'Enstaka hembesök (single home visit)', noun: 'order', processType: 'singleHomeVisit',
  notFound: { code: 'ORDER_NOT_FOUND', message: 'There is no single home visit order with that id.' },
  workflowId: homeVisitWorkflowId, query: visitOrderQuery, actions: VISIT_ORDER_ACTIONS, updates: homeVisitUpdates, view: VisitOrderViewSchema,
  workspaceActions: VISIT_WORKSPACE_ACTIONS, allowedQuery: visitAllowedActionsQuery as unknown as ProcessSpec['allowedQuery'], idKey: 'orderId',
  allowedSchema: VisitOrderAllowedActions,
};

export function homeVisitRoutes(registry: OpenAPIRegistry, deps: ProcessRouteDeps): Router {
  const { client, config, access } = deps;
  const { startingParty, regionOf, processId, sameStart, patient, attributes } = startHelpers(deps);
  const router = Router();

  // ---- enstaka hembesök: the order ---------------------------------------------------------------
  registry.registerPath({
    method: 'post', path: '/api/home-visits', tags: ['Enstaka hembesök (single home visit)'],
    summary: 'The health centre orders a single home visit — meddelande utanför vårdtillfälle, mall Enstaka hembesök',
    request: { headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: StartVisitOrderBody } } } },
    responses: { 201: jsonResponse(VisitOrderStarted, 'Ordered'), 200: jsonResponse(VisitOrderStarted, 'Already ordered with this Idempotency-Key'), 400: errors('order')[400] },
  });
  router.post('/api/home-visits', async (req, res) => {
    const p = requireRole(req, START_ROLES.singleHomeVisit, 'order a single home visit');
    const body = parseOr400(StartVisitOrderBody, req.body, 'body');
    const startParties = { municipality: { kind: 'municipality', id: body.residenceMunicipality }, primaryCare: { kind: 'primaryCare', id: body.primaryCareUnit } } as const;
    startingParty(p, body.region, { primaryCare: startParties.primaryCare });
    const region = regionOf(body.region, body.residenceMunicipality);
    const orderId = processId(req, p, 'visit');
    const requestHash = requestHashOf('startVisitOrder', body);
    const orderedAt = body.orderedAt ? new Date(body.orderedAt).toISOString() : new Date().toISOString();
    const pseudonym = patient(body.patient, orderedAt);
    const workflowId = homeVisitWorkflowId(orderId);
    const { existed } = await startProcess<HomeVisitWorkflow>(
      client,
      homeVisitWorkflowType,
      {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        typedSearchAttributes: attributes(region.id, body.residenceMunicipality, 'ordered'),
        args: [{
          orderId, region: region.id, patientRef: pseudonym.patientRef, patientAgeAtOrder: pseudonym.age, residenceMunicipality: body.residenceMunicipality,
          primaryCareUnit: body.primaryCareUnit, interventions: body.interventions, startDate: body.startDate, endDate: body.endDate, orderedAt,
          actor: actorOf(p), settings: { escalationWeekdays: region.process.escalationWeekdays },
          ...(idempotencyKey(req) ? { requestHash } : {}),
        }],
      },
      sameStart(workflowId, visitOrderQuery, requestHash, 'order'),
    );
    if (!existed) access.remember({ processType: 'singleHomeVisit', workflowId }, { region: region.id, patientRef: pseudonym.patientRef, parties: startParties });
    res.status(existed ? 200 : 201).location(`/api/home-visits/${orderId}`).json({ orderId, workflowId, status: 'ordered' });
  });

  // ---- state, timeline and actions -----------------------------------------------------------------
  processRoutes(registry, router, deps, ORDER);
  return router;
}
