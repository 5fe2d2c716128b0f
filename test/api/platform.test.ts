/**
 * The API's operational surface and the business calendar over HTTP, against the real Temporal
 * dev server and the real (PGlite) ledger: health, OpenAPI, docs, metrics, 404s, the deadline
 * endpoint with docs/domain.md §3's examples, and declared downtime windows (driftstopp).
 */
import { useApi } from '../helpers/api';

const ctx = useApi();

describe('operations endpoints', () => {
  it('GET /health: 200 with Temporal and the database reachable', async () => {
    const r = await ctx.api.get('/health');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'ok',
      checks: { temporal: { ok: true }, database: { ok: true, kind: 'pglite' } },
    });
  });

  it('GET /openapi.json: OpenAPI 3.1 with the episode paths and the Swedish terms', async () => {
    const r = await ctx.api.get('/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toMatch(/utskrivning/i);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/health',
      '/api/calendar/deadline',
      '/api/episodes',
      '/api/episodes/{episodeId}',
      '/api/episodes/{episodeId}/admission-notice',
      '/api/episodes/{episodeId}/acknowledgements',
      '/api/episodes/{episodeId}/invitations',
      '/api/episodes/{episodeId}/ready',
      '/api/episodes/{episodeId}/ready/withdraw',
      '/api/episodes/{episodeId}/discharge',
      '/api/episodes/{episodeId}/sip/complete',
      '/api/episodes/{episodeId}/treatment-plan',
      '/api/units/{unitId}/inbox',
      '/api/regions/{region}/downtime',
    ]) {
      expect(paths).toContain(p);
    }
    expect(doc.paths['/api/episodes/{episodeId}/admission-notice'].post.summary).toContain('inskrivningsmeddelande');
    expect(doc.paths['/api/episodes/{episodeId}/invitations'].post.summary).toContain('kallelse');
    expect(doc.paths['/api/episodes/{episodeId}/acknowledgements'].post.summary).toContain('kvittens');
    expect(doc.paths['/api/episodes/{episodeId}/ready'].post.summary).toContain('utskrivningsklar');
    expect(doc.paths['/api/episodes/{episodeId}/discharge-notice'].post.summary).toContain('utskrivningsmeddelande');
    expect(doc.paths['/api/episodes'].post.summary).toContain('inskrivning');
    // generated from the same zod schemas that validate: the start body is a named, strict component
    expect(doc.components.schemas.StartEpisode.additionalProperties).toBe(false);
    expect(doc.components.schemas.StartEpisode.required).toEqual(
      expect.arrayContaining(['region', 'patient', 'residenceMunicipality', 'inpatientUnit', 'primaryCareUnit']),
    );
  });

  it('GET /docs/ serves the Swagger UI page', async () => {
    const r = await ctx.api.get('/docs/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.body).toContain('<html');
    expect(r.body).toContain('Utskrivning API');
  });

  it('GET /metrics: Prometheus text with the HTTP request histogram', async () => {
    await ctx.api.get('/health');
    const r = await ctx.api.get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    expect(r.body).toContain('# TYPE http_request_duration_seconds histogram');
    expect(r.body).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/);
  });

  it('an unknown path is a 404 in JSON', async () => {
    const r = await ctx.api.get('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No such endpoint: GET /api/nothing-here' } });
  });
});

