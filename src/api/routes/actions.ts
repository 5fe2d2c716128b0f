/**
 * The actions an episode allows now, for the staff workspace (issue 19): the buttons of the
 * episode page. The answer is the workflow's own: the `allowedActions` query runs the domain's
 * `refusal` rule (src/domain/discharge/actions.ts) in the episode's state, the same rule its
 * update validators use to refuse an action with 409, so a disabled button gives the sentence the
 * 409 would give. Only the actions the caller's role may do are listed (src/auth/policy.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import { allowedActionsQuery, dischargeWorkflowId, episodeQuery, patientQuery } from '../../../workflows/discharge/contract';
import { WORKSPACE_ACTIONS } from '../../domain/discharge/allowed';
import { ACTION_ROLES, PATIENT_IDENTITY_ROLES, READ_ROLES } from '../../auth/policy';
import { partyOf } from '../../auth/principal';
import { ErrorBody, parseOr400 } from '../errors';
import { ACTION_BODIES } from '../schemas/discharge';
import type { ProcessAccess } from '../auth';
import { EPISODE_NAMES, readError } from '../../temporal/process-client';

const EpisodeIdParam = z.object({ episodeId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an episode id') });

export const AllowedActionsBody = z
  .object({
    episodeId: z.string(),
    actions: z.array(
      z.object({
        type: z.enum(WORKSPACE_ACTIONS as [string, ...string[]]).meta({ description: 'the staff action (DischargeAction type)' }),
        path: z.string().meta({ description: 'its endpoint under /api/episodes/{episodeId}/' }),
        sv: z.string().meta({ description: 'the Swedish term staff use' }),
        messageId: z.string().optional().meta({ description: 'acknowledgements: the message awaiting your acknowledgement' }),
        allowed: z.boolean(),
        refusal: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: 'why not: the code and sentence a 409 would give now' }),
      }),
    ),
  })
  .meta({ id: 'AllowedActions' });

export const EpisodePatientBody = z
  .object({
    episodeId: z.string(),
    patient: z.object({
      kind: z.enum(['personnummer', 'samordningsnummer', 'reservnummer']),
      value: z.string().meta({ description: 'as entered at the admission' }),
    }),
  })
  .meta({ id: 'EpisodePatient' });

export function actionRoutes(registry: OpenAPIRegistry, deps: { client: Client; access: ProcessAccess }): Router {
  const router = Router();
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
    const workflowId = dischargeWorkflowId(episodeId);
    const handle = deps.client.workflow.getHandle(workflowId);
    const ref = { processType: 'discharge' as const, processId: episodeId, workflowId, read: () => handle.query(episodeQuery) };
    const { principal: p, purpose, patientRef } = await deps.access.authorize(req, ref, READ_ROLES.discharge, 'read episodes', 'episode');
    const types = WORKSPACE_ACTIONS.filter((t) => ACTION_ROLES.discharge[t].includes(p.role));
    const party = partyOf(p);
    const answers = await deps.access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
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
    const workflowId = dischargeWorkflowId(episodeId);
    const handle = deps.client.workflow.getHandle(workflowId);
    const ref = { processType: 'discharge' as const, processId: episodeId, workflowId, read: () => handle.query(episodeQuery) };
    const { purpose, patientRef } = await deps.access.authorize(req, ref, PATIENT_IDENTITY_ROLES, 'see who the patient is', 'episode');
    const patient = await deps.access.logged(req, { purpose, processType: 'discharge', processId: episodeId, patientRefs: [patientRef ?? ''] }, () =>
      handle.query(patientQuery).catch((err) => readError(err, EPISODE_NAMES)),
    );
    res.setHeader('Cache-Control', 'no-store');
    res.json({ episodeId, patient });
  });
  return router;
}
