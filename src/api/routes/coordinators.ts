/**
 * The coordinators' inbox and actions (docs/domain.md §6, §10 "coordinator: escalations and
 * deviations of its organisation; close deviations"). The inbox reads the ledger; every action
 * is a Workflow Update on the deviation's process (the shared coordinator actions of
 * workflows/shared/coordinator-actions.ts), so it is on the process's timeline, refusals are 409
 * and record nothing, and the Idempotency-Key makes a retried request record once.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { coordinatorInbox, decodeCursor, deviationLocation } from '../../db/escalation';
import { RESOLUTIONS, type CoordinatorAction, type CoordinatorActionType } from '../../domain/coordination';
import { organisationOf, type Organisation } from '../../domain/escalation';
import { findRegion } from '../../domain/regions';
import { coordinatorUpdates } from '../../../workflows/shared/coordinator-contract';
import { dischargeWorkflowId } from '../../../workflows/discharge/contract';
import { homeCareWorkflowId } from '../../../workflows/home-care/contract';
import { homeVisitWorkflowId } from '../../../workflows/home-visit/contract';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { CursorSchema, IdempotencyKeyHeader } from '../schemas/common';
import { CoordinatorActionBody, CoordinatorInboxBody, jsonResponse } from '../schemas/views';
import { idempotencyKey } from '../idempotency';
import { act, requestHashOf, type ProcessNames } from '../../temporal/process-client';
import { COORDINATOR_ACTION_ROLES } from '../../auth/policy';
import { actorOf, type Principal } from '../../auth/principal';
import { notAccessible, requireRegion, requireRole, type ProcessAccess } from '../auth';

/** A deviation's process is in the ledger, so it exists: "not found" means it has completed. */
const DEVIATION_PROCESS_NAMES: ProcessNames = {
  notFound: { code: 'PROCESS_CLOSED', message: 'The process of this deviation is closed; nothing more can be recorded on it.' },
  closed: { code: 'PROCESS_CLOSED', message: 'The process of this deviation is closed; nothing more can be recorded on it.' },
};

const OrgParam = z.object({ organisationId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be an organisation id') });
const DeviationParam = z.object({ deviationId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a deviation id') });
const InboxQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: CursorSchema.optional().meta({ description: '`nextCursor` of the previous page' }),
    acknowledged: z.enum(['true', 'false']).optional(),
  })
  .strict();

const PartyKindEnum = z.enum(['inpatient', 'primaryCare', 'psychiatricOutpatient', 'municipality', 'emergencyDepartment']);
/** A municipality by its kommunkod, any other unit by its HSA-id (one schema validates and documents it). */
const Unit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('municipality'), id: z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod') }).strict(),
  z.object({ kind: PartyKindEnum.exclude(['municipality']), id: z.string().regex(/^SE\d{10}-[A-Za-z0-9]{1,31}$/, 'must be an HSA-id') }).strict(),
]);
const text = (max: number) => z.string().trim().min(1).max(max);

const ACTIONS: Record<CoordinatorActionType, { path: string; summary: string; body: z.ZodObject }> = {
  acknowledgeEscalation: { path: 'acknowledge-escalation', summary: 'Acknowledge the escalation: a coordinator takes it on — kvittera eskalering', body: z.object({}) },
  commentDeviation: { path: 'comments', summary: 'Comment on the deviation — kommentera avvikelse', body: z.object({ comment: text(2000) }) },
  resolveDeviation: { path: 'close', summary: 'Close the deviation with a resolution — avsluta avvikelse', body: z.object({ resolution: z.enum(RESOLUTIONS), comment: text(2000) }) },
  reassignDeviation: { path: 'reassign', summary: 'Reassign the deviation to a unit — överlämna till enhet', body: z.object({ unit: Unit, comment: text(2000).optional() }) },
};

const WORKFLOW_ID: Record<string, (id: string) => string> = { discharge: dischargeWorkflowId, homeHealthCare: homeCareWorkflowId, singleHomeVisit: homeVisitWorkflowId };

