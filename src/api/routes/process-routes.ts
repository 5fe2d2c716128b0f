/**
 * What the HTTP side of home health care (./home-care.ts) and single home visits (./home-visit.ts)
 * have in common (docs/domain.md §5): as for discharge episodes, a start endpoint, one Update
 * endpoint per staff action (validator refusals → 409 with the workflow's code), `Idempotency-Key`
 * → update id (and, on a start, the process id), GET for the state, for the full timeline and for
 * the actions allowed now. Each process's file declares its start and its `ProcessSpec`; the
 * routes below are made from the spec.
 */
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, type QueryDefinition, type UpdateDefinition } from '@temporalio/common';
import type { Config } from '../../config';
import type { LedgerStore } from '../../db/ledger';
import { processTimeline } from '../../db/process-ledger';
import type { ProcessType } from '../../domain/process';
import { localDateOf } from '../../domain/calendar';
import { patientAge, pseudonymousPatientRef, validateKommunkod, type PatientIdentifier } from '../../domain/identifiers';
import { findRegion, type Region } from '../../domain/regions';
import { sameParty, type Party } from '../../domain/obligations';
import { SA } from '../../temporal/search-attributes';
import { actAndRead, processIdOf, processViewReader, readError, requestHashOf } from '../../temporal/process-client';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { IdempotencyKeyHeader } from '../schemas/common';
import { jsonResponse, TimelineBody } from '../schemas/views';
import { idempotencyKey } from '../idempotency';
import { ACTION_ROLES, READ_ROLES } from '../../auth/policy';
import { actorOf, partyOf, type Principal, type Role } from '../../auth/principal';
import { withActingParty, type ProcessAccess, type ProcessRef } from '../auth';

export interface ProcessRouteDeps {
  client: Client;
  config: Config;
  ledger: LedgerStore;
  access: ProcessAccess;
}

const IdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an id') });

const PROCESS_CLOSED = { code: 'PROCESS_CLOSED', message: 'This process is closed; nothing more can be recorded on it.' };

/** Temporal errors → typed refusals, with this process's own not-found code. */
function processError(err: unknown, notFound: { code: string; message: string }): never {
  readError(err, { notFound, closed: PROCESS_CLOSED });
}

/** What a process's start answers with its own query: the hash of the first request with this key. */
type StartQuery = QueryDefinition<{ startRequestHash?: string }, []>;

/** A long-lived process as the routes see it. */
export interface ProcessSpec {
  base: string;
  tag: string;
  noun: string;
  processType: Exclude<ProcessType, 'discharge'>;
  notFound: { code: string; message: string };
  workflowId: (id: string) => string;
  /** the workflow's state query: the view when the ledger does not hold it (issue 21) */
  query: QueryDefinition<Awaited<ReturnType<ProcessRef['read']>> & { timeline: { seq: number }[] }, []>;
  actions: Record<string, { path: string; sv: string; summary: string; body: z.ZodObject }>;
  updates: Record<string, unknown>;
  /** the state's schema in the OpenAPI document */
  view: z.ZodType;
  /** the workspace's actions (issue 19), asked of the workflow's own refusal rule by its `allowedActions` query */
  workspaceActions: readonly string[];
  allowedQuery: QueryDefinition<{ type: string }[], [{ now: string; types: never; party?: Party }]>;
  allowedSchema: z.ZodType;
  idKey: 'enrollmentId' | 'orderId';
}

/** The actions a process allows you now, each refused one with the code and sentence its 409 would give. */
export function allowedActionsSchema(id: string, idKey: string, noun: string, types: readonly string[]) {
  return z
    .object({
      [idKey]: z.string(),
      actions: z.array(
        z.object({
          type: z.enum(types as [string, ...string[]]).meta({ description: `the staff action on the ${noun}` }),
          path: z.string().meta({ description: `its endpoint under the ${noun}` }),
          sv: z.string().meta({ description: 'the Swedish term staff use' }),
          messageId: z.string().optional().meta({ description: 'acknowledgements: the message awaiting your acknowledgement' }),
          allowed: z.boolean(),
          refusal: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: 'why not: the code and sentence a 409 would give now' }),
        }),
      ),
    })
    .meta({ id });
}

