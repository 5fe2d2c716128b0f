/**
 * Discharge episodes over HTTP: staff start an episode at admission, send every action of
 * docs/domain.md §4 as a Workflow Update, read the episode, the actions it allows now and (the
 * episode's parties) who the patient is. The `Idempotency-Key` header becomes the update id (and,
 * for a start, the episode id), so a retried request returns the first result and records
 * nothing twice.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Config } from '../../config';
import { parties as dischargeParties, type DischargeAction, type DischargeActionType } from '../../domain/discharge/actions';
import type { StartEpisodeInput } from '../../domain/discharge/types';
import { localDateOf } from '../../domain/calendar';
import { patientAge, pseudonymousPatientRef, validateKommunkod, validateOutOfCountyKommunkod } from '../../domain/identifiers';
import { findRegion } from '../../domain/regions';
import { actAndRead, EPISODE_NAMES, readError, processIdOf, processViewReader, requestHashOf, startProcess } from '../../temporal/process-client';
import type { LedgerStore } from '../../db/ledger';
import { allowedActionsQuery, dischargeStartAttributes, dischargeWorkflowType, type DischargeWorkflow, dischargeUpdates, dischargeWorkflowId, episodeQuery, patientQuery, type DischargeUpdateAnswer, type EpisodeView } from '../../../workflows/discharge/contract';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { ACTION_BODIES, AllowedActionsBody, EpisodePatientBody, StartEpisodeBody } from '../schemas/discharge';
import { EpisodeStarted, EpisodeViewSchema, jsonResponse } from '../schemas/views';
import { IdempotencyKeyHeader } from '../schemas/common';
import { idempotencyKey } from '../idempotency';
import { ACTION_ROLES, PATIENT_IDENTITY_ROLES, READ_ROLES, START_ROLES } from '../../auth/policy';
import { actorOf, partyOf } from '../../auth/principal';
import { WORKSPACE_ACTIONS } from '../../domain/discharge/allowed';
import { requireRole, withActingParty, type ProcessAccess, type ProcessRef } from '../auth';

const EpisodeIdParam = z.object({ episodeId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an episode id') });


export function episodeRoutes(registry: OpenAPIRegistry, deps: { client: Client; config: Config; ledger: LedgerStore; access: ProcessAccess }): Router {
  const { client, config, ledger, access } = deps;
  /** the episode as staff see it: from the ledger, or by query when the ledger does not hold it (issue 21) */
  const episode = (episodeId: string): ProcessRef & { view: (atLeast?: number) => Promise<EpisodeView> } => {
    const workflowId = dischargeWorkflowId(episodeId);
    const read = processViewReader(ledger.db, 'discharge', episodeId, () => client.workflow.getHandle(workflowId).query(episodeQuery));
    // `read` for the access check (which tells "no such episode" by Temporal's own error), `view` for answers
    return { processType: 'discharge', processId: episodeId, workflowId, read: () => read(), view: (atLeast) => read(atLeast).catch((err) => readError(err, EPISODE_NAMES)) };
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
    const episodeId = processIdOf('episode', p.organisation, key);
    const requestHash = requestHashOf('startEpisode', body);
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
    // the same key with another body: 422, nothing recorded
    const { existed } = await startProcess<DischargeWorkflow>(
      client,
      dischargeWorkflowType,
      {
        workflowId,
        taskQueue: config.temporal.taskQueue,
        args: [input],
        typedSearchAttributes: dischargeStartAttributes(input),
      },
      { requestHash, noun: 'episode', startRequestHash: async () => (await client.workflow.getHandle(workflowId).query(episodeQuery)).startRequestHash },
    );
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
    const v = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () => ref.view());
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
      const action = { ...parsed, type, actor: actorOf(p) } as DischargeAction;
      // the key is scoped to the caller's organisation and the action: the same key on another endpoint is another request
      const v = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
        actAndRead(client.workflow.getHandle(ref.workflowId), dischargeUpdates[type] as UpdateDefinition<DischargeUpdateAnswer, [DischargeAction]>, action, ref.view, {
          type, organisation: p.organisation, key, requestHash: requestHashOf(type, parsed), names: EPISODE_NAMES, noun: 'episode',
        }),
      );
      res.json(v);
    });
  }

  // ---- the workspace: the actions allowed now, and who the patient is ------------------------------
  // the actions an episode allows now (issue 19): the workflow's `allowedActions` query runs the
  // domain's refusal rule (src/domain/discharge/allowed.ts) in the episode's state, the same rule its
  // update validators use, so a disabled button gives the sentence the 409 would give; only the
  // actions the caller's role may do are listed (src/auth/policy.ts)
  registry.registerPath({
    method: 'get',
    path: '/api/episodes/{episodeId}/allowed-actions',
    tags: ['Utskrivning (discharge)'],
    summary: 'The actions the episode’s state allows you now, each refused one with the sentence its 409 would give — tillåtna åtgärder',
    request: { params: EpisodeIdParam },
    responses: {
      200: { description: 'Your role’s actions, allowed or not', content: { 'application/json': { schema: AllowedActionsBody } } },
      401: { description: 'No valid bearer token', content: { 'application/json': { schema: ErrorBody } } },
      403: { description: 'Not one of your episodes', content: { 'application/json': { schema: ErrorBody } } },
    },
  });
  router.get('/api/episodes/:episodeId/allowed-actions', async (req, res) => {
    const { episodeId } = parseOr400(EpisodeIdParam, req.params, 'params');
    const ref = episode(episodeId);
    const handle = client.workflow.getHandle(ref.workflowId);
    const { principal: p, purpose, patientRef } = await access.authorize(req, ref, READ_ROLES.discharge, 'read episodes', 'episode');
    const types = WORKSPACE_ACTIONS.filter((t) => ACTION_ROLES.discharge[t].includes(p.role));
    const party = partyOf(p);
    const answers = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
      handle.query(allowedActionsQuery, { now: new Date().toISOString(), types: [...types], ...(party ? { party } : {}) }).catch((err) => readError(err, EPISODE_NAMES)),
    );
    res.json({
      episodeId,
      actions: answers.map((a) => ({ ...a, path: ACTION_BODIES[a.type].path, sv: ACTION_BODIES[a.type].sv })),
    });
  });

  registry.registerPath({
    method: 'get',
    path: '/api/episodes/{episodeId}/patient',
    tags: ['Utskrivning (discharge)'],
    summary: 'Who the patient is — personnummer, samordningsnummer or reservnummer — for the staff of the episode’s parties; each read is in the access log',
    request: { params: EpisodeIdParam },
    responses: {
      200: { description: 'The patient’s identifier', content: { 'application/json': { schema: EpisodePatientBody } } },
      401: { description: 'No valid bearer token', content: { 'application/json': { schema: ErrorBody } } },
      403: { description: 'ROLE_NOT_PERMITTED: your role may not see who the patient is (coordinators); NOT_ACCESSIBLE: not one of your episodes', content: { 'application/json': { schema: ErrorBody } } },
    },
  });
  router.get('/api/episodes/:episodeId/patient', async (req, res) => {
    const { episodeId } = parseOr400(EpisodeIdParam, req.params, 'params');
    const ref = episode(episodeId);
    const handle = client.workflow.getHandle(ref.workflowId);
    const { purpose, patientRef } = await access.authorize(req, ref, PATIENT_IDENTITY_ROLES, 'see who the patient is', 'episode');
    const patient = await access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
      handle.query(patientQuery).catch((err) => readError(err, EPISODE_NAMES)),
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json({ episodeId, patient });
  });
  return router;
}