export function coordinatorRoutes(registry: OpenAPIRegistry, deps: { client: Client; config: Config; ledger: LedgerStore; access: ProcessAccess }): Router {
  const { client, config, ledger, access } = deps;
  const router = Router();
  const err = (d: string) => ({ description: d, content: { 'application/json': { schema: ErrorBody } } });

  const organisation = (id: string): { org: Organisation; region: string } => {
    for (const r of config.regions) {
      const org = r.escalation.organisations.find((o) => o.id === id);
      if (org) return { org, region: r.id };
    }
    throw new HttpError(404, 'ORGANISATION_NOT_FOUND', `No organisation ${id} is configured (REGIONS_FILE escalation.organisations).`);
  };

  registry.registerPath({
    method: 'get',
    path: '/api/coordinators/{organisationId}/inbox',
    tags: ['Koordinator (coordinators)'],
    summary: 'Open escalated deviations of an organisation, with the process state and the deadline missed — koordinatorns inkorg',
    request: { params: OrgParam, query: InboxQuery },
    responses: { 200: jsonResponse(CoordinatorInboxBody, '{ items, nextCursor }: oldest missed deadline first'), 400: err('Bad parameter'), 401: err('No valid bearer token'), 403: err('Not a coordinator of this organisation'), 404: err('No such organisation') },
  });
  router.get('/api/coordinators/:organisationId/inbox', async (req, res) => {
    const p = requireRole(req, COORDINATOR_ACTION_ROLES.resolveDeviation, 'read a coordinator inbox');
    const { organisationId } = parseOr400(OrgParam, req.params, 'params');
    const q = parseOr400(InboxQuery, req.query, 'query');
    // §10: a coordinator sees the escalations of their own organisation only
    if (p.organisation !== organisationId) throw notAccessible('coordinator inbox');
    const { org, region } = organisation(organisationId);
    requireRegion(p, region, 'coordinator inbox');
    const cursor = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
    if (q.cursor && !cursor) throw new HttpError(400, 'VALIDATION_FAILED', 'query.cursor: not a cursor of this list', [{ field: 'query.cursor', message: 'not a cursor of this list' }]);
    const page = await coordinatorInbox(ledger.db, org, { limit: q.limit, cursor: cursor as [string, string] | undefined, acknowledged: q.acknowledged === undefined ? undefined : q.acknowledged === 'true' });
    await access.logRead(req, { purpose: 'the coordinators’ inbox of their organisation', patientRefs: [] });
    res.json(page);
  });

  /**
   * §10: a coordinator acts on the deviations of their own organisation — the one responsible for
   * the deviation. Any other deviation gets the same answer as one that does not exist.
   */
  function actingCoordinator(p: Principal, loc: { region: string; responsible_kind: string; responsible_id: string } | undefined) {
    const r = loc && p.region === loc.region ? findRegion(config.regions, loc.region) : undefined;
    const owner = r && loc ? organisationOf(r.escalation, { kind: loc.responsible_kind, id: loc.responsible_id } as never) : undefined;
    if (!owner || owner.id !== p.organisation) throw notAccessible('deviation');
    return actorOf(p);
  }

  for (const [type, spec] of Object.entries(ACTIONS) as [CoordinatorActionType, (typeof ACTIONS)[CoordinatorActionType]][]) {
    const body = spec.body.strict();
    registry.registerPath({
      method: 'post',
      path: `/api/deviations/{deviationId}/${spec.path}`,
      tags: ['Koordinator (coordinators)'],
      summary: spec.summary,
      request: { params: DeviationParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: body } } } },
      responses: {
        200: jsonResponse(CoordinatorActionBody, 'Recorded on the process’s timeline; the deviation as it is now'),
        400: err('Malformed input'),
        401: err('No valid bearer token'),
        403: err('Not a coordinator, or no such deviation among your organisation’s (the same answer whether or not it exists)'),
        409: err('The deviation’s state does not allow this (DEVIATION_CLOSED, NOT_ESCALATED, …)'),
        422: err('The Idempotency-Key was already used for a different request'),
      },
    });
    router.post(`/api/deviations/:deviationId/${spec.path}`, async (req, res) => {
      const p = requireRole(req, COORDINATOR_ACTION_ROLES[type], spec.summary.split(' — ')[0].toLowerCase());
      const { deviationId } = parseOr400(DeviationParam, req.params, 'params');
      const loc = await deviationLocation(ledger.db, deviationId);
      const actor = actingCoordinator(p, loc ?? undefined);
      const key = idempotencyKey(req);
      const parsed = parseOr400(body, req.body ?? {}, 'body') as Record<string, unknown>;
      if (!loc) throw notAccessible('deviation');
      const action = { ...parsed, type, deviationId, actor } as CoordinatorAction;
      // the deviation's process is in the ledger, so it exists: "not found" means it has completed
      const r = await act(client.workflow.getHandle(WORKFLOW_ID[loc.process_type](loc.process_id)), coordinatorUpdates[type], action, {
        type, organisation: p.organisation, key, requestHash: requestHashOf(type, deviationId, parsed), names: DEVIATION_PROCESS_NAMES, noun: 'deviation',
      });
      res.json({ processType: loc.process_type, processId: loc.process_id, version: r.version, deviation: r.deviation });
    });
  }
  return router;
}
