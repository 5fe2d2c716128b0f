/**
 * Security defects an outside probe found (issue 17, items 1, 2, 3 and 5), against the real
 * service: the time of a refusal does not tell whether a process exists; an Idempotency-Key is
 * the caller's own (scoped to their organisation and the operation) and a reused key with another
 * body is 422; patient data is never cacheable; the bearer scheme is case-insensitive.
 */
import { apiClient, newKey, startBody, stockholmDate, UNITS, useApi } from '../helpers/api';
import { tokenFor, type TestPrincipal } from '../helpers/auth';

const ctx = useApi();
const WARD7: TestPrincipal = { role: 'inpatientStaff', organisation: UNITS.inpatient, region: 'gavleborg', userId: 'ssk-avd7' };
const WARD8: TestPrincipal = { role: 'inpatientStaff', organisation: 'SE2321000115-AVD8', region: 'gavleborg', userId: 'ssk-avd8' };
/** a municipality of the other region: may see no episode of this one */
const OUTSIDER: TestPrincipal = { role: 'municipalityStaff', organisation: '1380', region: 'halland', userId: 'kommun-halmstad' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('a refusal takes the same time whether the process exists or not (item 1)', () => {
  it('medians over 60 requests each, for an existing and an unknown episode, are within noise; status and body are the same', async () => {
    const ward = apiClient(ctx.h.baseUrl, { as: WARD7 });
    const started = await ward.post('/api/episodes', startBody());
    expect(started.status).toBe(201);
    const existing = started.body.episodeId as string;
    await ward.get(`/api/episodes/${existing}`); // the process is in the cache now (any caller's read puts it there)
    const unknown = 'e0000000000000000000000000000000';
    const outsider = apiClient(ctx.h.baseUrl, { as: OUTSIDER });
    const times: Record<'existing' | 'unknown', number[]> = { existing: [], unknown: [] };
    const bodies = new Set<string>();
    for (let i = 0; i < 60; i++) {
      for (const [which, id] of [['existing', existing], ['unknown', unknown]] as const) {
        const t0 = performance.now();
        const r = await outsider.get(`/api/episodes/${id}`);
        times[which].push(performance.now() - t0);
        expect(r.status).toBe(403);
        bodies.add(JSON.stringify(r.body));
      }
    }
    expect(bodies.size).toBe(1);
    const [a, b] = [median(times.existing), median(times.unknown)];
    // before: 0.96 ms against 3.35 ms (the probe's medians); the floor holds both at about 30 ms
    expect(Math.abs(a - b)).toBeLessThan(3);
  });
});

describe('an Idempotency-Key is the caller’s own (item 2)', () => {
  it('another unit with the same key gets an episode of its own; the same unit with another body gets 422; the same body 200', async () => {
    const key = newKey('shared');
    const w7 = apiClient(ctx.h.baseUrl, { as: WARD7 });
    const w8 = apiClient(ctx.h.baseUrl, { as: WARD8 });
    const first = await w7.post('/api/episodes', startBody(), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const other = await w8.post('/api/episodes', startBody({ inpatientUnit: WARD8.organisation }), { 'Idempotency-Key': key });
    expect(other.status).toBe(201);
    expect(other.body.episodeId).not.toBe(first.body.episodeId);
    const changed = await w7.post('/api/episodes', startBody({ psychiatric: false, hospital: 'Another hospital' }), { 'Idempotency-Key': key });
    expect([changed.status, changed.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const again = await w7.post('/api/episodes', startBody(), { 'Idempotency-Key': key });
    expect([again.status, again.body.episodeId]).toEqual([200, first.body.episodeId]);
  });

  it('on an action too: the same key with another body is 422 and records nothing', async () => {
    const w7 = apiClient(ctx.h.baseUrl, { as: WARD7 });
    const { episodeId } = (await w7.post('/api/episodes', startBody())).body;
    const key = newKey('notice');
    const today = stockholmDate(); // the Swedish date: between 23:00 and 24:00 UTC the UTC date is the day before admission
    const ok = await w7.post(`/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate: today }, { 'Idempotency-Key': key });
    expect(ok.status).toBe(200);
    const reused = await w7.post(`/api/episodes/${episodeId}/checklist`, { informationTransferred: true }, { 'Idempotency-Key': key });
    expect(reused.status).toBe(200); // another operation: another key
    const changed = await w7.post(`/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate: '2099-01-01' }, { 'Idempotency-Key': key });
    expect([changed.status, changed.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await w7.get(`/api/episodes/${episodeId}`)).body.version).toBe(reused.body.version);
  });

  it('home care: another caller’s key is another key; the same key with another body is 422', async () => {
    const pc = apiClient(ctx.h.baseUrl, { as: { role: 'primaryCareStaff', organisation: UNITS.primaryCare, region: 'gavleborg', userId: 'ssk-vc' } });
    const body = { region: 'gavleborg', patient: { kind: 'personnummer', value: '19121212-1212' }, residenceMunicipality: '2180', primaryCareUnit: UNITS.primaryCare, initiatedBy: 'primaryCare', consent: 'given' };
    const key = newKey('hc');
    const first = await pc.post('/api/home-care/enrollments', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const changed = await pc.post('/api/home-care/enrollments', { ...body, startedAt: new Date(Date.now() - 3_600_000).toISOString() }, { 'Idempotency-Key': key });
    expect([changed.status, changed.body.error?.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await pc.post('/api/home-care/enrollments', body, { 'Idempotency-Key': key })).body.enrollmentId).toBe(first.body.enrollmentId);
  });
});

describe('patient data is never cached (item 3), the bearer scheme is case-insensitive (item 5)', () => {
  it('GET /api/episodes/{id} and the API’s other answers carry Cache-Control: no-store; "bearer" works as "Bearer"', async () => {
    const w7 = apiClient(ctx.h.baseUrl, { as: WARD7 });
    const { episodeId } = (await w7.post('/api/episodes', startBody())).body;
    const read = await w7.get(`/api/episodes/${episodeId}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    const refused = await apiClient(ctx.h.baseUrl, { as: OUTSIDER }).get(`/api/episodes/${episodeId}`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const token = await tokenFor(WARD7);
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await fetch(`${ctx.h.baseUrl}/api/episodes/${episodeId}`, { headers: { authorization: `${scheme} ${token}` } });
      expect(r.status).toBe(200);
    }
  });
});

describe('the contract: 405 with Allow, required bodies, declared path parameters, an open /health (issue 17)', () => {
  it('a method an operation does not have is 405 with Allow, not 404; an unknown path stays 404', async () => {
    const w7 = apiClient(ctx.h.baseUrl, { as: WARD7 });
    const del = await w7.request('DELETE', '/api/episodes/e0000000000000000000000000000000');
    expect([del.status, del.body.error?.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    const get = await w7.get('/api/episodes/e0000000000000000000000000000000/ready');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await w7.get('/api/no-such-thing')).status).toBe(404);
  });

  it('the OpenAPI document: /health needs no token, required bodies are required, every path parameter is declared', async () => {
    const doc = (await apiClient(ctx.h.baseUrl, { as: WARD7 }).get('/openapi.json')).body;
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/api/episodes'].post.requestBody.required).toBe(true);
    expect(doc.paths['/api/billing/invoices/{invoiceId}/notes'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'invoiceId', in: 'path', required: true })]));
    const undeclared: string[] = [];
    for (const [path, item] of Object.entries<Record<string, { parameters?: { name: string; in: string }[] }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) if (!(op.parameters ?? []).some((p) => p.in === 'path' && p.name === name)) undeclared.push(`${method} ${path} {${name}}`);
      }
    }
    expect(undeclared).toEqual([]);
  });
});
