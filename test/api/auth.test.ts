/**
 * Issue 7 / docs/domain.md §10: bearer-token authentication (jose) and the access log, against the
 * real service. Tokens are refused when missing, malformed, unsigned, expired, from another
 * issuer or for another audience, or when their claims are not ours; an identity provider's
 * JWKS served over HTTP is trusted when configured. Every read of patient data is in the
 * append-only access log, which auditors (and only they) can query.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import { DEV_ISSUER, loadOrCreateDevKey, mintDevToken } from '../../src/auth/tokens';
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
    const app = createApp({ config: { ...ctx.h.config, auth: { ...ctx.h.config.auth, issuer: 'https://idp.region.example', jwksUrl } }, logger: createLogger('silent'), client: ctx.h.env.client, ledger: ctx.h.ledger });
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
      // issue 17 item 4: the provider's tokens live up to AUTH_MAX_TOKEN_LIFETIME_HOURS (12 h), longer than a development token may
      const idpFor = (hours: number) => new SignJWT(CLAIMS).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('hsa-person-1').setIssuer('https://idp.region.example').setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime(`${hours}h`).sign(privateKey);
      expect((await api.get(path, withBearer(await idpFor(11)))).status).toBe(200);
      const long = await api.get(path, withBearer(await idpFor(13)));
      expect([long.status, long.body.error.code]).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG']);
      const mars = await api.get(path, withBearer(await new SignJWT({ ...CLAIMS, region: 'mars' }).setProtectedHeader({ alg: 'RS256', kid: 'idp-1' }).setSubject('hsa-person-1').setIssuer('https://idp.region.example').setAudience(TEST_AUDIENCE).setIssuedAt().setExpirationTime('1h').sign(privateKey)));
      expect([mars.status, mars.body.error.code]).toEqual([401, 'TOKEN_REGION_UNKNOWN']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      idp.closeAllConnections();
      await new Promise((r) => idp.close(r));
    }
  });
});

describe('token claims against the configuration, and token lifetimes (issue 17 item 4)', () => {
  const path = '/api/calendar/deadline?rule=acknowledgement&at=2026-12-23T09:30:00Z';
  const signed = (claims: Record<string, unknown>, expires: string | number = '1h', iat?: number) =>
    devSigned((j) => (iat === undefined ? j : j.setIssuedAt(iat)).setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime(expires), claims);
  const refusal = async (token: string) => {
    const r = await ctx.api.as('anonymous').get(path, withBearer(token));
    return [r.status, r.body.error?.code, r.status === 401 ? r.headers.get('www-authenticate') : null];
  };

  it('a correctly signed token naming an unconfigured region is refused: 401 TOKEN_REGION_UNKNOWN', async () => {
    expect(await refusal(await signed({ ...CLAIMS, region: 'mars' }))).toEqual([401, 'TOKEN_REGION_UNKNOWN', 'Bearer error="invalid_token"']);
    expect(await refusal(await signed({ role: 'administrator', organisation: 'region-mars-it', region: 'mars' }))).toEqual([401, 'TOKEN_REGION_UNKNOWN', 'Bearer error="invalid_token"']);
    expect((await ctx.api.as('anonymous').get(path, withBearer(await signed(CLAIMS)))).status).toBe(200);
  });

  it('an organisation that does not fit its role or region is refused', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      // the kommunkod roles: a municipality of the region, or of another county (an out-of-county patient's home municipality)
      ['a kommunkod in the region\'s county that is not one of its municipalities', { role: 'municipalityStaff', organisation: '2199', region: 'gavleborg' }, 'TOKEN_ORGANISATION_MISMATCH'],
      ['a kommunkod of no Swedish municipality', { role: 'municipalityStaff', organisation: '9999', region: 'gavleborg' }, 'TOKEN_ORGANISATION_MISMATCH'],
      ['an invoice reviewer of no municipality', { role: 'invoiceReviewer', organisation: '0000', region: 'halland' }, 'TOKEN_ORGANISATION_MISMATCH'],
      ['municipality staff with an HSA-id', { role: 'municipalityStaff', organisation: UNITS.inpatient, region: 'gavleborg' }, 'TOKEN_INVALID'],
      ['inpatient staff with a kommunkod', { role: 'inpatientStaff', organisation: '2180', region: 'gavleborg' }, 'TOKEN_INVALID'],
      ['primary care staff with an organisation id', { role: 'primaryCareStaff', organisation: 'region-gavleborg', region: 'gavleborg' }, 'TOKEN_INVALID'],
      ['an administrator with an HSA-id', { role: 'administrator', organisation: UNITS.inpatient, region: 'gavleborg' }, 'TOKEN_INVALID'],
    ];
    for (const [what, claims, code] of cases) expect([what, ...(await refusal(await signed(claims)))]).toEqual([what, 401, code, 'Bearer error="invalid_token"']);
    for (const fits of [
      { role: 'municipalityStaff', organisation: '2180', region: 'gavleborg' },
      { role: 'invoiceReviewer', organisation: '1380', region: 'halland' },
      { role: 'municipalityStaff', organisation: '0180', region: 'halland' }, // Stockholm: an out-of-county patient's municipality
    ]) expect((await ctx.api.as('anonymous').get(path, withBearer(await signed(fits)))).status).toBe(200);
  });

  it('a development token valid for longer than a working day (10 h) is refused: 401 TOKEN_LIFETIME_TOO_LONG', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await signed(CLAIMS, '876000h'))).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG', 'Bearer error="invalid_token"']); // 100 years
    expect(await refusal(await signed(CLAIMS, '11h'))).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG', 'Bearer error="invalid_token"']);
    // an issue time in the future does not stretch it, nor does leaving it out
    expect(await refusal(await signed(CLAIMS, now + 100 * 86_400 + 3600, now + 100 * 86_400))).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG', 'Bearer error="invalid_token"']);
    const noIat = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'ES256', kid: (await loadOrCreateDevKey(testKeyFile())).kid }).setSubject('ssk-lisa').setIssuer(DEV_ISSUER).setAudience(TEST_AUDIENCE).setExpirationTime('30d')
      .sign(await importJWK((await loadOrCreateDevKey(testKeyFile())).privateJwk, 'ES256'));
    expect(await refusal(noIat)).toEqual([401, 'TOKEN_LIFETIME_TOO_LONG', 'Bearer error="invalid_token"']);
    expect((await ctx.api.as('anonymous').get(path, withBearer(await signed(CLAIMS, '10h')))).status).toBe(200);
    // what npm run token mints by default (8 h) is accepted; it mints nothing longer than 10 h
    expect((await ctx.api.as('anonymous').get(path, withBearer(await mintDevToken(testKeyFile(), { userId: 'ssk-lisa', ...CLAIMS as any, audience: TEST_AUDIENCE })))).status).toBe(200);
    await expect(mintDevToken(testKeyFile(), { userId: 'ssk-lisa', ...CLAIMS as any, audience: TEST_AUDIENCE, expiresIn: '11h' })).rejects.toThrow(/working day/);
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
    // a refused read sends no patient data, and is logged as the refused attempt it was (issue 17)
    expect((await ctx.api.as({ ...NURSE, organisation: 'SE2321000115-AVD9', userId: 'nyfiken' }).get(`/api/episodes/${episodeId}`)).status).toBe(403);

    const auditor = ctx.api.as(AUDITOR);
    const found = await auditor.post('/api/audit/access-log/search', { patient: { kind: 'personnummer', value: PERSONNUMMER }, processId: episodeId });
    expect(found.status).toBe(200);
    expect(found.body.patientRef).toBe(read.body.patientRef);
    expect(found.body.entries.map((e: any) => [e.userId, e.endpoint, e.outcome])).toEqual([
      ['nyfiken', 'GET /api/episodes/:episodeId', 'refused'],
      ['ssk-lisa', 'POST /api/episodes/:episodeId/admission-notice', 'granted'],
      ['ssk-lisa', 'GET /api/episodes/:episodeId', 'granted'],
    ]);
    expect(found.body.entries[2]).toEqual({
      entryId: expect.any(String), at: expect.any(String), userId: 'ssk-lisa', role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg',
      endpoint: 'GET /api/episodes/:episodeId', processType: 'discharge', processId: episodeId, patientRefs: [read.body.patientRef], purpose: 'the inpatient unit of the stay',
      outcome: 'granted', refusal: null,
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

describe('the access log: refused attempts and the auditors\' own searches (issue 17 item 6)', () => {
  it('a refused read or action is logged — who, what, when, why refused — while the caller hears only the usual 403', async () => {
    const nurse = ctx.api.as(NURSE);
    const started = await nurse.post('/api/episodes', startBody());
    expect(started.status).toBe(201);
    const { episodeId } = started.body;
    const patientRef = (await nurse.get(`/api/episodes/${episodeId}`)).body.patientRef;
    const unknownId = randomUUID();

    const otherUnit = ctx.api.as({ ...NURSE, organisation: 'SE2321000115-AVD9', userId: 'snok-1' });
    const otherRegion = ctx.api.as({ ...NURSE, region: 'halland', userId: 'snok-2' });
    const wrongRole = ctx.api.as({ role: 'billingOfficer', organisation: 'region-gavleborg', region: 'gavleborg', userId: 'snok-3' });
    const theirs = await otherUnit.get(`/api/episodes/${episodeId}`);
    const none = await otherUnit.get(`/api/episodes/${unknownId}`);
    // the caller learns nothing new: the same 403 for another's process and for none at all
    expect([theirs.status, theirs.body]).toEqual([none.status, none.body]);
    expect(theirs.body.error.code).toBe('NOT_ACCESSIBLE');
    expect((await otherRegion.get(`/api/episodes/${episodeId}`)).status).toBe(403);
    expect((await wrongRole.get(`/api/episodes/${episodeId}`)).body.error.code).toBe('ROLE_NOT_PERMITTED');
    expect((await otherUnit.post(`/api/episodes/${episodeId}/ready`, {})).status).toBe(403);

    const auditor = ctx.api.as(AUDITOR);
    const refused = (await auditor.get(`/api/audit/access-log?processId=${episodeId}&outcome=refused`)).body.entries;
    expect(refused.map((e: any) => [e.userId, e.role, e.organisation, e.region, e.endpoint, e.outcome, e.patientRefs])).toEqual([
      ['snok-1', 'inpatientStaff', 'SE2321000115-AVD9', 'gavleborg', 'POST /api/episodes/:episodeId/ready', 'refused', [patientRef]],
      ['snok-3', 'billingOfficer', 'region-gavleborg', 'gavleborg', 'GET /api/episodes/:episodeId', 'refused', []],
      ['snok-1', 'inpatientStaff', 'SE2321000115-AVD9', 'gavleborg', 'GET /api/episodes/:episodeId', 'refused', [patientRef]],
    ]);
    expect(refused.map((e: any) => e.refusal)).toEqual([
      expect.stringMatching(/^NOT_ACCESSIBLE: .*SE2321000115-AVD9.* not a party/),
      expect.stringMatching(/^ROLE_NOT_PERMITTED: the role billingOfficer may not/),
      expect.stringMatching(/^NOT_ACCESSIBLE: .*not a party/),
    ]);
    for (const e of refused) expect(e).toMatchObject({ processType: 'discharge', processId: episodeId, at: expect.any(String), purpose: expect.any(String) });
    // the granted reads are apart: ?outcome=granted
    expect((await auditor.get(`/api/audit/access-log?processId=${episodeId}&outcome=granted`)).body.entries.every((e: any) => e.outcome === 'granted' && e.refusal === null)).toBe(true);
    // an id that names no process: logged with it, and no patient
    expect((await auditor.get(`/api/audit/access-log?processId=${unknownId}`)).body.entries).toEqual([
      expect.objectContaining({ userId: 'snok-1', processId: unknownId, patientRefs: [], outcome: 'refused', refusal: 'NOT_ACCESSIBLE: no such process' }),
    ]);
    // another region's process: in the log of the region the caller works in, with the reason
    const halland = (await ctx.api.as({ ...AUDITOR, region: 'halland' }).get(`/api/audit/access-log?processId=${episodeId}&outcome=refused`)).body.entries;
    expect(halland).toEqual([expect.objectContaining({ userId: 'snok-2', refusal: expect.stringMatching(/region gavleborg, not the caller's \(halland\)/) })]);
    // append-only, as every entry
    await expect(sql`update access_log set refusal = null where outcome = 'refused'`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_log where outcome = 'refused'`.execute(ctx.h.ledger.db)).rejects.toThrow(/append-only/);
  });

  it('an auditor\'s search by personnummer (or by patient reference) is an access of its own, in the log', async () => {
    const auditor = ctx.api.as({ ...AUDITOR, userId: 'granskare-sok' });
    const found = await auditor.post('/api/audit/access-log/search', { patient: { kind: 'personnummer', value: PERSONNUMMER } });
    expect(found.status).toBe(200);
    const { patientRef } = found.body;
    // the answer does not list the search itself
    expect(found.body.entries.map((e: any) => e.userId)).not.toContain('granskare-sok');
    expect((await auditor.get(`/api/audit/access-log?patientRef=${patientRef}&limit=1`)).status).toBe(200);
    const own = (await ctx.api.as(AUDITOR).get('/api/audit/access-log?userId=granskare-sok')).body.entries;
    expect(own).toEqual([
      { entryId: expect.any(String), at: expect.any(String), userId: 'granskare-sok', role: 'auditor', organisation: AUDITOR.organisation, region: 'gavleborg', endpoint: 'GET /api/audit/access-log', processType: null, processId: null, patientRefs: [patientRef], purpose: expect.stringMatching(/auditor.s search/), outcome: 'granted', refusal: null },
      { entryId: expect.any(String), at: expect.any(String), userId: 'granskare-sok', role: 'auditor', organisation: AUDITOR.organisation, region: 'gavleborg', endpoint: 'POST /api/audit/access-log/search', processType: null, processId: null, patientRefs: [patientRef], purpose: expect.stringMatching(/auditor.s search/), outcome: 'granted', refusal: null },
    ]);
    // and another auditor searching for the patient sees who searched
    const next = await ctx.api.as(AUDITOR).post('/api/audit/access-log/search', { patient: { kind: 'personnummer', value: PERSONNUMMER }, userId: 'granskare-sok' });
    expect(next.body.entries.map((e: any) => e.endpoint)).toEqual(['GET /api/audit/access-log', 'POST /api/audit/access-log/search']);
    expect(JSON.stringify(own)).not.toContain(PERSONNUMMER);
  });
});
