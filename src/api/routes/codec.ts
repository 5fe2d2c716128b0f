/**
 * The codec endpoint for the Temporal Web UI (Temporal's "remote codec server" protocol): the UI
 * posts the encrypted payloads of a workflow it shows and gets them back decoded, so an
 * administrator can read a history without the keys ever leaving this service.
 *
 * POST /codec/decode and /codec/encode, body `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`.
 * The UI runs on another origin (the dev server's port, or its own service in docker-compose), so
 * these two paths answer CORS for exactly the configured UI origins.
 *
 * Only administrators decode (docs/domain.md §10, issue 7). The UI sends their token either as a
 * header (Temporal UI with OIDC: "pass access token") or, for a UI without sign-in such as the
 * dev server's, as the `codec_session` cookie an administrator gets once at /codec/login with
 * their token ("include cross-origin credentials" in the UI's codec settings).
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { ErrorBody, HttpError, parseOr400 } from '../errors';
import { CODEC_COOKIE, requireRole } from '../auth';

const Base64 = z.string().max(4 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string().max(200), Base64).optional(), data: Base64.optional() });
const CodecBody = z.object({ payloads: z.array(JsonPayload).max(1000) }).meta({ id: 'CodecPayloads' });

const fromJson = (p: z.infer<typeof JsonPayload>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function codecRoutes(registry: OpenAPIRegistry, deps: { codec: PayloadCodec; uiOrigins: string[] }): Router {
  const router = Router();
  const cors = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.header('Origin');
    if (origin && deps.uiOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  router.options('/codec/:op', cors);

  // the administrator's cookie for the Web UI: their own token, HttpOnly, sent only to /codec
  router.get('/codec/login', (_req, res) => res.sendFile(join(__dirname, '..', 'static', 'codec-login.html')));
  router.get('/codec/login.js', (_req, res) => res.sendFile(join(__dirname, '..', 'static', 'codec-login.js')));
  registry.registerPath({
    method: 'post', path: '/codec/session', tags: ['Drift (operations)'],
    summary: 'Give this browser the codec cookie (administrators), so the Temporal Web UI can decode payloads',
    request: { body: { content: { 'application/json': { schema: z.object({}).strict() } } } },
    responses: { 204: { description: 'Cookie set until the token expires' }, 400: { description: 'A body was sent: this takes none', content: { 'application/json': { schema: ErrorBody } } }, 401: { description: 'No valid token', content: { 'application/json': { schema: ErrorBody } } }, 403: { description: 'Not an administrator', content: { 'application/json': { schema: ErrorBody } } } },
  });
  router.post('/codec/session', (req, res) => {
    requireRole(req, ['administrator'], 'decode workflow payloads');
    parseOr400(z.object({}).strict(), req.body ?? {}, 'body');
    const token = /^Bearer (\S+)$/.exec(req.header('authorization') ?? '')?.[1];
    if (!token) throw new HttpError(400, 'TOKEN_IN_HEADER_REQUIRED', 'Send your token in the Authorization header to get the codec cookie.');
    const { exp } = decodeJwt(token); // verified by authenticate() already
    res.cookie(CODEC_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'none', path: '/codec', ...(exp ? { expires: new Date(exp * 1000) } : {}) });
    res.status(204).end();
  });
  for (const op of ['decode', 'encode'] as const) {
    registry.registerPath({
      method: 'post',
      path: `/codec/${op}`,
      tags: ['Drift (operations)'],
      summary: op === 'decode' ? 'Decode encrypted payloads for the Temporal Web UI (codec server)' : 'Encode payloads (codec server)',
      request: { body: { content: { 'application/json': { schema: CodecBody } } } },
      responses: {
        200: { description: 'The payloads', content: { 'application/json': { schema: CodecBody } } },
        400: { description: 'Malformed', content: { 'application/json': { schema: ErrorBody } } },
        401: { description: 'No valid token (header or codec cookie)', content: { 'application/json': { schema: ErrorBody } } },
        403: { description: 'Not an administrator', content: { 'application/json': { schema: ErrorBody } } },
      },
    });
    router.post(`/codec/${op}`, cors, async (req, res) => {
      requireRole(req, ['administrator'], `${op} workflow payloads`);
      const body = parseOr400(CodecBody, req.body ?? {}, 'body');
      try {
        const out = await deps.codec[op](body.payloads.map(fromJson));
        res.json({ payloads: out.map(toJson) });
      } catch (err) {
        throw new HttpError(400, 'PAYLOAD_NOT_DECODABLE', `The payloads could not be ${op}d: ${(err as Error).message}`);
      }
    });
  }
  return router;
}
