/**
 * Property-based fuzzing of every write endpoint in the OpenAPI document (issue 7 "Bad input"),
 * against the real dev server, worker and ledger: malformed, wrongly typed, out-of-range and
 * hostile bodies (prototype-pollution keys, deep nesting, oversized) always get a 4xx with a
 * machine-readable code and a message — never a 500 — and nothing is recorded: the episode,
 * enrollment and visit order the paths point at keep their version, and no workflow failed.
 *
 * The endpoints are read from /openapi.json, so an endpoint added later is fuzzed too.
 */
import fc from 'fast-check';
import { PERSONNUMMER, UNITS, newKey, startBody, stockholmDate, useApi } from '../helpers/api';

const ctx = useApi();

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[]; items?: Schema; enum?: unknown[] };
interface WriteOp { method: 'POST' | 'PUT' | 'PATCH'; template: string; properties: Record<string, Schema> }

/** Ids of real processes, so bodies reach the deepest validation a path has (the workflow's validator). */
const real = { episodeId: '', enrollmentId: '', orderId: '' };

function pathFor(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'episodeId') return real.episodeId;
    if (name === 'id') return template.startsWith('/api/home-visits') ? real.orderId : real.enrollmentId;
    // not the real episode's: a well-formed admin request (a hostile but valid reason) would
    // really terminate it; the admin endpoints still parse and refuse everything sent to them
    if (name === 'workflowId') return 'discharge-fuzz-does-not-exist';
    if (name === 'region') return 'gavleborg';
    if (name === 'month') return '2019-03';
    if (name === 'year') return '2019';
    if (name === 'unitId') return UNITS.primaryCare;
    return 'fuzz-does-not-exist';
  });
}

/** A schema's own properties, through $ref and the alternatives of a union. */
function propertiesOf(s: Schema | undefined, components: Record<string, Schema>, depth = 0): Record<string, Schema> {
  if (!s || depth > 8) return {};
  if (s.$ref) return propertiesOf(components[s.$ref.split('/').pop()!], components, depth + 1);
  const parts = [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])];
  return Object.assign({}, s.properties ?? {}, ...parts.map((p) => propertiesOf(p, components, depth + 1)));
}

function typeOf(s: Schema, components: Record<string, Schema>): string {
  if (s.$ref) return typeOf(components[s.$ref.split('/').pop()!] ?? {}, components);
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  if (s.enum) return 'string';
  if (s.anyOf ?? s.oneOf) return typeOf((s.anyOf ?? s.oneOf)![0]!, components);
  return 'object';
}

/** A value no schema of `type` accepts: the wrong JSON type (with some hostile content). */
function wrongTypeFor(type: string): fc.Arbitrary<unknown> {
  const deep = fc.constant(JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)));
  const objects = fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), deep, fc.constant({ __proto__: { admin: true } }));
  switch (type) {
    case 'string': return fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), objects);
    case 'number': case 'integer': return fc.oneof(fc.string({ maxLength: 20 }), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), objects);
    case 'boolean': return fc.oneof(fc.constantFrom('true', 'yes', '1', ''), fc.integer(), objects);
    case 'array': return fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), objects);
    default: return fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.array(fc.integer(), { maxLength: 3 }));
  }
}

/** Raw JSON bodies that can never be a valid request, whatever the endpoint. */
function invalidBody(op: WriteOp, components: Record<string, Schema>): fc.Arbitrary<string> {
  const names = Object.keys(op.properties);
  // every known field present with a wrong type (so a required field can't be what is missing)
  const wrongTyped = names.length === 0
    ? fc.constant({ unexpected: 1 })
    : fc.record(Object.fromEntries(names.map((n) => [n, wrongTypeFor(typeOf(op.properties[n]!, components))])) as Record<string, fc.Arbitrary<unknown>>);
  const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', 'x-unknown-field');
  const withHostileKey = fc.tuple(fc.dictionary(fc.constantFrom(...(names.length ? names : ['a'])), fc.jsonValue({ maxDepth: 1 })), hostileKey, fc.jsonValue({ maxDepth: 2 }))
    // JSON text, so "__proto__" arrives as an own key, the way an attacker would send it
    .map(([o, k, v]) => `${JSON.stringify(o).slice(0, -1)}${Object.keys(o).length ? ',' : ''}${JSON.stringify(k)}:${JSON.stringify(v)}}`);
  const notAnObject = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 })).map((v) => JSON.stringify(v));
  const malformed = fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}}', "{'a':1}", '\u0000', '{"a":NaN}', '[]'.repeat(3));
  const deepNesting = fc.constantFrom('['.repeat(20_000) + ']'.repeat(20_000), '{"a":'.repeat(5_000) + 'null' + '}'.repeat(5_000));
  return fc.oneof(wrongTyped.map((o) => JSON.stringify(o)), withHostileKey, notAnObject, malformed, deepNesting);
}

