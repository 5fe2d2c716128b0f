/**
 * The auditors' view of the access log (docs/domain.md §10: "every read of patient data is
 * access-logged … as Swedish health-care law requires systematic access checks"): who read
 * which patient's data, when, through which endpoint and why, within the auditor's region.
 * Searching by patient takes the personnummer in the body (never in a URL, so never in a proxy
 * log) and looks up its pseudonymous reference.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { AccessLogWriter, queryAccessLog, type AccessLogFilter } from '../../db/access-log';
import { decodeCursor } from '../../db/escalation';
import { PatientIdentifierSchema, pseudonymousPatientRef } from '../../domain/identifiers';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { CursorSchema, IsoInstant } from '../schemas/common';
import { requireRole } from '../auth';
import { AccessLogBody, AccessLogSearchBody } from '../schemas/reports';
import { jsonResponse } from '../schemas/views';
import type { Principal } from '../../auth/principal';

const TAG = 'Granskning (audit)';
const Filters = {
  userId: z.string().min(1).max(100).optional(),
  organisation: z.string().min(1).max(100).optional(),
  processId: z.string().min(1).max(200).optional(),
  outcome: z.enum(['granted', 'refused']).optional().meta({ description: 'granted accesses only, or refused attempts only (issue 17)' }),
  from: IsoInstant.optional().meta({ description: 'entries at or after this instant' }),
  to: IsoInstant.optional().meta({ description: 'entries before this instant' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: CursorSchema.optional().meta({ description: '`nextCursor` of the previous page' }),
};
const LogQuery = z.object({ ...Filters, patientRef: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be a patient reference').optional() }).strict();
const PatientSearch = z.object({ ...Filters, patient: PatientIdentifierSchema }).strict().meta({ id: 'AccessLogPatientSearch' });

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorBody } } });

export function auditRoutes(registry: OpenAPIRegistry, deps: { config: Config; ledger: LedgerStore }): Router {
  const router = Router();
  const log = new AccessLogWriter(deps.ledger.db);

  /**
   * Issue 17: an auditor's search for a patient is an access to that patient's data in its own
   * right, logged like any other (after the search, so the answer does not list itself; before it
   * is sent, so a search that cannot be logged is not answered).
   */
  const logSearch = (p: Principal, endpoint: string, patientRef: string) =>
    log.record({ userId: p.userId, role: p.role, organisation: p.organisation, region: p.region, endpoint, processType: null, processId: null, patientRefs: [patientRef], purpose: 'an auditor’s search of the access log by patient (loggkontroll)' });

  async function answer(region: string, q: z.infer<typeof LogQuery>) {
    const before = q.cursor ? decodeCursor(q.cursor, 2) : undefined;
    if (q.cursor && !before) throw new HttpError(400, 'VALIDATION_FAILED', 'cursor: not a cursor of this log', [{ field: 'cursor', message: 'not a cursor of this log' }]);
    const filter: AccessLogFilter = {
      region, patientRef: q.patientRef, userId: q.userId, organisation: q.organisation, processId: q.processId, outcome: q.outcome,
      from: q.from ? new Date(q.from).toISOString() : undefined, to: q.to ? new Date(q.to).toISOString() : undefined,
      limit: q.limit, before: before as [string, string] | undefined,
    };
    return queryAccessLog(deps.ledger.db, filter);
  }

  registry.registerPath({
    method: 'get', path: '/api/audit/access-log', tags: [TAG],
    summary: 'The access log of patient-data reads in your region, newest first — loggkontroll (auditor)',
    request: { query: LogQuery },
    responses: { 200: jsonResponse(AccessLogBody, '{ entries, nextCursor }'), 400: err('A bad filter'), 401: err('No valid bearer token'), 403: err('Not an auditor') },
  });
  router.get('/api/audit/access-log', async (req, res) => {
    const p = requireRole(req, ['auditor'], 'read the access log');
    const q = parseOr400(LogQuery, req.query, 'query');
    const found = await answer(p.region, q);
    if (q.patientRef) await logSearch(p, 'GET /api/audit/access-log', q.patientRef);
    res.json(found);
  });

  registry.registerPath({
    method: 'post', path: '/api/audit/access-log/search', tags: [TAG],
    summary: 'Who read this patient’s data: search the access log by personnummer, samordningsnummer or reservnummer (auditor)',
    request: { body: { content: { 'application/json': { schema: PatientSearch } } } },
    responses: { 200: jsonResponse(AccessLogSearchBody, '{ patientRef, entries, nextCursor }'), 400: err('A bad identifier or filter'), 401: err('No valid bearer token'), 403: err('Not an auditor') },
  });
  router.post('/api/audit/access-log/search', async (req, res) => {
    const p = requireRole(req, ['auditor'], 'search the access log');
    const { patient, ...filters } = parseOr400(PatientSearch, req.body ?? {}, 'body');
    const patientRef = pseudonymousPatientRef(patient, deps.config.pseudonymKey);
    const found = await answer(p.region, { ...filters, patientRef });
    await logSearch(p, 'POST /api/audit/access-log/search', patientRef);
    res.json({ patientRef, ...found });
  });
  return router;
}