describe('GET /api/calendar/deadline (docs/domain.md §3)', () => {
  const deadline = (rule: string, at: string) => ctx.api.get(`/api/calendar/deadline?rule=${encodeURIComponent(rule)}&at=${encodeURIComponent(at)}`);

  it('acknowledgement sent 2026-12-23: the first weekday after is Monday 28 December (julafton, juldagen, weekend)', async () => {
    const r = await deadline('acknowledgement', '2026-12-23T10:00:00+01:00');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      rule: 'acknowledgement',
      at: '2026-12-23T09:00:00.000Z',
      deadline: '2026-12-29T00:00:00.000+01:00',
      localDate: '2026-12-28',
      endOfDay: true,
      basis: 'end of the first weekday after 2026-12-23',
      timeZone: 'Europe/Stockholm',
    });
  });

  it('the day sent is the Stockholm day: 23:30 UTC on 23 December is julafton in Stockholm', async () => {
    const r = await deadline('acknowledgement', '2026-12-23T23:30:00Z');
    expect(r.status).toBe(200);
    expect(r.body.basis).toBe('end of the first weekday after 2026-12-24');
    expect(r.body.localDate).toBe('2026-12-28');
  });

  it.each([
    ['Monday 13:00 → Tuesday', '2026-03-09T13:00:00+01:00', '2026-03-10', '2026-03-11T00:00:00.000+01:00'],
    ['Monday 15:00 → Wednesday', '2026-03-09T15:00:00+01:00', '2026-03-11', '2026-03-12T00:00:00.000+01:00'],
    ['Friday 15:00 → Tuesday', '2026-03-13T15:00:00+01:00', '2026-03-17', '2026-03-18T00:00:00.000+01:00'],
    ['Saturday → Tuesday', '2026-03-14T10:00:00+01:00', '2026-03-17', '2026-03-18T00:00:00.000+01:00'],
    ['Monday 14:00 (at the cutoff) → Tuesday', '2026-03-09T14:00:00+01:00', '2026-03-10', '2026-03-11T00:00:00.000+01:00'],
    ['Monday 14:01 (after the cutoff) → Wednesday', '2026-03-09T14:01:00+01:00', '2026-03-11', '2026-03-12T00:00:00.000+01:00'],
    ['14:00 in UTC+2 summer time given as UTC 12:00 → Tuesday', '2026-06-01T12:00:00Z', '2026-06-02', '2026-06-03T00:00:00.000+02:00'],
  ])('invitation (kallelse), %s', async (_name, at, localDate, iso) => {
    const r = await deadline('invitation', at);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rule: 'invitation', localDate, deadline: iso, endOfDay: true, timeZone: 'Europe/Stockholm' });
  });

  it('admissionNotice: 24 clock hours, across the switch to summer time (23-hour day)', async () => {
    const r = await deadline('admissionNotice', '2026-03-28T10:00:00+01:00');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      rule: 'admissionNotice',
      at: '2026-03-28T09:00:00.000Z',
      deadline: '2026-03-29T11:00:00.000+02:00',
      localDate: '2026-03-29',
      endOfDay: false,
    });
  });

  it('admissionNotice: 24 clock hours, across the switch back to winter time (25-hour day)', async () => {
    const r = await deadline('admissionNotice', '2026-10-24T10:00:00+02:00');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deadline: '2026-10-25T09:00:00.000+01:00', localDate: '2026-10-25', endOfDay: false });
  });

  it('medicineSupply: discharged 2026-12-23 → secured until the end of the third weekday, Wednesday 30 December', async () => {
    const r = await deadline('medicineSupply', '2026-12-23T11:00:00+01:00');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rule: 'medicineSupply', localDate: '2026-12-30', deadline: '2026-12-31T00:00:00.000+01:00', endOfDay: true });
  });

  it.each([
    ['Kristi himmelsfärdsdag 2030 (Thursday 30 May) is skipped', '2030-05-29T10:00:00+02:00', '2030-05-31', '2030-06-01T00:00:00.000+02:00'],
    ['Kristi himmelsfärdsdag 2027 (Thursday 6 May) is skipped', '2027-05-05T10:00:00+02:00', '2027-05-07', '2027-05-08T00:00:00.000+02:00'],
    ['midsommarafton 2028 (Friday 23 June) and midsommardagen are skipped', '2028-06-22T10:00:00+02:00', '2028-06-26', '2028-06-27T00:00:00.000+02:00'],
    ['annandag pingst 2027 (Monday 17 May) is a weekday', '2027-05-14T10:00:00+02:00', '2027-05-17', '2027-05-18T00:00:00.000+02:00'],
  ])('acknowledgement: %s', async (_name, at, localDate, iso) => {
    const r = await deadline('acknowledgement', at);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ localDate, deadline: iso });
  });

  it('400 naming the query field: unknown rule', async () => {
    const r = await deadline('nextWeek', '2026-03-09T13:00:00+01:00');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.message).toBe('query.rule: must be one of: acknowledgement, invitation, admissionNotice, medicineSupply');
    expect(r.body.error.details).toEqual([{ field: 'query.rule', message: 'must be one of: acknowledgement, invitation, admissionNotice, medicineSupply' }]);
  });

  it('400 naming the query field: missing at', async () => {
    const r = await ctx.api.get('/api/calendar/deadline?rule=acknowledgement');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details).toEqual([{ field: 'query.at', message: expect.any(String) }]);
    expect(r.body.error.message).toMatch(/^query\.at: /);
  });

  it('400: an instant without an offset is ambiguous and refused', async () => {
    const r = await deadline('acknowledgement', '2026-03-09T13:00:00');
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      { field: 'query.at', message: 'must be an ISO-8601 instant with offset, e.g. 2026-12-23T09:30:00+01:00' },
    ]);
  });

  const NOT_ISO = 'must be an ISO-8601 instant with offset, e.g. 2026-12-23T09:30:00+01:00';
  const NOT_REAL = 'is not a real date and time between 1990 and 2199';
  it.each([
    ['2026-13-01T10:00:00+01:00', [NOT_REAL]],
    ['2026-02-32T10:00:00+01:00', [NOT_REAL]],
    ['not-a-date', [NOT_ISO, NOT_REAL]],
    ['2026-03-09', [NOT_ISO]],
    ['', [NOT_ISO, NOT_REAL]],
  ])('400 for a non-date at=%j', async (at, messages) => {
    const r = await deadline('acknowledgement', at);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details).toEqual(messages.map((message) => ({ field: 'query.at', message })));
  });

  it('400 for a syntactically fine instant that is not a real time (25:00)', async () => {
    const r = await deadline('acknowledgement', '2026-03-09T25:00:00+01:00');
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([{ field: 'query.at', message: 'is not a real date and time between 1990 and 2199' }]);
  });

  it('400 when the rule is given twice (an array, not a string)', async () => {
    const r = await ctx.api.get('/api/calendar/deadline?rule=acknowledgement&rule=invitation&at=2026-03-09T13:00:00%2B01:00');
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].field).toBe('query.rule');
  });
});

