/**
 * A unit's inbox (messages awaiting its acknowledgement, soonest deadline first, and its open
 * deviations) and the region's declared downtime windows (driftstopp, 001 §4).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { declareDowntime, listDowntime } from '../../db/operations';
import { BadCursorError, unitInbox, WORKLIST_SECTIONS } from '../../db/worklist';
import { PROCESS_TYPES } from '../../domain/process';
import { findRegion } from '../../domain/regions';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { CursorSchema, IdempotencyKeyHeader, IsoInstant, RegionIdSchema } from '../schemas/common';
import { idempotentWrite, uuidFromKey } from '../idempotency';
import { DowntimeWindowView, jsonResponse, UnitInboxBody } from '../schemas/views';
import { partyOf, ROLES, type Role } from '../../auth/principal';
import { notAccessible, requireRole, type ProcessAccess } from '../auth';

const STAFF_ROLES: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'];

const UnitParam = z.object({
  unitId: z.string().regex(/^(?:SE\d{10}-[A-Za-z0-9]{1,31}|\d{4})$/, 'must be an HSA-id (e.g. SE2321000115-ABC1) or a 4-digit kommunkod'),
});
const InboxQuery = z
  .object({
    section: z.enum(WORKLIST_SECTIONS).optional().meta({ description: 'one section only, paged from `cursor`' }),
    municipality: z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod').optional(),
    processType: z.enum(PROCESS_TYPES).optional(),
    dueBefore: IsoInstant.optional().meta({ description: 'only items due at or before this instant' }),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: CursorSchema.optional().meta({ description: 'the `next.<section>` of the previous page; requires `section`' }),
  })
  .strict()
  .refine((q) => !q.cursor || q.section, { path: ['cursor'], message: 'a cursor belongs to one section: give `section` too' });
const RegionParam = z.object({ region: RegionIdSchema });
const DowntimeBody = z
  .object({ startsAt: IsoInstant, endsAt: IsoInstant, reason: z.string().trim().min(1).max(500) })
  .strict()
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { path: ['endsAt'], message: 'must be after startsAt' })
  .meta({ id: 'Downtime', description: '`endsAt` after `startsAt` (a rule between two fields: 400 naming `endsAt`)' });

export function unitRoutes(registry: OpenAPIRegistry, deps: { ledger: LedgerStore; config: Config; access: ProcessAccess }): Router {
  const router = Router();
  registry.registerPath({
    method: 'get',
    path: '/api/units/{unitId}/inbox',
    tags: ['Inkorg (inbox)'],
    summary: 'A unit’s worklist across every process — inkorg: messages to acknowledge (kvittera), invitations to answer (kallelse, hembesök), incomplete ready-to-go-home checklists of patients ready today (hemgångsklar), open deviations (avvikelser); soonest deadline first, paged by cursor',
    request: { params: UnitParam, query: InboxQuery },
    responses: {
      200: jsonResponse(UnitInboxBody, 'The inbox'),
      400: { description: 'Bad unit id', content: { 'application/json': { schema: ErrorBody } } },
      403: { description: 'Not your unit or municipality', content: { 'application/json': { schema: ErrorBody } } },
    },
  });
  router.get('/api/units/:unitId/inbox', async (req, res) => {
    const p = requireRole(req, STAFF_ROLES, 'read a unit’s inbox');
    const { unitId } = parseOr400(UnitParam, req.params, 'params');
    // §10: staff read their own unit's (or municipality's) inbox only
    if (partyOf(p)?.id !== unitId) throw notAccessible('inbox');
    const q = parseOr400(InboxQuery, req.query, 'query');
    let inbox;
    try {
      inbox = await unitInbox(deps.ledger.db, unitId, { ...q, dueBefore: q.dueBefore ? new Date(q.dueBefore).toISOString() : undefined });
    } catch (err) {
      if (err instanceof BadCursorError) throw new HttpError(400, 'VALIDATION_FAILED', `query.cursor: ${err.message}`, [{ field: 'query.cursor', message: err.message }]);
      throw err;
    }
    await deps.access.logRead(req, { purpose: 'the worklist of their own unit or municipality', patientRefs: [] });
    res.json(inbox);
  });

  const regionOr404 = (id: string) => {
    if (!findRegion(deps.config.regions, id)) throw new HttpError(404, 'REGION_NOT_FOUND', `No region ${id} is configured.`);
  };
  /** Downtime is the region's own business: its staff read it, its administrators declare it. */
  const ownRegion = (req: Request, roles: readonly Role[], what: string, region: string) => {
    const p = requireRole(req, roles, what);
    if (p.region !== region) throw new HttpError(403, 'NOT_YOUR_REGION', `You work in ${p.region}; ${region}'s downtime windows are that region's.`);
    return p;
  };
  registry.registerPath({
    method: 'post',
    path: '/api/regions/{region}/downtime',
    tags: ['Driftstopp (downtime)'],
    summary: 'Declare a downtime window of the shared IT system — driftstopp',
    request: { params: RegionParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: DowntimeBody } } } },
    responses: { 201: jsonResponse(DowntimeWindowView, 'Declared (or, with the same Idempotency-Key, the window declared before)'), 400: { description: 'Malformed', content: { 'application/json': { schema: ErrorBody } } }, 404: { description: 'No such region is configured', content: { 'application/json': { schema: ErrorBody } } } },
  });
  router.post('/api/regions/:region/downtime', async (req, res) => {
    const { region } = parseOr400(RegionParam, req.params, 'params');
    requireRole(req, ['administrator'], 'declare a downtime window');
    regionOr404(region); // an unconfigured region is named as such, before whose it is
    const p = ownRegion(req, ['administrator'], 'declare a downtime window', region);
    const b = parseOr400(DowntimeBody, req.body ?? {}, 'body');
    // with an Idempotency-Key the window's id comes from it: a retry declares no second window
    const answer = await idempotentWrite(deps.ledger.db, req, { operation: 'declareDowntime', organisation: p.organisation, body: { region, ...b } }, async (key) => {
      const w = { windowId: uuidFromKey(`downtime:${region}`, p.organisation, key), region, startsAt: new Date(b.startsAt).toISOString(), endsAt: new Date(b.endsAt).toISOString(), reason: b.reason, declaredBy: p.userId };
      await declareDowntime(deps.ledger.db, w);
      return { status: 201, body: w };
    });
    res.status(answer.status).json(answer.body);
  });
  registry.registerPath({
    method: 'get',
    path: '/api/regions/{region}/downtime',
    tags: ['Driftstopp (downtime)'],
    summary: 'Declared downtime windows of a region',
    request: { params: RegionParam },
    responses: { 200: jsonResponse(z.array(DowntimeWindowView), 'The windows, newest first'), 404: { description: 'No such region is configured', content: { 'application/json': { schema: ErrorBody } } } },
  });
  router.get('/api/regions/:region/downtime', async (req, res) => {
    const { region } = parseOr400(RegionParam, req.params, 'params');
    requireRole(req, ROLES, 'read downtime windows');
    regionOr404(region);
    ownRegion(req, ROLES, 'read downtime windows', region);
    res.json(await listDowntime(deps.ledger.db, region));
  });
  return router;
}
