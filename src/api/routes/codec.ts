/**
 * The codec endpoint for the Temporal Web UI (Temporal's "remote codec server" protocol): the UI
 * posts the encrypted payloads of a workflow it shows and gets them back decoded, so an
 * administrator can read a history without the keys ever leaving this service.
 *
 * POST /codec/decode and /codec/encode, body `{ payloads: [{ metadata: { k: base64 }, data: base64 }] }`.
 * The UI runs on another origin (the dev server's port, or its own service in docker-compose), so
 * these two paths answer CORS for exactly the configured UI origins.
 */
import { Router, type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { ErrorBody, HttpError, parseOr400 } from '../errors';

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
  for (const op of ['decode', 'encode'] as const) {
    registry.registerPath({
      method: 'post',
      path: `/codec/${op}`,
      tags: ['Drift (operations)'],
      summary: op === 'decode' ? 'Decode encrypted payloads for the Temporal Web UI (codec server)' : 'Encode payloads (codec server)',
      request: { body: { content: { 'application/json': { schema: CodecBody } } } },
      responses: { 200: { description: 'The payloads', content: { 'application/json': { schema: CodecBody } } }, 400: { description: 'Malformed', content: { 'application/json': { schema: ErrorBody } } } },
    });
    router.post(`/codec/${op}`, cors, async (req, res) => {
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