/** Values staff could type into a text field by mistake or on purpose; the answer may be 2xx but never 5xx. */
const hostileString = fc.oneof(
  fc.constantFrom('19121212-1213', '121212+1212', '0000-01-01', '9999-12-31', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-30', '\u0000', '<script>alert(1)</script>', "'; drop table episodes; --", '../../etc/passwd', '𝕏'.repeat(50), 'x'.repeat(100_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

async function send(method: string, path: string, rawBody: string) {
  return ctx.api.request(method, path, { rawBody, headers: { 'Idempotency-Key': newKey('fuzz') } });
}

async function versions() {
  const [e, h, v] = await Promise.all([
    ctx.api.get(`/api/episodes/${real.episodeId}`),
    ctx.api.get(`/api/home-care/enrollments/${real.enrollmentId}`),
    ctx.api.get(`/api/home-visits/${real.orderId}`),
  ]);
  return [e.body.version, h.body.version, v.body.version];
}

let ops: WriteOp[] = [];
let before: number[] = [];

beforeAll(async () => {
  const ep = await ctx.api.post('/api/episodes', startBody(), { 'Idempotency-Key': newKey() });
  real.episodeId = ep.body.episodeId;
  const person = { region: 'gavleborg', patient: { kind: 'personnummer', value: PERSONNUMMER }, residenceMunicipality: '2180', primaryCareUnit: UNITS.primaryCare };
  real.enrollmentId = (await ctx.api.post('/api/home-care/enrollments', { ...person, consent: 'given' }, { 'Idempotency-Key': newKey() })).body.enrollmentId;
  const today = stockholmDate(); // the Swedish date: between 23:00 and 24:00 UTC it is already tomorrow
  real.orderId = (await ctx.api.post('/api/home-visits', { ...person, interventions: ['såromläggning'], startDate: today, endDate: today }, { 'Idempotency-Key': newKey() })).body.orderId;
  expect([real.episodeId, real.enrollmentId, real.orderId].every(Boolean)).toBe(true);

  const doc = (await ctx.api.get('/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>; components?: { schemas?: Record<string, Schema> } };
  const components = doc.components?.schemas ?? {};
  ops = Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['post', 'put', 'patch'].includes(m))
      .map(([m, op]) => ({ method: m.toUpperCase() as WriteOp['method'], template, properties: propertiesOf(op.requestBody?.content?.['application/json']?.schema, components) })),
  );
  // a start answers before the workflow's first tasks have recorded it: wait until every process
  // has recorded its start and its version holds still across two reads
  for (let i = 0; i < 50; i++) {
    before = await versions();
    await new Promise((r) => setTimeout(r, 200));
    const again = await versions();
    if (before.every((v) => typeof v === 'number' && v >= 1) && JSON.stringify(again) === JSON.stringify(before)) break;
  }
}, 120_000);

describe('fuzzing every write endpoint', () => {
  it('finds the write endpoints of every area in the OpenAPI document', () => {
    const areas = new Set(ops.map((o) => o.template.split('/')[2]));
    for (const area of ['episodes', 'home-care', 'home-visits', 'billing', 'regions']) expect(areas).toContain(area);
    expect(ops.length).toBeGreaterThan(40);
  });

  it('an invalid body is always a 4xx with a code and a message, never a 500', async () => {
    const components = ((await ctx.api.get('/openapi.json')).body.components?.schemas ?? {}) as Record<string, Schema>;
    const seen = new Map<number, number>();
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(invalidBody(op, components), async (raw) => {
          const r = await send(op.method, pathFor(op.template), raw);
          seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
          if (r.status < 400 || r.status >= 500 || typeof r.body?.error?.code !== 'string' || !r.body.error.message) {
            throw new Error(`${op.method} ${op.template} answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)} to ${raw.slice(0, 200)}`);
          }
        }),
        { numRuns: 12, seed: 20261123 },
      );
    }
    expect(seen.get(400)).toBeGreaterThan(ops.length * 6);
  }, 600_000);

  it('hostile text in every field is never a 500', async () => {
    for (const op of ops) {
      const names = Object.keys(op.properties);
      if (names.length === 0) continue;
      await fc.assert(
        fc.asyncProperty(fc.record(Object.fromEntries(names.map((n) => [n, hostileString])) as Record<string, fc.Arbitrary<string>>, { requiredKeys: [] }), async (body) => {
          const r = await send(op.method, pathFor(op.template), JSON.stringify(body));
          if (r.status >= 500) throw new Error(`${op.method} ${op.template} answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        }),
        { numRuns: 6, seed: 20261124 },
      );
    }
  }, 600_000);

  it('a 10 MB body is refused with 413 before it is parsed', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(10 * 1024 * 1024) });
    const r = await send('POST', `/api/episodes/${real.episodeId}/deviations`, big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('nothing was recorded and no workflow failed', async () => {
    expect(await versions()).toEqual(before);
    const failed = [];
    for await (const w of ctx.h.env.client.workflow.list({ query: 'ExecutionStatus = "Failed"' })) failed.push(w.workflowId);
    expect(failed).toEqual([]);
    // not stuck either: the episode still takes a real action
    const r = await ctx.api.post(`/api/episodes/${real.episodeId}/admission-notice`, { expectedReadyDate: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) }, { 'Idempotency-Key': newKey() });
    expect([r.status, r.body?.error]).toEqual([200, undefined]);
  });

  it('answers with security headers', async () => {
    const r = await ctx.api.get(`/api/episodes/${real.episodeId}`);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});
