/**
 * Discharge episodes over HTTP: staff start an episode at admission and send every action of
 * docs/domain.md §4 as a Workflow Update. The `Idempotency-Key` header becomes the update id (and,
 * for a start, the episode id), so a retried request returns the first result and records
 * nothing twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../../config';
import { parties as dischargeParties, type DischargeAction, type DischargeActionType } from '../../domain/discharge/actions';
import type { StartEpisodeInput } from '../../domain/discharge/types';
import { localDateOf } from '../../domain/calendar';
import { patientAge, pseudonymousPatientRef, validateKommunkod, validateOutOfCountyKommunkod } from '../../domain/identifiers';
import { findRegion } from '../../domain/regions';
import { SA } from '../../temporal/search-attributes';
import { dischargeWorkflowType, type DischargeWorkflow, dischargeUpdates, dischargeWorkflowId, episodeQuery, type DischargeUpdateAnswer, type EpisodeView } from '../../../workflows/discharge/contract';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { ACTION_BODIES, StartEpisodeBody } from '../schemas/discharge';
import { EpisodeStarted, EpisodeViewSchema, jsonResponse } from '../schemas/views';
import { IDEMPOTENCY_KEY, IdempotencyKeyHeader } from '../schemas/common';
import { ACTION_ROLES, READ_ROLES, START_ROLES } from '../../auth/policy';
import { actorOf } from '../../auth/principal';
import { requireRole, withActingParty, type ProcessAccess, type ProcessRef } from '../auth';

const EpisodeIdParam = z.object({ episodeId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an episode id') });


export function idempotencyKey(req: Request): string | undefined {
  const key = req.header('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'header.Idempotency-Key: must be 1–128 characters of letters, digits, _ . : -', [
      { field: 'header.Idempotency-Key', message: 'must be 1–128 characters of letters, digits, _ . : -' },
    ]);
  }
  return key;
}

/** Temporal's answers → HTTP: refusals 409 with the workflow's code, unknown episode 404. */
export function temporalError(err: unknown): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    throw new HttpError(409, err.cause.type ?? 'REFUSED', err.cause.message);
  }
  const msg = (err as Error)?.message ?? '';
  // an update to a closed workflow comes back as WorkflowNotFoundError('workflow execution already
  // completed'), or — when the process ended while the update was on its way — 'update <id> not found'
  if (/workflow execution already completed|already completed|^update \S+ not found/i.test(msg)) {
    throw new HttpError(409, 'EPISODE_CLOSED', 'This episode is closed; nothing more can be recorded on it.');
  }
  if (err instanceof WorkflowNotFoundError) throw new HttpError(404, 'EPISODE_NOT_FOUND', 'There is no episode with that id.');
  if ((err as { code?: number })?.code === 5 || /not found/i.test(msg)) {
    throw new HttpError(404, 'EPISODE_NOT_FOUND', 'There is no episode with that id.');
  }
  throw err;
}

/**
 * An Update's error → HTTP, for a process the caller was just authorised for (so it exists): a
 * "not found" then means the workflow has completed — with the service's native connection the
 * error carries no message at all — and the answer is 409 closed, not 404 (found by the
 * model-based API test: an action on a cancelled home-visit order answered 404).
 */
export function updateError(err: unknown, closed = { code: 'EPISODE_CLOSED', message: 'This episode is closed; nothing more can be recorded on it.' }): never {
  if (err instanceof WorkflowUpdateFailedError) temporalError(err);
  const msg = (err as Error)?.message ?? '';
  if (err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5 || /not found|already completed/i.test(msg)) {
    throw new HttpError(409, closed.code, closed.message);
  }
  temporalError(err);
}

