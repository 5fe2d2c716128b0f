/** Configuration of the security settings (src/config.ts): validated at start-up, secrets never echoed. */
import { randomBytes } from 'node:crypto';
import { DEVELOPMENT_PSEUDONYM_KEY, loadConfig } from '../../src/config';
import { DEVELOPMENT_PAYLOAD_KEYS } from '../../src/temporal/codec';
import { connectionOptions } from '../../src/temporal/connection';
import { configError } from '../helpers/config';

describe('configuration: payload keys, codec origins, rate limit', () => {
  it('defaults: the development payload key, the dev server UI as codec origin, 6000 requests a minute', () => {
    const c = loadConfig({ TEMPORAL_UI_PORT: '8299' });
    expect(c.payloadKeys.map((k) => k.id)).toEqual(['dev-1']);
    expect(c.temporalUiOrigins).toEqual(['http://127.0.0.1:8299', 'http://localhost:8299']);
    expect(c.rateLimitPerMinute).toBe(6000);
    expect(loadConfig({ PAYLOAD_KEYS: '' }).payloadKeys.map((k) => k.id)).toEqual(['dev-1']); // empty = unset (docker-compose)
  });

  it('PAYLOAD_KEYS: the first key encrypts, all are kept for decoding', () => {
    const [a, b] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    expect(loadConfig({ PAYLOAD_KEYS: `new-2:${a},old-1:${b}` }).payloadKeys.map((k) => k.id)).toEqual(['new-2', 'old-1']);
  });

  it('a bad PAYLOAD_KEYS stops start-up naming the variable and what is wrong, never showing the value', () => {
    const secret = randomBytes(16).toString('base64'); // 16 bytes: too short for AES-256
    const msg = configError({ PAYLOAD_KEYS: `k1:${secret}` });
    expect(msg).toMatch(/PAYLOAD_KEYS: key k1: must be 32 bytes/);
    expect(msg).not.toContain(secret);
    expect(configError({ PSEUDONYM_KEY: 'short-secret' })).not.toContain('short-secret');
  });

  it('RATE_LIMIT_PER_MINUTE and TEMPORAL_UI_ORIGINS', () => {
    expect(configError({ RATE_LIMIT_PER_MINUTE: '-1' })).toMatch(/RATE_LIMIT_PER_MINUTE/);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
    expect(loadConfig({ TEMPORAL_UI_ORIGINS: 'https://ui.example, http://localhost:8080' }).temporalUiOrigins).toEqual(['https://ui.example', 'http://localhost:8080']);
  });
});

describe('configuration: token lifetimes (issue 17 item 4)', () => {
  it('AUTH_MAX_TOKEN_LIFETIME_HOURS: 12 by default, a positive number of hours up to a week; the regions go with it', () => {
    expect(loadConfig({}).auth.maxLifetimeHours).toBe(12);
    expect(loadConfig({ AUTH_MAX_TOKEN_LIFETIME_HOURS: '1.5' }).auth.maxLifetimeHours).toBe(1.5);
    expect(configError({ AUTH_MAX_TOKEN_LIFETIME_HOURS: '0' })).toMatch(/AUTH_MAX_TOKEN_LIFETIME_HOURS/);
    expect(configError({ AUTH_MAX_TOKEN_LIFETIME_HOURS: '876000' })).toMatch(/AUTH_MAX_TOKEN_LIFETIME_HOURS: must be at most 168/);
    expect(loadConfig({}).auth.regions.map((r) => r.id)).toEqual(loadConfig({}).regions.map((r) => r.id));
  });
});

describe('configuration: indicators (issue 17 item 7)', () => {
  it('INDICATOR_SUPPRESSION_THRESHOLD: 5 by default; 1 shows everything; 0 stops start-up', () => {
    expect(loadConfig({}).indicators.suppressBelow).toBe(5);
    expect(loadConfig({ INDICATOR_SUPPRESSION_THRESHOLD: '1' }).indicators.suppressBelow).toBe(1);
    expect(configError({ INDICATOR_SUPPRESSION_THRESHOLD: '0' })).toMatch(/INDICATOR_SUPPRESSION_THRESHOLD/);
  });
});

