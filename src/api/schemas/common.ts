/**
 * Value schemas every endpoint shares. What a valid instant or date is, is decided once in the
 * domain (src/domain/action-schemas.ts: the staff actions' bodies are declared there too).
 */
import { z } from 'zod';

export { IsoInstant, LocalDateSchema } from '../../domain/action-schemas';

/**
 * A region id. The OpenAPI document lists the configured regions as its enum (openapi.ts
 * `buildOpenApiDocument`); the server answers another id as unknown (400, or 403/404 where the
 * region names a resource).
 */
/** The mark of a region id in the OpenAPI document, where the configured regions become its enum. */
export const CONFIGURED_REGIONS = 'x-configured-regions';
export const RegionIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a region id')
  .meta({ description: 'a region this service is configured for', [CONFIGURED_REGIONS]: true });

/** The `Idempotency-Key` header of the write endpoints that take one (episodes.ts `idempotencyKey` checks the same pattern). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
export const IdempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .regex(IDEMPOTENCY_KEY, 'must be 1–128 characters of letters, digits, _ . : -')
    .optional()
    .meta({ description: 'Retries with the same key return the first result and record nothing twice; the key is your organisation’s own' }),
});

/**
 * A page cursor: the `nextCursor` (or `next.<section>`) of the previous page, base64url of
 * `[sort key, id]` where the sort key is the last item's date or instant. Another string is a 400;
 * the OpenAPI document gives the shape and the format `cursor` (what only the server can check).
 */
const CURSOR = /^[A-Za-z0-9_-]{1,400}$/;
export const CursorSchema = z
  .string()
  .refine((c) => {
    if (!CURSOR.test(c)) return false;
    try {
      const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
      return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string'
        && /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v[0]) && !Number.isNaN(Date.parse(v[0])) && v[1].length > 0 && v[1].length <= 200;
    } catch {
      return false;
    }
  }, 'must be a cursor of this list')
  .meta({ pattern: CURSOR.source, format: 'cursor', description: 'the cursor of the next page the previous page gave' });