export function episodeRoutes(registry: OpenAPIRegistry, deps: { client: Client; config: Config; access: ProcessAccess }): Router {
  const { client, config, access } = deps;
  const episode = (episodeId: string): ProcessRef => {
    const workflowId = dischargeWorkflowId(episodeId);
    return { processType: 'discharge', processId: episodeId, workflowId, read: () => client.workflow.getHandle(workflowId).query(episodeQuery) };
  };
  const router = Router();
  const idemHeader = IdempotencyKeyHeader;
  const errors = {
    400: { description: 'Malformed input: the fields are named', content: { 'application/json': { schema: ErrorBody } } },
    401: { description: 'No valid bearer token', content: { 'application/json': { schema: ErrorBody } } },
    403: { description: 'ROLE_NOT_PERMITTED: your role may not do this; NOT_ACCESSIBLE: no such episode among yours (the same answer whether or not it exists); NOT_YOUR_PARTY: the body names another party than yours', content: { 'application/json': { schema: ErrorBody } } },
    409: { description: 'The episode’s state does not allow this action; `code` says why', content: { 'application/json': { schema: ErrorBody } } },
    422: { description: 'The Idempotency-Key was already used for a different request', content: { 'application/json': { schema: ErrorBody } } },
  };

  // ---- start: inskrivning --------------------------------------------------------------------
  registry.registerPath({
    method: 'post',
    path: '/api/episodes',
    tags: ['Utskrivning (discharge)'],
    summary: 'Start an episode at admission — inskrivning',
    request: { headers: idemHeader, body: { content: { 'application/json': { schema: StartEpisodeBody } } } },
    responses: { 201: jsonResponse(EpisodeStarted, 'Episode started'), 200: jsonResponse(EpisodeStarted, 'Already started with this Idempotency-Key'), 400: errors[400], 409: { description: 'The admission time is in the future (ADMITTED_IN_FUTURE): nothing was started', content: { 'application/json': { schema: ErrorBody } } } },
  });
  router.post('/api/episodes', async (req, res) => {
    const p = requireRole(req, START_ROLES.discharge, 'start an episode (inskrivning)');
    const key = idempotencyKey(req);
    const body = parseOr400(StartEpisodeBody, req.body, 'body');
    // malformed input first (a region no token can name is a 400, not a 403)
    const region = findRegion(config.regions, body.region);
    if (!region) throw new HttpError(400, 'VALIDATION_FAILED', `body.region: unknown region; configured: ${config.regions.map((r) => r.id).join(', ')}`, [{ field: 'body.region', message: 'unknown region' }]);
    // §10: inpatient staff start the episodes of their own unit, in their own region
    if (body.region !== p.region || body.inpatientUnit !== p.organisation) {
      throw new HttpError(403, 'NOT_YOUR_UNIT', `You can start episodes only at your own unit (${p.organisation}) in your region (${p.region}).`);
    }
    const mun = body.outOfCounty
      ? validateOutOfCountyKommunkod(body.residenceMunicipality, region.countyCode)
      : validateKommunkod(body.residenceMunicipality, region.municipalities.map((m) => m.code));
    if (!mun.ok) throw new HttpError(400, 'VALIDATION_FAILED', `body.residenceMunicipality: ${mun.error}`, [{ field: 'body.residenceMunicipality', message: mun.error }]);

    // The episode id is opaque; with an Idempotency-Key it is derived from it, so a retry finds the same episode.
    // scoped to the caller's organisation: another unit's key is simply another key (issue 17)
    const episodeId = key ? createHash('sha256').update(`episode:${p.organisation}:${key}`).digest('hex').slice(0, 32) : randomUUID();
    const requestHash = createHash('sha256').update(`startEpisode\n${JSON.stringify(body)}`).digest('hex').slice(0, 32);
    const admittedAt = body.admittedAt ? new Date(body.admittedAt).toISOString() : new Date().toISOString();
    // Back-registration is of the past (docs/domain.md §4 "Downtime"): an admission in the future would
    // refuse every action until then (OCCURRED_BEFORE_ADMISSION); the same 5 minutes of clock skew as the actions allow
    if (Date.parse(admittedAt) > Date.now() + 5 * 60_000) {
      throw new HttpError(409, 'ADMITTED_IN_FUTURE', `The admission time (${admittedAt}) is in the future; enter the time the patient was admitted. Nothing was started.`);
    }
    const input: StartEpisodeInput = {
      episodeId,
      region: region.id,
      patient: body.patient,
      patientRef: pseudonymousPatientRef(body.patient, config.pseudonymKey),
      patientAgeAtAdmission: patientAge(body.patient, localDateOf(new Date(admittedAt))), // the Swedish date of admission
      residenceMunicipality: body.residenceMunicipality,
      outOfCounty: body.outOfCounty,
      inpatientUnit: body.inpatientUnit,
      hospital: body.hospital,
      primaryCareUnit: body.primaryCareUnit,
      psychiatric: body.psychiatric,
      psychiatricOutpatientUnit: body.psychiatricOutpatientUnit,
      homeHealthCare: body.homeHealthCare,
      admittedAt,
      ...(body.admissionType ? { admissionType: body.admissionType } : {}),
      actor: actorOf(p),
      ...(key ? { requestHash } : {}),
      settings: region.process,
      agreements: region.agreements,
    };
    const workflowId = dischargeWorkflowId(episodeId);
    let existed = false;
    try {
      await client.workflow.start<DischargeWorkflow>(dischargeWorkflowType, {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [input],
        // a closed episode is never started again by a retried admission
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes([
          { key: SA.region, value: region.id },
          { key: SA.municipalityCode, value: body.residenceMunicipality },
          { key: SA.inpatientUnit, value: body.inpatientUnit },
          { key: SA.processStatus, value: 'admitted' },
          { key: SA.psychiatric, value: body.psychiatric },
        ]),
      });
    } catch (err) {
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      existed = true;
    }
    if (existed) {
      // the same key with another body: 422, nothing recorded
      const v = await client.workflow.getHandle(workflowId).query(episodeQuery);
      if (v.startRequestHash && v.startRequestHash !== requestHash) {
        throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used by your unit for a different request; nothing new was recorded. Use a new key for a new request.');
      }
    }
    if (!existed) {
      access.remember({ processType: 'discharge', workflowId }, { region: region.id, patientRef: input.patientRef, parties: dischargeParties({ input }) });
    }
    res.status(existed ? 200 : 201).location(`/api/episodes/${episodeId}`).json({ episodeId, workflowId, status: 'admitted' });
  });

  // ---- read ------------------------------------------------------------------------------------
  registry.registerPath({
    method: 'get',
    path: '/api/episodes/{episodeId}',
    tags: ['Utskrivning (discharge)'],
    summary: 'An episode: state, timeline, open obligations with deadlines, deviations — vårdtillfälle',
    request: { params: EpisodeIdParam },
    responses: { 200: jsonResponse(EpisodeViewSchema, 'The episode'), 401: errors[401], 403: errors[403] },
  });
  router.get('/api/episodes/:episodeId', async (req, res) => {
    const { episodeId } = parseOr400(EpisodeIdParam, req.params, 'params');
    const ref = episode(episodeId);
    const { purpose, patientRef } = await access.authorize(req, ref, READ_ROLES.discharge, 'read episodes', 'episode');
    const v = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
      client.workflow.getHandle(ref.workflowId).query(episodeQuery).catch((err) => temporalError(err)),
    );
    res.json(v);
  });

  // ---- actions: one endpoint per step of the flowchart ----------------------------------------
  for (const [type, spec] of Object.entries(ACTION_BODIES) as [DischargeActionType, (typeof ACTION_BODIES)[DischargeActionType]][]) {
    const body = spec.body.strict();
    const path = `/api/episodes/{episodeId}/${spec.path}`;
    registry.registerPath({
      method: 'post',
      path,
      tags: ['Utskrivning (discharge)'],
      summary: `${spec.summary} — ${spec.sv}`,
      request: { params: EpisodeIdParam, headers: idemHeader, body: { content: { 'application/json': { schema: body } } } },
      responses: { 200: jsonResponse(EpisodeViewSchema, 'Recorded; the episode’s new state'), ...errors },
    });
    router.post(`/api/episodes/:episodeId/${spec.path}`, async (req, res) => {
      const { episodeId } = parseOr400(EpisodeIdParam, req.params, 'params');
      const ref = episode(episodeId);
      // §10 before anything is parsed or sent: a refused request records nothing
      const { principal: p, purpose, patientRef } = await access.authorize(req, ref, ACTION_ROLES.discharge[type], `record “${spec.sv}” (${spec.summary.toLowerCase()})`, 'episode');
      const key = idempotencyKey(req);
      const parsed = withActingParty(p, Object.keys(body.shape), parseOr400(body, req.body ?? {}, 'body') as Record<string, unknown>);
      const requestHash = createHash('sha256').update(`${type}\n${JSON.stringify(parsed)}`).digest('hex').slice(0, 32);
      // the hash travels in the Update only with an Idempotency-Key: without one the Update id is
      // new, so no earlier answer can come back to compare it with, and each hash cost about 100
      // bytes of history per action (argument and answer; issue 21), as the start already did
      const action = { ...parsed, type, actor: actorOf(p), ...(key ? { requestHash } : {}) } as DischargeAction;
      const handle = client.workflow.getHandle(ref.workflowId);
      // the key is scoped to the action: the same key on another endpoint is another request
      const answer: DischargeUpdateAnswer = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
        handle.executeUpdate(dischargeUpdates[type] as never, { args: [action] as never, updateId: key ? `${type}:${p.organisation}:${key}` : randomUUID() }).catch((err) => updateError(err)) as Promise<DischargeUpdateAnswer>,
      );
      if (answer.requestHash && answer.requestHash !== requestHash) {
        throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request on this episode; nothing new was recorded. Use a new key for a new request.');
      }
      // The Update answers compactly (it is stored in the history, issue 21); the response is the
      // episode as it is now, read by query after the answer, so it reflects this action.
      const v: EpisodeView = await handle.query(episodeQuery).catch((err) => temporalError(err));
      res.json({ ...v, requestHash: answer.requestHash ?? requestHash, ...(answer.warnings ? { warnings: answer.warnings } : {}) });
    });
  }
  return router;
}