describe('downtime windows (driftstopp)', () => {
  it('POST 201 declares a window; GET lists it', async () => {
    const r = await ctx.api.post(
      '/api/regions/halland/downtime',
      { startsAt: '2026-11-02T08:00:00+01:00', endsAt: '2026-11-02T11:30:00+01:00', reason: 'Cosmic Link nere' },
      { 'X-Actor-Id': 'samordnare-1' },
    );
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      windowId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      region: 'halland',
      startsAt: '2026-11-02T07:00:00.000Z',
      endsAt: '2026-11-02T10:30:00.000Z',
      reason: 'Cosmic Link nere',
      declaredBy: 'samordnare-1',
    });
    const list = await ctx.api.get('/api/regions/halland/downtime');
    expect(list.status).toBe(200);
    expect(list.body).toEqual([r.body]);
    // another region's list does not show it
    const other = await ctx.api.get('/api/regions/gavleborg/downtime');
    expect(other.status).toBe(200);
    expect(other.body).toEqual([]);
  });

  it('400 when endsAt is not after startsAt, naming endsAt; nothing is stored', async () => {
    const before = (await ctx.api.get('/api/regions/halland/downtime')).body.length;
    for (const endsAt of ['2026-11-03T08:00:00+01:00', '2026-11-03T07:59:00+01:00']) {
      const r = await ctx.api.post('/api/regions/halland/downtime', { startsAt: '2026-11-03T08:00:00+01:00', endsAt, reason: 'Nätverksfel' });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details).toEqual([{ field: 'body.endsAt', message: 'must be after startsAt' }]);
    }
    expect((await ctx.api.get('/api/regions/halland/downtime')).body).toHaveLength(before);
  });

  it('404 for a region that is not configured', async () => {
    // (a token naming an unconfigured region is refused at sign-in; an administrator of a configured one asks)
    const admin = ctx.api.as({ role: 'administrator', organisation: 'region-halland-it', region: 'halland' });
    const post = await admin.post('/api/regions/skane/downtime', { startsAt: '2026-11-03T08:00:00+01:00', endsAt: '2026-11-03T09:00:00+01:00', reason: 'x' });
    expect(post.status).toBe(404);
    expect(post.body.error).toEqual({ code: 'REGION_NOT_FOUND', message: 'No region skane is configured.' });
    const get = await admin.get('/api/regions/skane/downtime');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('REGION_NOT_FOUND');
  });
});
