/**
 * Issue 7 / DOMAIN.md §10: bearer-token authentication (jose) and the access log, against the
 * real service. Tokens are refused when missing, malformed, unsigned, expired, from another
 * issuer or for another audience, or when their claims are not ours; an identity provider's
 * JWKS served over HTTP is trusted when configured. Every read of patient data is in the
 * append-only access log, which auditors (and only they) can query.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import { DEV_ISSUER, loadOrCreateDevKey } from '../../src/auth/tokens';
import { apiClient, PERSONNUMMER, startBody, UNITS, useApi } from '../helpers/api';
import { TEST_AUDIENCE, testKeyFile, type TestPrincipal } from '../helpers/auth';

const ctx = useApi();
const NURSE: TestPrincipal = { role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg', userId: 'ssk-lisa' };
const AUDITOR: TestPrincipal = { role: 'auditor', organisation: 'region-gavleborg-audit', region: 'gavleborg', userId: 'granskare-1' };
const CLAIMS = { role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg' };

async function devSigned(build: (jwt: SignJWT) => SignJWT, claims: Record<string, unknown> = CLAIMS): Promise<string> {
  const key = await loadOrCreateDevKey(testKeyFile());
  return build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject('ssk-lisa').setIssuedAt())
    .sign(await importJWK(key.privateJwk, 'ES256'));
}
const withBearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('authentication: no endpoint but /health without a valid token', () => {
  it('/health answers; an API endpoint without a token is 401 TOKEN_MISSING with WWW-Authenticate', async () => {
    const anon = ctx.api.as('anonymous');
    expect((await anon.get('/health')).status).toBe(200);
    const r = await anon.get('/api/calendar/deadline?rule=acknowledgement&at=2026-12-23T09:30:00Z');
    expect([r.status, r.body.error.code]).toEqual([401, 'TOKEN_MISSING']);
    expect(r.headers.get('www-authenticate')).toBe('Bearer error="invalid_request"');
    expect((await anon.get('/metrics')).status).toBe(401);
    expect((await anon.request('POST', '/codec/decode', { body: { payloads: [] } })).status).toBe(401);
  });

  it('refuses malformed, unsigned, expired, foreign and wrongly-claimed tokens, each with a reason', async () => {
    const path = '/api/calendar/deadline?rule=acknowledgement&at=2026-12-23T09:30:00Z';
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Record<string, string>, string, RegExp?][] = [
      ['Basic auth', { authorization: 'Basic dXNlcjpwdw==' }, 'TOKEN_MISSING'],
      ['garbage', withBearer('not.a.jwt'), 'TOKEN_INVALID'],
      ['alg none', withBearer(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...CLAIMS, sub: 'x', iss: DEV_ISSUER, aud: TEST_AUDIENCE, exp: now + 600 })}.`), 'TOKEN_INVALID'],
      ['expired', withBearer(await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime(now - 120))), 'TOKEN_EXPIRED'],
      ['another issuer', withBearer(await devSigned((j) => j.setIssuer('https://evil.example').setAudience(TEST_AUDIENCE).setExpirationTime('5m'))), 'TOKEN_INVALID', /iss claim/],
      ['another audience', withBearer(await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience('another-api').setExpirationTime('5m'))), 'TOKEN_INVALID', /aud claim/],
      ['an unknown role', withBearer(await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('5m'), { ...CLAIMS, role: 'superuser' })), 'TOKEN_INVALID', /role/],
      ['a unit that is not an HSA-id', withBearer(await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('5m'), { ...CLAIMS, organisation: 'avdelning 7' })), 'TOKEN_INVALID', /organisation/],
    ];
    // a valid signature over altered claims
    const good = await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('5m'));
    const [h, , s] = good.split('.');
    cases.push(['tampered claims', withBearer(`${h}.${b64({ ...CLAIMS, role: 'administrator', sub: 'x', iss: DEV_ISSUER, aud: TEST_AUDIENCE, exp: now + 600 })}.${s}`), 'TOKEN_INVALID']);
    for (const [what, headers, code, message] of cases) {
      const r = await ctx.api.as('anonymous').get(path, headers);
      expect([what, r.status, r.body.error.code]).toEqual([what, 401, code]);
      if (message) expect(r.body.error.message).toMatch(message);
    }
    expect((await ctx.api.as('anonymous').get(path, withBearer(good))).status).toBe(200);
  });

  it('with AUTH_ISSUER and AUTH_JWKS_URL, tokens of that provider are accepted (JWKS over HTTP) and development tokens are not', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    let fetched = 0;
    const idp: Server = createServer((_req, res) => {
      fetched += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json`;
    const app = createApp({ config: { ...ctx.h.config, auth: { issuer: 'https://idp.region.example', audience: TEST_AUDIENCE, jwksUrl, devKeyFile: testKeyFile() } }, logger: createLogger('silent'), client: ctx.h.env.client, ledger: ctx.h.ledger });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', r));
    try {
      const api = apiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { as: 'anonymous' });
      const path = '/api/calendar/deadline?rule=acknowledgement&at=2026-12-23T09:30:00Z';
      const idpToken = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('hsa-person-1').setIssuer('https://idp.region.example').setAudience(TEST_AUDIENCE).setExpirationTime('5m').sign(privateKey);
      expect((await api.get(path, withBearer(idpToken))).status).toBe(200);
      expect(fetched).toBeGreaterThan(0);
      const dev = await devSigned((j) => j.setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('5m'));
      expect((await api.get(path, withBearer(dev))).body.error.code).toBe('TOKEN_INVALID');
      const devWithIdpIssuer = await devSigned((j) => j.setIssuer('https://idp.region.example').setAudience(TEST_AUDIENCE).setExpirationTime('5m'));
      expect((await api.get(path, withBearer(devWithIdpIssuer))).body.error.code).toBe('TOKEN_INVALID');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      idp.closeAllConnections();
      await new Promise((r) => idp.close(r));
    }
  });
});

describe('the access log: every read of patient data, for auditors', () => {
  it('records who read which patient, through which endpoint and why; auditors search it by personnummer; nobody can change it', async () => {
    const nurse = ctx.api.as(NURSE);
    const started = await nurse.post('/api/episodes', startBody());
    expect(started.status).toBe(201);
    const { episodeId } = started.body;
    const read = await nurse.get(`/api/episodes/${episodeId}`);
    expect(read.status).toBe(200);
    await nurse.post(`/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) });
    // a refused read is not a read of patient data
    expect((await ctx.api.as({ ...NURSE, organisation: 'SE2321000115-AVD9', userId: 'nyfiken' }).get(`/api/episodes/${episodeId}`)).status).toBe(403);

    const auditor = ctx.api.as(AUDITOR);
    const found = await auditor.post('/api/audit/access-log/search', { patient: { kind: 'personnummer', value: PERSONNUMMER }, processId: episodeId });
    expect(found.status).toBe(200);
    expect(found.body.patientRef).toBe(read.body.patientRef);
    expect(found.body.entries.map((e: any) => e.endpoint)).toEqual(['POST /api/episodes/:episodeId/admission-notice', 'GET /api/episodes/:episodeId']);
    expect(found.body.entries[1]).toEqual({
      entryId: expect.any(String), at: expect.any(String), userId: 'ssk-lisa', role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg',
      endpoint: 'GET /api/episodes/:episodeId', processType: 'discharge', processId: episodeId, patientRefs: [read.body.patientRef], purpose: 'the inpatient unit of the stay',
    });
    expect(JSON.stringify(found.body)).not.toContain(PERSONNUMMER);
    // by person, by reference
    const byUser = await auditor.get(`/api/audit/access-log?userId=ssk-lisa&processId=${episodeId}&limit=1`);
    expect(byUser.body.entries).toHaveLength(1);
    expect((await auditor.get(`/api/audit/access-log?userId=ssk-lisa&processId=${episodeId}&cursor=${byUser.body.nextCursor}`)).body.entries).toHaveLength(1);
    expect((await auditor.get(`/api/audit/access-log?patientRef=${read.body.patientRef}`)).body.entries.length).toBeGreaterThanOrEqual(2);
    expect((await nurse.get('/api/audit/access-log')).body.error.code).toBe('ROLE_NOT_PERMITTED');
    // another region's auditor sees none of it
    expect((await ctx.api.as({ ...AUDITOR, region: 'halland' }).get(`/api/audit/access-log?processId=${episodeId}`)).body.entries).toEqual([]);
    // append-only, enforced by the database
    await expect(sql`update access_log set user_id = 'someone-else'`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_log`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
  });
});
