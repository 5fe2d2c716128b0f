/**
 * The coordinators' inbox and actions (DOMAIN.md §6, §10 "coordinator: escalations and
 * deviations of its organisation; close deviations"). The inbox reads the ledger; every action
 * is a Workflow Update on the deviation's process (the shared coordinator actions of
 * workflows/shared/coordinator-actions.ts), so it is on the process's timeline, refusals are 409
 * and record nothing, and the Idempotency-Key makes a retried request record once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { coordinatorInbox, decodeCursor, deviationLocation } from '../../db/escalation';
import { RESOLUTIONS, type CoordinatorAction, type CoordinatorActionType } from '../../domain/coordination';
import { organisationOf, type Organisation } from '../../domain/escalation';
import { isValidHsaId } from '../../domain/identifiers';
import { findRegion } from '../../domain/regions';
import { coordinatorUpdates, type CoordinatorActionResult } from '../../../workflows/shared/coordinator-actions';
import { dischargeWorkflowId } from '../../../workflows/discharge';
import { homeCareWorkflowId } from '../../../workflows/homeCare';
import { homeVisitWorkflowId } from '../../../workflows/homeVisit';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { idempotencyKey, temporalError } from './episodes';

const OrgParam = z.object({ organisationId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be an organisation id') });
const DeviationParam = z.object({ deviationId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a deviation id') });
const InboxQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(400).optional(),
    acknowledged: z.enum(['true', 'false']).optional(),
  })
  .strict();

const PartyKindEnum = z.enum(['inpatient', 'primaryCare', 'psychiatricOutpatient', 'municipality', 'emergencyDepartment']);
const Unit = z
  .object({ kind: PartyKindEnum, id: z.string() })
  .strict()
  .superRefine((u, ctx) => {
    const ok = u.kind === 'municipality' ? /^\d{4}$/.test(u.id) : isValidHsaId(u.id);
    if (!ok) ctx.addIssue({ code: 'custom', path: ['id'], message: u.kind === 'municipality' ? 'must be a 4-digit kommunkod' : 'must be an HSA-id' });
  });
const text = (max: number) => z.string().trim().min(1).max(max);

const ACTIONS: Record<CoordinatorActionType, { path: string; summary: string; body: z.ZodObject }> = {
  acknowledgeEscalation: { path: 'acknowledge-escalation', summary: 'Acknowledge the escalation: a coordinator takes it on — kvittera eskalering', body: z.object({}) },
  commentDeviation: { path: 'comments', summary: 'Comment on the deviation — kommentera avvikelse', body: z.object({ comment: text(2000) }) },
  resolveDeviation: { path: 'close', summary: 'Close the deviation with a resolution — avsluta avvikelse', body: z.object({ resolution: z.enum(RESOLUTIONS), comment: text(2000) }) },
  reassignDeviation: { path: 'reassign', summary: 'Reassign the deviation to a unit — överlämna till enhet', body: z.object({ unit: Unit, comment: text(2000).optional() }) },
};

const WORKFLOW_ID: Record<string, (id: string) => string> = { discharge: dischargeWorkflowId, homeHealthCare: homeCareWorkflowId, singleHomeVisit: homeVisitWorkflowId };

export function coordinatorRoutes(registry: OpenAPIRegistry, deps: { client: Client; config: Config; ledger: LedgerStore }): Router {
  const { client, config, ledger } = deps;
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
    responses: { 200: { description: '{ items, nextCursor }: oldest missed deadline first' }, 400: err('Bad parameter'), 404: err('No such organisation') },
  });
  router.get('/api/coordinators/:organisationId/inbox', async (req, res) => {
    const { organisationId } = parseOr400(OrgParam, req.params, 'params');
    const q = parseOr400(InboxQuery, req.query, 'query');
    const { org } = organisation(organisationId);
    const cursor = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
    if (q.cursor && !cursor) throw new HttpError(400, 'VALIDATION_FAILED', 'query.cursor: not a cursor of this list', [{ field: 'query.cursor', message: 'not a cursor of this list' }]);
    res.json(await coordinatorInbox(ledger.db, org, { limit: q.limit, cursor: cursor as [string, string] | undefined, acknowledged: q.acknowledged === undefined ? undefined : q.acknowledged === 'true' }));
  });

  /** The acting coordinator must belong to the organisation responsible for the deviation (§10). */
  function actingCoordinator(req: Request, region: string, responsible: { kind: string; id: string }) {
    const userId = req.header('X-Actor-Id');
    const orgId = req.header('X-Actor-Organisation');
    if (!userId || !orgId) {
      const missing = [!userId && 'header.X-Actor-Id', !orgId && 'header.X-Actor-Organisation'].filter((x): x is string => !!x);
      throw new HttpError(400, 'VALIDATION_FAILED', `${missing.join(', ')}: required for a coordinator's action`, missing.map((field) => ({ field, message: 'required' })));
    }
    const r = findRegion(config.regions, region);
    const owner = r ? organisationOf(r.escalation, responsible as never) : undefined;
    if (!owner || owner.id !== orgId || !owner.coordinators.some((c) => c.id === userId)) {
      throw new HttpError(403, 'NOT_YOUR_ORGANISATION', 'Only a coordinator of the organisation responsible for this deviation can act on it.');
    }
    return { userId: userId.slice(0, 100), organisation: orgId.slice(0, 100) };
  }

  for (const [type, spec] of Object.entries(ACTIONS) as [CoordinatorActionType, (typeof ACTIONS)[CoordinatorActionType]][]) {
    const body = spec.body.strict();
    registry.registerPath({
      method: 'post',
      path: `/api/deviations/{deviationId}/${spec.path}`,
      tags: ['Koordinator (coordinators)'],
      summary: spec.summary,
      request: { params: DeviationParam, body: { content: { 'application/json': { schema: body } } } },
      responses: {
        200: { description: 'Recorded on the process’s timeline; the deviation as it is now' },
        400: err('Malformed input, or the X-Actor-* headers are missing'),
        403: err('Not a coordinator of the responsible organisation'),
        404: err('No such deviation'),
        409: err('The deviation’s state does not allow this (DEVIATION_CLOSED, NOT_ESCALATED, …)'),
        422: err('The Idempotency-Key was already used for a different request'),
      },
    });
    router.post(`/api/deviations/:deviationId/${spec.path}`, async (req, res) => {
      const { deviationId } = parseOr400(DeviationParam, req.params, 'params');
      const key = idempotencyKey(req);
      const parsed = parseOr400(body, req.body ?? {}, 'body') as Record<string, unknown>;
      const loc = await deviationLocation(ledger.db, deviationId);
      if (!loc) throw new HttpError(404, 'DEVIATION_NOT_FOUND', 'There is no deviation with that id.');
      const actor = actingCoordinator(req, loc.region, { kind: loc.responsible_kind, id: loc.responsible_id });
      const requestHash = createHash('sha256').update(`${type}\n${deviationId}\n${JSON.stringify(parsed)}`).digest('hex').slice(0, 32);
      const action = { ...parsed, type, deviationId, actor, requestHash } as CoordinatorAction;
      let r: CoordinatorActionResult;
      try {
        r = await client.workflow.getHandle(WORKFLOW_ID[loc.process_type](loc.process_id)).executeUpdate(coordinatorUpdates[type], { args: [action], updateId: key ? `${type}:${deviationId}:${key}` : randomUUID() });
      } catch (e) {
        temporalError(e);
      }
      if (r.requestHash && r.requestHash !== requestHash) {
        throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request on this deviation; nothing new was recorded.');
      }
      res.json({ processType: loc.process_type, processId: loc.process_id, version: r.version, deviation: r.deviation });
    });
  }
  return router;
}