/** The error answers of a process's endpoints in the OpenAPI document. */
export const errors = (noun: string) => ({
  400: { description: 'Malformed input: the fields are named', content: { 'application/json': { schema: ErrorBody } } },
  401: { description: 'No valid bearer token', content: { 'application/json': { schema: ErrorBody } } },
  403: { description: `ROLE_NOT_PERMITTED: your role may not do this; NOT_ACCESSIBLE: no such ${noun} among yours (the same answer whether or not it exists); NOT_YOUR_PARTY: another party than yours`, content: { 'application/json': { schema: ErrorBody } } },
  409: { description: `The ${noun}’s state does not allow this action; \`code\` says why`, content: { 'application/json': { schema: ErrorBody } } },
});

/** What a start endpoint needs before it starts its workflow. */
export function startHelpers({ client, config }: ProcessRouteDeps) {
  return {
    /** §10: the caller starts a process only as one of its parties, in their own region. */
    startingParty(p: Principal, region: string, parties: Record<string, Party>): void {
      const own = partyOf(p);
      if (p.region !== region || !own || !Object.values(parties).some((x) => sameParty(x, own as Party))) {
        throw new HttpError(403, 'NOT_YOUR_PARTY', `You can start this only as one of its parties (your ${p.role === 'municipalityStaff' ? 'municipality' : 'unit'} ${p.organisation}) in your region (${p.region}).`);
      }
    },
    regionOf(id: string, municipalityCode: string): Region {
      const region = findRegion(config.regions, id);
      if (!region) throw new HttpError(400, 'VALIDATION_FAILED', `body.region: unknown region; configured: ${config.regions.map((r) => r.id).join(', ')}`, [{ field: 'body.region', message: 'unknown region' }]);
      const mun = validateKommunkod(municipalityCode, region.municipalities.map((m) => m.code));
      if (!mun.ok) throw new HttpError(400, 'VALIDATION_FAILED', `body.residenceMunicipality: ${mun.error}`, [{ field: 'body.residenceMunicipality', message: mun.error }]);
      return region;
    },
    // An Idempotency-Key is the caller's own: scoped to their organisation and the operation, so
    // another unit's key is simply another key (issue 17)
    processId: (req: Request, p: Principal, kind: string) => processIdOf(kind, p.organisation, idempotencyKey(req)),
    /** The same key with another body: 422, nothing recorded (the process remembers the first request's hash). */
    sameStart: (workflowId: string, query: StartQuery, requestHash: string, noun: string) => ({
      requestHash,
      noun,
      startRequestHash: async () => (await client.workflow.getHandle(workflowId).query(query)).startRequestHash,
    }),
    patient: (p: PatientIdentifier, at: string) => ({ patientRef: pseudonymousPatientRef(p, config.pseudonymKey), age: patientAge(p, localDateOf(new Date(at))) }),
    attributes: (region: string, municipalityCode: string, status: string) =>
      new TypedSearchAttributes([
        { key: SA.region, value: region },
        { key: SA.municipalityCode, value: municipalityCode },
        { key: SA.processStatus, value: status },
      ]),
  };
}

