/**
 * The `Idempotency-Key` header of every write (README "API promises"): the caller's own key,
 * scoped by src/temporal/process-client.ts to their organisation and the action. A malformed key
 * is a 400 naming the header.
 */
import type { Request } from 'express';
import { HttpError } from './errors';
import { IDEMPOTENCY_KEY } from './schemas/common';

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
