/**
 * What a staff action's declaration is made of (each process's `action-catalog.ts`): the value
 * schemas its body is built from, and the shape of one action's entry. zod validates the bodies
 * (400 naming the field) and the OpenAPI document is generated from the same schemas, so what
 * the API accepts and what it documents cannot drift apart.
 *
 * `Date.parse` alone rolls 2026-02-30 over to March: the instant and date schemas check that the
 * calendar date really exists.
 *
 * Not for workflow code: zod and the identifiers' HMAC stay out of the workflow bundle; the
 * workflows take each process's zod-free list of action types (`src/domain/<process>/actions.ts`).
 */
import { z } from 'zod';
import { HsaIdSchema } from './identifiers';
import type { Role } from './roles';

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

export const KommunkodSchema = z.string().regex(/^\d{4}$/, 'must be a 4-digit kommunkod (SCB)');

export const PartySchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('municipality'), id: KommunkodSchema }),
    z.object({ kind: z.enum(['inpatient', 'primaryCare', 'psychiatricOutpatient', 'emergencyDepartment']), id: HsaIdSchema }),
  ])
  .meta({ id: 'Party', description: 'A unit (HSA-id) or a municipality (kommunkod)' });

/** The acting party: optional, the caller's own unit or municipality from the token (docs/domain.md §10). */
export const ActingParty = PartySchema.optional().meta({ description: 'The party acting; default and only allowed value: your own unit or municipality (from your token)' });

/** Free text staff write: trimmed, not empty, at most `max` characters. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** One staff action as the API offers it and the policy allows it. */
export interface StaffActionSpec {
  /** its endpoint under the instance's path, e.g. `care-request` */
  path: string;
  /** the Swedish term staff use (docs/glossary.md) */
  sv: string;
  /** the English summary of the OpenAPI operation */
  summary: string;
  /** the request body (the API adds the type, the actor and the acting party's default) */
  body: z.ZodObject;
  /** who may do it (docs/domain.md §10) */
  roles: Role[];
}

/**
 * A process's staff actions, declared once: every action type of the union `A` with its spec, in
 * the order of the API's endpoints. The API's endpoints and OpenAPI operations and the policy's
 * roles are derived from it. Whether an instance's state allows an action is the process's pure
 * refusal rule, next to the union in its `actions.ts`; the catalog names it in its comment and
 * holds no reference to it, so the staff workspace, which takes the bodies to check its forms,
 * does not carry every process's rules into the browser (about 21 kB of the bundle).
 */
export type ActionCatalog<A extends { type: string }> = { [K in A['type']]: StaffActionSpec };

/** The roles of each action of a catalog (src/auth/policy.ts `ACTION_ROLES`). */
export function rolesOf<T extends string>(actions: { [K in T]: StaffActionSpec }): Record<T, Role[]> {
  return Object.fromEntries(Object.entries<StaffActionSpec>(actions).map(([type, spec]) => [type, spec.roles])) as Record<T, Role[]>;
}
