/**
 * Errors the API answers with. Every refusal has a machine-readable `code` and a sentence a
 * member of staff understands; 5xx never leaks internals.
 */
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger';
import { DomainRefusal } from '../domain/refusal';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** zod issues → `[{ field: 'query.at', message: '...' }]` */
export function fieldIssues(error: z.ZodError, prefix: string): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));
}

/** Parses `input` or throws a 400 naming every bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, where: 'query' | 'body' | 'params'): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const issues = fieldIssues(r.error, where);
    throw new HttpError(400, 'VALIDATION_FAILED', issues.map((i) => `${i.field}: ${i.message}`).join('; '), issues);
  }
  return r.data;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    // a typed refusal of the domain (src/domain/refusal.ts): valid input the rules cannot compute or allow
    if (err instanceof DomainRefusal) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a status and `type`
    const status = typeof err?.status === 'number' ? err.status : typeof err?.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = err.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : err.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : 'BAD_REQUEST';
      res.status(status).json({ error: { code, message: code === 'MALFORMED_JSON' ? 'The request body is not valid JSON.' : String(err.message) } });
      return;
    }
    logger.error({ err, method: req.method, path: req.route?.path ?? req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong on our side; the action was not recorded. Try again, or contact support.' } });
  };
}
