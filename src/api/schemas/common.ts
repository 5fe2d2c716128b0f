/**
 * Value schemas every endpoint shares, so that "what is a valid instant or date" is decided
 * in one place. `Date.parse` alone rolls 2026-02-30 over to March: both schemas check that the
 * calendar date really exists.
 */
import { z } from 'zod';

/** Plausible years for anything staff register (rejects year 0 and 9999 typos). */
const YEAR_MIN = 1990;
const YEAR_MAX = 2199;

/**
 * The real calendar dates from YEAR_MIN to YEAR_MAX as one regular expression, so the OpenAPI
 * document says exactly what the server accepts (issue 17: 2026-02-30 and 0000-00-00 match no
 * pattern the document gives): days per month, and 29 February of the leap years only (2000
 * is one, 2100 is not).
 */
const YEAR = '(?:199\\d|2[01]\\d\\d)';
const LEAP_YEAR = '(?:199[26]|20(?:0[048]|[2468][048]|[13579][26])|21(?:0[48]|[2468][048]|[13579][26]))';
const MONTH_DAY = '(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
const REAL_DATE = `(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
/** hh:mm, seconds and fractions optional; an explicit offset (a bare local time is ambiguous across DST) */
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d{1,9})?)?';
const OFFSET = '(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';

const INSTANT = new RegExp(`^${REAL_DATE}T${TIME}${OFFSET}$`);
const DATE = new RegExp(`^${REAL_DATE}$`);
const INSTANT_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

const realDate = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
/** For a value of the wrong shape, whether its first ten characters still read as a plausible date (the second message). */
const plausibleDate = (s: string) => {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  return y >= YEAR_MIN && y <= YEAR_MAX && realDate(y, m, d);
};

/**
 * ISO-8601 instant with an explicit offset or Z (a bare local time is ambiguous across DST), a
 * real date and time between YEAR_MIN and YEAR_MAX. The document's pattern is the exact one the
 * second check applies; the first names a wrong shape.
 */
export const IsoInstant = z
  .string()
  .regex(INSTANT_SHAPE, 'must be an ISO-8601 instant with offset, e.g. 2026-12-23T09:30:00+01:00')
  .refine(
    (s) => (INSTANT_SHAPE.test(s) ? INSTANT.test(s) : plausibleDate(s) && !Number.isNaN(Date.parse(s))),
    `is not a real date and time between ${YEAR_MIN} and ${YEAR_MAX}`,
  )
  .meta({ pattern: INSTANT.source, example: '2026-12-23T09:30:00+01:00' });

/** A calendar date YYYY-MM-DD (a Europe/Stockholm date), a real one between YEAR_MIN and YEAR_MAX. */
export const LocalDateSchema = z
  .string()
  .regex(DATE_SHAPE, 'must be a date YYYY-MM-DD')
  .refine((s) => (DATE_SHAPE.test(s) ? DATE.test(s) : plausibleDate(s)), `is not a real calendar date between ${YEAR_MIN} and ${YEAR_MAX}`)
  .meta({ pattern: DATE.source, example: '2026-12-23' });

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