describe('configuration: the connection to Temporal', () => {
  it('WORKER_MAX_CACHED_WORKFLOWS: the SDK\'s default when unset, a number of at least 2 otherwise', () => {
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '5000' }).temporal.maxCachedWorkflows).toBe(5000);
    expect(configError({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toMatch(/WORKER_MAX_CACHED_WORKFLOWS: must be at least 2/);
    expect(configError({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toMatch(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('TEMPORAL_GRPC_COMPRESSION: none by default, gzip on request, anything else stops start-up', () => {
    expect(connectionOptions(loadConfig({}), 'x:7233').grpcCompression).toEqual({ codec: 'none' });
    expect(connectionOptions(loadConfig({ TEMPORAL_GRPC_COMPRESSION: 'gzip' }), 'x:7233').grpcCompression).toEqual({ codec: 'gzip' });
    expect(configError({ TEMPORAL_GRPC_COMPRESSION: 'zstd' })).toMatch(/TEMPORAL_GRPC_COMPRESSION/);
  });
});

describe('configuration: production needs the region\'s identity provider (issue 20)', () => {
  const IDP = { AUTH_ISSUER: 'https://idp.region.example', AUTH_JWKS_URL: 'https://idp.region.example/.well-known/jwks.json' };
  /** the region's own secrets (src/config.ts refuses the public development ones in production) */
  const SECRETS = { PAYLOAD_KEYS: `region-1:${randomBytes(32).toString('base64')}`, PSEUDONYM_KEY: 'the-regions-own-pseudonym-key' };

  it('NODE_ENV=production without AUTH_ISSUER and AUTH_JWKS_URL stops start-up with one line naming what is missing', () => {
    expect(configError({ NODE_ENV: 'production' })).toBe('Invalid configuration:\n  - AUTH_ISSUER and AUTH_JWKS_URL: required when NODE_ENV=production (your identity provider\'s issuer and its JWKS URL); development tokens are never accepted in production');
    expect(configError({ NODE_ENV: 'production', ROLE: 'api', AUTH_ISSUER: IDP.AUTH_ISSUER })).toMatch(/^Invalid configuration:\n {2}- AUTH_JWKS_URL: required when NODE_ENV=production/);
    expect(configError({ NODE_ENV: 'production', ROLE: 'api', AUTH_JWKS_URL: IDP.AUTH_JWKS_URL, AUTH_ISSUER: ' ' })).toMatch(/- AUTH_ISSUER: required when NODE_ENV=production/);
  });

  it('production with the identity provider starts; a worker, which accepts no tokens, needs none; development keeps its local tokens', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...IDP, ...SECRETS }).auth).toMatchObject({ issuer: IDP.AUTH_ISSUER, jwksUrl: IDP.AUTH_JWKS_URL });
    expect(loadConfig({ NODE_ENV: 'production', ROLE: 'worker', ...SECRETS }).role).toBe('worker');
    expect(loadConfig({ NODE_ENV: 'development' }).auth.jwksUrl).toBeUndefined();
  });

  it('production refuses the public development secrets: payload keys and pseudonym key of its own, in one line naming them', () => {
    const line = (env: Record<string, string>) => configError({ NODE_ENV: 'production', ...IDP, ...env });
    expect(line({})).toMatch(/^Invalid configuration:\n {2}- PAYLOAD_KEYS and PSEUDONYM_KEY: your own secret is required when NODE_ENV=production; the development default is public/);
    expect(line({ PAYLOAD_KEYS: DEVELOPMENT_PAYLOAD_KEYS, PSEUDONYM_KEY: SECRETS.PSEUDONYM_KEY })).toMatch(/- PAYLOAD_KEYS: your own secret is required/);
    expect(line({ PAYLOAD_KEYS: SECRETS.PAYLOAD_KEYS, PSEUDONYM_KEY: DEVELOPMENT_PSEUDONYM_KEY })).toMatch(/- PSEUDONYM_KEY: your own secret is required/);
    expect(configError({ NODE_ENV: 'production', ROLE: 'worker', PSEUDONYM_KEY: SECRETS.PSEUDONYM_KEY })).toMatch(/- PAYLOAD_KEYS: your own secret is required/);
    // development keeps its defaults
    expect(loadConfig({ NODE_ENV: 'development' }).pseudonymKey).toBe(DEVELOPMENT_PSEUDONYM_KEY);
  });
});