/** The process's state, timeline, allowed actions and one endpoint per staff action, on `router`. */
export function processRoutes(registry: OpenAPIRegistry, router: Router, { client, ledger, access }: ProcessRouteDeps, spec: ProcessSpec): void {
  // the process as staff see it: from the ledger, or by query when the ledger does not hold it (issue 21)
  const viewOf = (id: string) => processViewReader(ledger.db, spec.processType, id, () => client.workflow.getHandle(spec.workflowId(id)).query(spec.query));
  const ref = (id: string): ProcessRef => ({ processType: spec.processType, processId: id, workflowId: spec.workflowId(id), read: () => viewOf(id)() });
  const state = async (id: string, atLeast?: number) => {
    try {
      return await viewOf(id)(atLeast);
    } catch (err) {
      processError(err, spec.notFound);
    }
  };
  const read = async (req: Request, id: string) => {
    const { purpose, patientRef } = await access.authorize(req, ref(id), READ_ROLES[spec.processType], `read ${spec.noun}s`, spec.noun);
    return access.logged(req, { purpose, processType: spec.processType, processId: id, patientRefs: [patientRef ?? ''] }, () => state(id));
  };
  registry.registerPath({
    method: 'get', path: `${spec.base}/{id}`, tags: [spec.tag], summary: `The ${spec.noun}: state, open obligations with deadlines, deviations`,
    request: { params: IdParam }, responses: { 200: jsonResponse(spec.view, `The ${spec.noun}`), 401: errors(spec.noun)[401], 403: errors(spec.noun)[403] },
  });
  router.get(`${spec.base}/:id`, async (req, res) => {
    const { id } = parseOr400(IdParam, req.params, 'params');
    res.json(await read(req, id));
  });

  registry.registerPath({
    method: 'get', path: `${spec.base}/{id}/timeline`, tags: [spec.tag], summary: `The ${spec.noun}’s full timeline — händelseförlopp (from the ledger, with the newest entries from the process)`,
    request: { params: IdParam }, responses: { 200: jsonResponse(TimelineBody, 'Every entry, oldest first'), 401: errors(spec.noun)[401], 403: errors(spec.noun)[403] },
  });
  router.get(`${spec.base}/:id/timeline`, async (req, res) => {
    const { id } = parseOr400(IdParam, req.params, 'params');
    // a long-lived process carries only its newest entries; the ledger has them all
    const [live, stored] = await Promise.all([read(req, id), processTimeline(ledger.db, spec.processType, id)]);
    const seen = new Set(stored.map((e) => e.seq));
    res.json({ timeline: [...stored, ...live.timeline.filter((e) => !seen.has(e.seq))].sort((a, b) => a.seq - b.seq) });
  });

  // the actions allowed now (the staff workspace's buttons, issue 19): read like the process itself
  registry.registerPath({
    method: 'get', path: `${spec.base}/{id}/allowed-actions`, tags: [spec.tag],
    summary: `The actions the ${spec.noun}’s state allows you now, each refused one with the sentence its 409 would give — tillåtna åtgärder`,
    request: { params: IdParam },
    responses: { 200: jsonResponse(spec.allowedSchema, 'Your role’s actions, allowed or not'), 401: errors(spec.noun)[401], 403: errors(spec.noun)[403] },
  });
  router.get(`${spec.base}/:id/allowed-actions`, async (req, res) => {
    const { id } = parseOr400(IdParam, req.params, 'params');
    const { principal: p, purpose, patientRef } = await access.authorize(req, ref(id), READ_ROLES[spec.processType], `read ${spec.noun}s`, spec.noun);
    const roles = ACTION_ROLES[spec.processType] as Record<string, Role[]>;
    const types = spec.workspaceActions.filter((t) => roles[t]?.includes(p.role));
    const party = partyOf(p);
    const answers = await access.logged(req, { purpose, processType: spec.processType, processId: id, patientRefs: [patientRef ?? ''] }, () =>
      client.workflow.getHandle(spec.workflowId(id))
        .query(spec.allowedQuery, { now: new Date().toISOString(), types: types as never, ...(party ? { party: party as Party } : {}) })
        .catch((err) => processError(err, spec.notFound)),
    );
    res.json({
      [spec.idKey]: id,
      actions: answers.map((a) => ({ ...a, path: spec.actions[a.type]!.path, sv: spec.actions[a.type]!.sv })),
    });
  });

  for (const [type, action] of Object.entries(spec.actions)) {
    const body = action.body.strict();
    registry.registerPath({
      method: 'post', path: `${spec.base}/{id}/${action.path}`, tags: [spec.tag], summary: `${action.summary} — ${action.sv}`,
      request: { params: IdParam, headers: IdempotencyKeyHeader, body: { content: { 'application/json': { schema: body } } } },
      responses: { 200: jsonResponse(spec.view, `Recorded; the ${spec.noun}’s new state`), ...errors(spec.noun) },
    });
    router.post(`${spec.base}/:id/${action.path}`, async (req, res) => {
      const { id } = parseOr400(IdParam, req.params, 'params');
      const roles = (ACTION_ROLES[spec.processType] as Record<string, Role[]>)[type];
      const { principal: p, purpose, patientRef } = await access.authorize(req, ref(id), roles, `record “${action.sv}” (${action.summary.toLowerCase()})`, spec.noun);
      const key = idempotencyKey(req);
      const parsed = withActingParty(p, Object.keys(body.shape), parseOr400(body, req.body ?? {}, 'body') as Record<string, unknown>);
      const v = await access.logged(req, { purpose, processType: spec.processType, processId: id, patientRefs: [patientRef ?? ''] }, () =>
        actAndRead(client.workflow.getHandle(spec.workflowId(id)), spec.updates[type] as UpdateDefinition<{ requestHash?: string }, [object]>, { ...parsed, type, actor: actorOf(p) }, (atLeast) => state(id, atLeast), {
          type, organisation: p.organisation, key, requestHash: requestHashOf(type, parsed), names: { notFound: spec.notFound, closed: PROCESS_CLOSED }, noun: spec.noun,
        }),
      );
      res.json(v);
    });
  }
}
