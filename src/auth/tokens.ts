/**
 * Bearer tokens (docs/domain.md §10): JWTs verified with `jose` against the configured issuer and its
 * JWKS (any OIDC provider), or — for local use only — against a development key kept in
 * DATA_DIR, for which `npm run token` mints tokens. Production (NODE_ENV=production) refuses the
 * development key (src/config.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { claimsMisfit, ClaimsSchema, principalOf, type ClaimsRegion, type Principal, type Role } from './principal';

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** the provider's JWKS; without it the development key file is used */
  jwksUrl?: string;
  devKeyFile: string;
  /** the configured regions: a token's region and organisation must fit one (issue 17 item 4) */
  regions: readonly ClaimsRegion[];
  /** AUTH_MAX_TOKEN_LIFETIME_HOURS: a token valid for longer (exp − iat, and exp − now) is refused */
  maxLifetimeHours: number;
}

/** The issuer of locally minted development tokens. */
export const DEV_ISSUER = 'urn:utskrivning:local-development';
/** A development token lives at most a working day, whatever AUTH_MAX_TOKEN_LIFETIME_HOURS says. */
export const DEV_MAX_LIFETIME_HOURS = 10;
/** `npm run token`'s default lifetime. */
export const DEV_DEFAULT_LIFETIME = '8h';
const CLOCK_TOLERANCE_S = 30;

/** A lifetime like '30m', '8h' or '2d' in seconds, or undefined when it is not one. */
export function lifetimeSeconds(s: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(s);
  return m ? Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as 's' | 'm' | 'h' | 'd'] : undefined;
}
const DEV_ALG = 'ES256';

interface DevKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * The development signing key: read from `file`, or created there (mode 0600) on first use. Two
 * processes creating it at once is settled by the exclusive create: the loser reads the winner's.
 */
export async function loadOrCreateDevKey(file: string): Promise<DevKey> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DevKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read the development signing key ${file}: ${(err as Error).message}`);
  }
  const { privateKey, publicKey } = await generateKeyPair(DEV_ALG, { extractable: true });
  const kid = `dev-${randomUUID().slice(0, 8)}`;
  const key: DevKey = {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: DEV_ALG, use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: DEV_ALG, use: 'sig' },
  };
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(key), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(readFileSync(file, 'utf8')) as DevKey;
    throw err;
  }
}

export interface MintOptions {
  userId: string;
  role: Role;
  organisation: string;
  region: string;
  /** lifetime, e.g. '8h' (default) or '5m'; at most DEV_MAX_LIFETIME_HOURS */
  expiresIn?: string;
  audience: string;
}

/** A development token signed with the local key (npm run token; the tests). */
export async function mintDevToken(file: string, o: MintOptions): Promise<string> {
  const expiresIn = o.expiresIn ?? DEV_DEFAULT_LIFETIME;
  const seconds = lifetimeSeconds(expiresIn);
  if (seconds === undefined) throw new Error(`--expires: give a lifetime like 30m or 8h, not ${expiresIn}`);
  if (seconds > DEV_MAX_LIFETIME_HOURS * 3600) throw new Error(`--expires: a development token lives at most a working day, ${DEV_MAX_LIFETIME_HOURS}h; ${expiresIn} is longer`);
  const key = await loadOrCreateDevKey(file);
  return new SignJWT({ role: o.role, organisation: o.organisation, region: o.region })
    .setProtectedHeader({ alg: DEV_ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(o.userId)
    .setIssuer(DEV_ISSUER)
    .setAudience(o.audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(await importJWK(key.privateJwk, DEV_ALG));
}

/** Why a token was refused; the message is safe to show the caller. */
export class TokenRefused extends Error {
  constructor(
    readonly code: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REGION_UNKNOWN' | 'TOKEN_ORGANISATION_MISMATCH' | 'TOKEN_LIFETIME_TOO_LONG',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRefused';
  }
}

export type Verifier = (authorization: string | undefined) => Promise<Principal>;

/**
 * Verifies `Authorization: Bearer <jwt>`: signature (JWKS), issuer, audience, expiry, lifetime
 * (at most AUTH_MAX_TOKEN_LIFETIME_HOURS; development tokens at most DEV_MAX_LIFETIME_HOURS) and
 * our claims, which must fit the configured regions (`claimsMisfit`).
 */
export async function createVerifier(cfg: AuthConfig): Promise<Verifier> {
  let keys: JWTVerifyGetKey;
  let issuer = cfg.issuer;
  let maxLifetimeS = cfg.maxLifetimeHours * 3600;
  if (cfg.jwksUrl) {
    keys = createRemoteJWKSet(new URL(cfg.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  } else {
    keys = createLocalJWKSet({ keys: [(await loadOrCreateDevKey(cfg.devKeyFile)).publicJwk] });
    issuer = DEV_ISSUER;
    maxLifetimeS = Math.min(maxLifetimeS, DEV_MAX_LIFETIME_HOURS * 3600);
  }
  // A token verified once is not verified again until it expires: staff send the same token with
  // every request, and a signature check costs more CPU than the rest of the authorisation.
  const verified = new LRUCache<string, { principal: Principal; exp: number }>({ max: 10_000 });
  return async (authorization) => {
    const m = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/.exec(authorization?.trim() ?? '');
    if (!m) {
      throw new TokenRefused('TOKEN_MISSING', authorization ? 'The Authorization header must be "Bearer <token>".' : 'Sign in: this endpoint needs a bearer token (Authorization: Bearer <token>).');
    }
    const hit = verified.get(m[1]);
    if (hit && hit.exp * 1000 > Date.now()) return hit.principal;
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(m[1], keys, { issuer, audience: cfg.audience, algorithms: ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'EdDSA'], requiredClaims: ['exp', 'sub'], clockTolerance: CLOCK_TOLERANCE_S }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new TokenRefused('TOKEN_EXPIRED', 'The token has expired; sign in again.');
      if (err instanceof errors.JWTClaimValidationFailed) throw new TokenRefused('TOKEN_INVALID', `The token was refused: its ${err.claim} claim is not accepted here.`);
      if (err instanceof errors.JOSEError) throw new TokenRefused('TOKEN_INVALID', 'The token was refused: it is malformed or not signed by the configured issuer.');
      throw err; // the JWKS could not be fetched: a server problem, not the caller's
    }
    const claims = ClaimsSchema.safeParse(payload);
    if (!claims.success) {
      const what = claims.error.issues.map((i) => `${i.path.join('.') || 'claims'} ${i.message}`).join('; ');
      throw new TokenRefused('TOKEN_INVALID', `The token was refused: ${what}.`);
    }
    // the lifetime: from its issue (iat) and from now, so a future iat does not stretch it
    const exp = payload.exp as number;
    const now = Math.floor(Date.now() / 1000);
    const lifetime = Math.max(exp - (typeof payload.iat === 'number' ? payload.iat : now), exp - now);
    if (lifetime > maxLifetimeS + CLOCK_TOLERANCE_S) {
      throw new TokenRefused('TOKEN_LIFETIME_TOO_LONG', `The token was refused: it is valid for ${Math.round(lifetime / 360) / 10} h, longer than the ${maxLifetimeS / 3600} h this service accepts; sign in again for a shorter-lived token.`);
    }
    const misfit = claimsMisfit(claims.data, cfg.regions);
    if (misfit) throw new TokenRefused(misfit.code, misfit.message);
    const principal = principalOf(claims.data);
    verified.set(m[1], { principal, exp: payload.exp as number });
    return principal;
  };
}
