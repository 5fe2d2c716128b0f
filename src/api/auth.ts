/**
 * Authentication and authorisation at the HTTP edge (docs/domain.md §10), on top of src/auth:
 *  - `authenticate` verifies the bearer token of every request but `/health` and the public
 *    documents, and puts the caller on the request;
 *  - routes ask `requireRole` (may this role do this at all?) and `ProcessAccess.authorize`
 *    (is this process one of the caller's?) before they parse the body or touch a workflow, so
 *    a refused request records nothing;
 *  - `ProcessAccess.logRead` writes the access log entry before patient data is sent.
 */
import type { Request, RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { AccessLogWriter } from '../db/access-log';
import type { Database } from '../db/schema';
import type { Party } from '../domain/obligations';
import type { Region } from '../domain/regions';
import { actingParty, relationTo, type ProcessParties } from '../auth/policy';
import type { ProcessType } from '../domain/process';
import { ROLE_SV, type Principal, type Role } from '../auth/principal';
import { TokenRefused, type Verifier } from '../auth/tokens';
import { HttpError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Paths answered without a token: health, and the API's own description (no data in either). */
const PUBLIC = [/^\/health$/, /^\/openapi\.json$/, /^\/docs(\/|$)/, /^\/reports\/indicators$/, /^\/reports\/(assets|vendor)\//, /^\/codec\/login(\.js)?$/];

/** The Temporal Web UI's codec calls carry the administrator's session cookie (see routes/codec.ts) instead of a header. */
export const CODEC_COOKIE = 'codec_session';
const CODEC_COOKIE_VALUE = new RegExp(`(?:^|;\\s*)${CODEC_COOKIE}=([A-Za-z0-9_.-]+)`);
function codecCookie(req: Request): string | undefined {
  if (!req.path.startsWith('/codec/')) return undefined;
  const m = CODEC_COOKIE_VALUE.exec(req.header('cookie') ?? '');
  return m ? `Bearer ${m[1]}` : undefined;
}

/** HTTP auth schemes are case-insensitive (RFC 9110 §11.1): `bearer …` is `Bearer …`. */
function schemeNormalised(authorization: string | undefined): string | undefined {
  return authorization?.replace(/^\s*bearer(?=\s)/i, 'Bearer');
}

export function authenticate(verify: Verifier, opts: { public?: RegExp[] } = {}): RequestHandler {
  const open = [...PUBLIC, ...(opts.public ?? [])];
  return (req, res, next) => {
    if (req.method === 'OPTIONS' || open.some((r) => r.test(req.path))) return next();
    verify(schemeNormalised(req.header('authorization')) ?? codecCookie(req)).then(
      (p) => {
        req.principal = p;
        next();
      },
      (err) => {
        if (err instanceof TokenRefused) {
          res.setHeader('WWW-Authenticate', `Bearer error="${err.code === 'TOKEN_MISSING' ? 'invalid_request' : 'invalid_token'}"`);
          next(new HttpError(401, err.code, err.message));
        } else next(err);
      },
    );
  };
}

export function principal(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'TOKEN_MISSING', 'Sign in: this endpoint needs a bearer token (Authorization: Bearer <token>).');
  return req.principal;
}

const list = (roles: readonly Role[]) => roles.map((r) => `${r} (${ROLE_SV[r]})`).join(', ');

/** The caller, when their role may do `what`; else 403 naming who may. Reveals nothing about any process. */
export function requireRole(req: Request, roles: readonly Role[], what: string): Principal {
  const p = principal(req);
  if (!roles.includes(p.role)) {
    throw new HttpError(403, 'ROLE_NOT_PERMITTED', `Your role, ${p.role} (${ROLE_SV[p.role]}), may not ${what}. This is done by: ${list(roles)}.`);
  }
  return p;
}

/** The caller's region must be `region`; else the same 403 as a resource that is not theirs. */
export function requireRegion(p: Principal, region: string, noun: string): void {
  if (p.region !== region) throw notAccessible(noun);
}

/** One answer for "not yours" and "does not exist": a refusal must not reveal that a process exists. */
export function notAccessible(noun: string): HttpError {
  return new HttpError(403, 'NOT_ACCESSIBLE', `No ${noun} with that id is accessible to you: it does not exist, or it is not one your role and organisation may see.`);
}

/** What the routes read of a process view to authorise and log. */
interface ViewLike {
  region: string;
  patientRef?: string;
  parties: Record<string, Party | undefined>;
}

export interface ProcessRef {
  processType: ProcessType;
  processId: string;
  workflowId: string;
  /** reads the process's state (a Workflow Query); rejects when it does not exist */
  read: () => Promise<ViewLike>;
}

export interface Authorized {
  principal: Principal;
  purpose: string;
  patientRef?: string;
}

/**
 * How long a NOT_ACCESSIBLE refusal takes at least: above a Temporal query's round trip (a median
 * of about 3 ms locally, tens of ms to a remote cluster under load), so an existing process the
 * cache answers at once and an unknown id that goes to Temporal look the same to a caller.
 */
export const REFUSAL_FLOOR_MS = 30;

async function untilElapsed(startedMs: number, floorMs: number): Promise<void> {
  const wait = floorMs - (performance.now() - startedMs);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/**
 * Authorisation of the processes and the access log. A process's parties never change, so they
 * are cached by workflow id after the first lookup (one query); a process that does not exist is
 * not cached, so it is found the moment it is started.
 */
export class ProcessAccess {
  private readonly cache = new LRUCache<string, { parties: ProcessParties; patientRef?: string }>({ max: 50_000 });

  private readonly log: AccessLogWriter;

  /** NOT_ACCESSIBLE is answered no sooner than this after the lookup began (issue 17: no timing oracle) */
  private readonly refusalFloorMs: number;

  constructor(private readonly deps: { client: Client; regions: readonly Region[]; db: Kysely<Database>; refusalFloorMs?: number }) {
    this.log = new AccessLogWriter(deps.db);
    this.refusalFloorMs = deps.refusalFloorMs ?? REFUSAL_FLOOR_MS;
  }

  private async lookup(ref: ProcessRef) {
    const hit = this.cache.get(ref.workflowId);
    if (hit) return hit;
    let v: ViewLike;
    try {
      v = await ref.read();
    } catch (err) {
      // unknown: refused like any process that is not the caller's; anything else (Temporal
      // unreachable, worker down) is a server error the caller may retry, never a false 403
      if (err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5 || /not found/i.test((err as Error)?.message ?? '')) return undefined;
      throw err;
    }
    return this.remember(ref, v);
  }

  /** Caches a process's parties; the start routes call it with the view they start the process with. */
  remember(ref: Pick<ProcessRef, 'processType' | 'workflowId'>, v: ViewLike) {
    const entry = {
      parties: { processType: ref.processType, region: v.region, parties: Object.values(v.parties).filter((x): x is Party => !!x) },
      patientRef: v.patientRef,
    };
    this.cache.set(ref.workflowId, entry);
    return entry;
  }

  /**
   * The caller may act on or read this process: their role is among `roles` (else 403 naming
   * who may) and the process is theirs (else 403 NOT_ACCESSIBLE, the same as a process that
   * does not exist).
   */
  async authorize(req: Request, ref: ProcessRef, roles: readonly Role[], what: string, noun: string): Promise<Authorized> {
    let p: Principal;
    try {
      p = requireRole(req, roles, what);
    } catch (err) {
      // issue 17: a refused attempt is in the access log too (who, what, when, why refused)
      if (err instanceof HttpError && err.code === 'ROLE_NOT_PERMITTED') await this.logRefusal(req, ref, what, `ROLE_NOT_PERMITTED: the role ${principal(req).role} may not ${what}`, []);
      throw err;
    }
    const started = performance.now();
    const found = await this.lookup(ref);
    const purpose = found && relationTo(p, found.parties, this.deps.regions);
    if (!found || !purpose) {
      // Logged (issue 17) with the reason the caller is not told: whether the process exists is
      // for the auditors, who see the patient reference of an existing one. Both cases write one
      // row, and the floor below covers it.
      const why = !found
        ? 'NOT_ACCESSIBLE: no such process'
        : found.parties.region !== p.region
          ? `NOT_ACCESSIBLE: a process of the region ${found.parties.region}, not the caller's (${p.region})`
          : `NOT_ACCESSIBLE: the caller's organisation (${p.organisation}) is not a party of the process`;
      await this.logRefusal(req, ref, what, why, found?.patientRef ? [found.patientRef] : []);
      // The same answer, in the same time, whether the process exists or not: a process found in
      // the cache answers in well under a millisecond, an unknown id takes a round trip to
      // Temporal. Every refusal here is held to one floor, above that round trip.
      await untilElapsed(started, this.refusalFloorMs);
      throw notAccessible(noun);
    }
    return { principal: p, purpose, patientRef: found.patientRef };
  }

  /** A refused attempt on a process, in the access log (append-only like every entry). */
  private async logRefusal(req: Request, ref: ProcessRef, what: string, why: string, patientRefs: string[]): Promise<void> {
    await this.log.record({ ...this.entryOf(req, { purpose: what, processType: ref.processType, processId: ref.processId, patientRefs }), outcome: 'refused', refusal: why });
  }

  /**
   * Runs `read` (a query or an action answering with patient data), then writes its access-log
   * entry (taken down before the read, stored together with those of the requests that arrived
   * meanwhile) and answers only once it is stored: a read that cannot be logged is not answered.
   * An action refused by the process (409) is logged too, as the attempt it was.
   */
  async logged<T>(req: Request, e: { purpose: string; processType?: string; processId?: string; patientRefs: string[] }, read: () => Promise<T>): Promise<T> {
    // held while the read runs, stored (with the entries of requests that arrived meanwhile) after it
    const entry = this.log.hold(this.entryOf(req, e));
    const r = await Promise.resolve().then(read).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    const written = entry.write();
    if (!r.ok) {
      await written.catch(() => undefined); // the refusal is what the caller hears
      throw r.error;
    }
    await written;
    return r.value;
  }

  /** Records a read of patient data; called before the data is sent (a read that cannot be logged is not answered). */
  async logRead(req: Request, e: { purpose: string; processType?: string; processId?: string; patientRefs: string[] }): Promise<void> {
    await this.log.record(this.entryOf(req, e));
  }

  private entryOf(req: Request, e: { purpose: string; processType?: string; processId?: string; patientRefs: string[] }) {
    const p = principal(req);
    return {
      userId: p.userId,
      role: p.role,
      organisation: p.organisation,
      region: p.region,
      endpoint: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
      processType: e.processType ?? null,
      processId: e.processId ?? null,
      patientRefs: [...new Set(e.patientRefs.filter(Boolean))],
      purpose: e.purpose,
    };
  }
}

/** Body fields that name the party acting: filled from the token when left out, refused when another party is named. */
const ACTING_FIELDS = ['party', 'sender'] as const;

export function withActingParty(p: Principal, schemaKeys: readonly string[], body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const field of ACTING_FIELDS) {
    if (!schemaKeys.includes(field)) continue;
    const acting = actingParty(p, out[field] as Party | undefined);
    if ('refused' in acting) throw new HttpError(403, 'NOT_YOUR_PARTY', acting.refused);
    out[field] = acting;
  }
  return out;
}
