/**
 * Issue 7 / docs/domain.md §10: every role against every endpoint of /openapi.json, allowed and
 * refused, against a real service (dev server, worker, ledger).
 *
 * The expectations are this file's own table (`MAY`), written from §10's table — not read from
 * src/auth/policy.ts, so a wrong policy fails here. Each role signs in twice: as its own
 * organisation (the unit, health centre, municipality, coordinator organisation or region of the
 * fixtures) and as another one of the same role.
 *
 * Every request carries a body no endpoint accepts, so an allowed request stops at validation
 * (400) and a refused one at authorisation (403): the whole matrix must record nothing, which is
 * checked at the end. A refusal because the process is not the caller's must look exactly like
 * the answer for a process that does not exist.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/auth/principal';
import { DEFAULT_REGIONS, RegionSchema } from '../../src/domain/regions';
import { deviationLocation } from '../../src/db/escalation';
import { dischargeWorkflowId } from '../../workflows/discharge/contract';
import { apiClient, PERSONNUMMER, pollUntil, stockholmDate, UNITS, useApi, type ApiClient } from '../helpers/api';
import type { TestPrincipal } from '../helpers/auth';

const COORDINATION = 'region-gavleborg';
const gavleborg = () =>
  RegionSchema.parse({
    ...DEFAULT_REGIONS.find((r) => r.id === 'gavleborg'),
    escalation: {
      organisations: [
        { id: COORDINATION, name: 'Region Gävleborg', unitPrefixes: ['SE2321000115-'], coordinators: [{ id: 'koord-1', name: 'Koordinator', channels: [{ type: 'email', to: 'koord1@gavleborg.example' }] }] },
        { id: 'kommun-2181', name: 'Sandvikens kommun', municipalities: ['2181'], coordinators: [{ id: 'koord-2', name: 'Kommunkoordinator', channels: [{ type: 'email', to: 'koord2@sandviken.example' }] }] },
      ],
    },
  });
const ctx = useApi(() => ({ regions: [DEFAULT_REGIONS.find((r) => r.id === 'halland')!, gavleborg()] }));

const R = 'gavleborg';
/** Each role as its own organisation in the fixtures (`own`) and as another of the same role (`other`). */
const PRINCIPALS: Record<Role, { own: TestPrincipal; other: TestPrincipal }> = {
  inpatientStaff: { own: { role: 'inpatientStaff', organisation: UNITS.inpatient, region: R }, other: { role: 'inpatientStaff', organisation: 'SE2321000115-AVD9', region: R } },
  primaryCareStaff: { own: { role: 'primaryCareStaff', organisation: UNITS.primaryCare, region: R }, other: { role: 'primaryCareStaff', organisation: 'SE2321000115-VC99', region: R } },
  psychiatricOutpatientStaff: { own: { role: 'psychiatricOutpatientStaff', organisation: UNITS.psychiatricOutpatient, region: R }, other: { role: 'psychiatricOutpatientStaff', organisation: 'SE2321000115-PSY9', region: R } },
  municipalityStaff: { own: { role: 'municipalityStaff', organisation: '2180', region: R }, other: { role: 'municipalityStaff', organisation: '2184', region: R } },
  coordinator: { own: { role: 'coordinator', organisation: COORDINATION, region: R }, other: { role: 'coordinator', organisation: 'kommun-2181', region: R } },
  invoiceReviewer: { own: { role: 'invoiceReviewer', organisation: '2180', region: R }, other: { role: 'invoiceReviewer', organisation: '1380', region: 'halland' } },
  billingOfficer: { own: { role: 'billingOfficer', organisation: 'region-gavleborg', region: R }, other: { role: 'billingOfficer', organisation: 'region-halland', region: 'halland' } },
  administrator: { own: { role: 'administrator', organisation: 'region-gavleborg-it', region: R }, other: { role: 'administrator', organisation: 'region-halland-it', region: 'halland' } },
  auditor: { own: { role: 'auditor', organisation: 'region-gavleborg-audit', region: R }, other: { role: 'auditor', organisation: 'region-halland-audit', region: 'halland' } },
};
const ALL = Object.keys(PRINCIPALS) as Role[];
const STAFF_ROLES: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'];

/**
 * Who may, per endpoint (method and path pattern), from §10's table:
 *  - `own`: the roles allowed as their own organisation;
 *  - `other`: those also allowed as another organisation of the same role (region-wide reads,
 *    or nothing tied to one organisation).
 * Every role not listed is refused by role (403 ROLE_NOT_PERMITTED); a listed role signed in as
 * another organisation is refused by scope (403, NOT_ACCESSIBLE or NOT_YOUR_*).
 */
const INP: Role[] = ['inpatientStaff'];
const PC: Role[] = ['primaryCareStaff'];
const MUN: Role[] = ['municipalityStaff'];
const CARE: Role[] = ['primaryCareStaff', 'psychiatricOutpatientStaff'];
const EP_PARTIES: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'];
const HC_PARTIES: Role[] = ['primaryCareStaff', 'municipalityStaff'];
const EPISODE_STEPS: Record<string, Role[]> = {
  'care-request': MUN, 'out-of-episode-message': EP_PARTIES, 'admission-notice': INP, acknowledgements: EP_PARTIES,
  'named-care-contact': CARE, 'named-doctor': CARE, 'planning-needed': INP, invitations: [...CARE, 'inpatientStaff'],
  'invitations/withdraw': [...CARE, 'inpatientStaff'], 'invitations/move': [...CARE, 'inpatientStaff'], 'first-medical-round': INP, 'planning-basis': INP,
  'planning-meetings': [...CARE, 'inpatientStaff'], sip: CARE, 'sip/acknowledgements': ['municipalityStaff', ...CARE], 'sip/complete': CARE,
  checklist: INP, 'treatment-plan': INP, ready: INP, 'ready/withdraw': INP, discharge: INP, 'discharge-notice': INP, cancel: INP,
  'outpatient-services-unavailable': INP, deviations: EP_PARTIES, 'deviations/close': ['coordinator'], 'home-care-enrollment': [...HC_PARTIES, 'inpatientStaff'],
};
const ENROLLMENT_STEPS: Record<string, Role[]> = {
  invitations: PC, acknowledgements: HC_PARTIES, 'named-care-contact': PC, 'planning-meetings': PC, sip: HC_PARTIES, 'named-doctor': PC,
  'medication-review': PC, 'end-of-life-conversation': PC, decision: MUN, 'sip/parts': HC_PARTIES, messages: HC_PARTIES,
  'out-of-episode-message': MUN, 'sip/close': PC, death: HC_PARTIES, move: MUN, deviations: HC_PARTIES, 'deviations/close': ['coordinator'],
};
const VISIT_STEPS: Record<string, Role[]> = {
  acknowledgements: HC_PARTIES, accept: MUN, decline: MUN, visits: MUN, cancel: PC, deviations: HC_PARTIES, 'deviations/close': ['coordinator'],
};

/**
 * `unknownTarget`: the fixture names something that does not exist (an invoice: making a real one
 * needs a finished close), so even an allowed role gets the "not yours or does not exist" answer.
 */
interface Expectation { own: Role[]; other: Role[]; unknownTarget?: boolean }
/** Starts are scoped by their body (your unit, your region): with the matrix's invalid body they stop at 400; the second test checks the scope. */
const startedBy = (roles: Role[]): Expectation => ({ own: roles, other: roles });
const REGION_STAFF: Role[] = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff', 'coordinator']; // their `other` is in Gävleborg too
function expectationOf(method: string, path: string): Expectation | 'public' {
  const m = (re: RegExp) => re.exec(path);
  let x: RegExpExecArray | null;
  if (path === '/health') return 'public';
  // the actions allowed now (the staff workspace's buttons): read like the episode itself
  if (path === '/api/episodes/{episodeId}/allowed-actions') return { own: [...EP_PARTIES, 'coordinator'], other: [] };
  // who the patient is: the staff of the episode's parties only, not its coordinators
  if (path === '/api/episodes/{episodeId}/patient') return { own: EP_PARTIES, other: [] };
  if ((x = m(/^\/api\/episodes\/\{episodeId\}\/(.+)$/))) return { own: EPISODE_STEPS[x[1]!]!, other: [] };
  if (path === '/api/episodes/{episodeId}') return { own: [...EP_PARTIES, 'coordinator'], other: [] };
  if (path === '/api/episodes') return startedBy(INP);
  if ((x = m(/^\/api\/home-care\/enrollments\/\{id\}\/(.+)$/))) return x[1] === 'timeline' || x[1] === 'allowed-actions' ? { own: [...HC_PARTIES, 'coordinator'], other: [] } : { own: ENROLLMENT_STEPS[x[1]!]!, other: [] };
  if (path === '/api/home-care/enrollments/{id}') return { own: [...HC_PARTIES, 'coordinator'], other: [] };
  if (path === '/api/home-care/enrollments') return startedBy(HC_PARTIES);
  if ((x = m(/^\/api\/home-visits\/\{id\}\/(.+)$/))) return x[1] === 'timeline' || x[1] === 'allowed-actions' ? { own: [...HC_PARTIES, 'coordinator'], other: [] } : { own: VISIT_STEPS[x[1]!]!, other: [] };
  if (path === '/api/home-visits/{id}') return { own: [...HC_PARTIES, 'coordinator'], other: [] };
  if (path === '/api/home-visits') return startedBy(PC);
  if (path === '/api/units/{unitId}/inbox') return { own: EP_PARTIES, other: [] };
  if (path.startsWith('/api/coordinators/') || path.startsWith('/api/deviations/')) return { own: ['coordinator'], other: [] };
  if (path === '/api/regions/{region}/downtime') return method === 'get' ? { own: ALL, other: REGION_STAFF } : { own: ['administrator'], other: [] };
  if (path === '/api/billing/rule-sets') return { own: ALL, other: ALL };
  if (path === '/api/billing/daily-amounts') return { own: ['invoiceReviewer', 'billingOfficer', 'administrator'], other: ['invoiceReviewer', 'billingOfficer', 'administrator'] };
  if (path.startsWith('/api/billing/daily-amounts/') || path.startsWith('/api/billing/national-averages/')) return { own: ['administrator'], other: ['administrator'] };
  if (path === '/api/billing/closes' || path === '/api/billing/simulate') return startedBy(['billingOfficer']);
  // the close's alerts of the caller's own region (no region in the path)
  if (path === '/api/billing/alerts') return { own: ['billingOfficer', 'administrator'], other: ['billingOfficer', 'administrator'] };
  if (path.startsWith('/api/billing/invoices/')) return { own: ['billingOfficer'], other: [], unknownTarget: true };
  if ((x = m(/^\/api\/billing\/closes\/\{region\}\/\{month\}(?:\/(.+))?$/))) {
    const step = x[1];
    if (!step || step === 'basis' || step === 'invoices') return { own: ['billingOfficer', 'invoiceReviewer'], other: [] };
    if (step === 'flag-decisions') return { own: ['billingOfficer'], other: [] };
    if (step === 'dispute-escalations') return { own: ['invoiceReviewer', 'billingOfficer'], other: [] };
    return { own: ['invoiceReviewer'], other: [] }; // flags, disputes, approvals
  }
  if (path === '/api/admin/actions') return { own: ['administrator', 'auditor'], other: ['administrator', 'auditor'] };
  if (path === '/api/admin/workflows') return { own: ['administrator'], other: ['administrator'] };
  if (path.startsWith('/api/admin/workflows/')) return { own: ['administrator'], other: [] };
  if (path.startsWith('/api/audit/')) return { own: ['auditor'], other: ['auditor'] };
  if (path.startsWith('/codec/') || path === '/metrics') return { own: ['administrator'], other: ['administrator'] };
  if (path.startsWith('/api/indicators') || path === '/api/calendar/deadline') return { own: ALL, other: ALL };
  throw new Error(`access-matrix: no expectation for ${method.toUpperCase()} ${path}; add it to the table`);
}

const fixture = { episodeId: '', enrollmentId: '', orderId: '', deviationId: '' };

function concrete(path: string, unknown = false): string {
  const id = (real: string) => (unknown ? randomUUID() : real);
  return path
    .replace('{episodeId}', id(fixture.episodeId))
    .replace('/api/home-care/enrollments/{id}', `/api/home-care/enrollments/${id(fixture.enrollmentId)}`)
    .replace('/api/home-visits/{id}', `/api/home-visits/${id(fixture.orderId)}`)
    .replace('{deviationId}', id(fixture.deviationId))
    .replace('{workflowId}', unknown ? `discharge-${randomUUID()}` : dischargeWorkflowId(fixture.episodeId))
    .replace('{activityId}', '1')
    .replace('{unitId}', UNITS.inpatient)
    .replace('{organisationId}', COORDINATION)
    .replace('{region}', R)
    .replace('{month}', '2019-05')
    .replace('{year}', '2019')
    .replace('{invoiceId}', 'gavleborg-2019-05-2180');
}

/** What must not change: the three processes and the ledger's tables the endpoints write. */
async function recorded() {
  const as = (p: TestPrincipal) => apiClient(ctx.h.baseUrl, { as: p });
  const inp = as(PRINCIPALS.inpatientStaff.own);
  const pc = as(PRINCIPALS.primaryCareStaff.own);
  const count = async (table: string) => Number((await ctx.h.ledger.db.selectFrom(table as never).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow() as { n: unknown }).n);
  return {
    episode: (await inp.get(`/api/episodes/${fixture.episodeId}`)).body,
    enrollment: (await pc.get(`/api/home-care/enrollments/${fixture.enrollmentId}`)).body,
    order: (await pc.get(`/api/home-visits/${fixture.orderId}`)).body,
    tables: {
      admin_actions: await count('admin_actions'), downtime_windows: await count('downtime_windows'), billing_daily_amounts: await count('billing_daily_amounts'),
      billing_notes: await count('billing_notes'), episodes: await count('episodes'), home_care_enrollments: await count('home_care_enrollments'),
    },
  };
}

beforeAll(async () => {
  const inp = ctx.api.as(PRINCIPALS.inpatientStaff.own);
  const person = { region: R, patient: { kind: 'personnummer', value: PERSONNUMMER }, residenceMunicipality: '2180', primaryCareUnit: UNITS.primaryCare };
  const ep = await inp.post('/api/episodes', { ...person, inpatientUnit: UNITS.inpatient, psychiatric: true, psychiatricOutpatientUnit: UNITS.psychiatricOutpatient });
  expect(ep.status).toBe(201);
  fixture.episodeId = ep.body.episodeId;
  const reported = await pollUntil(
    () => inp.post(`/api/episodes/${fixture.episodeId}/deviations`, { responsible: { kind: 'inpatient', id: UNITS.inpatient }, description: 'Matrisens avvikelse' }),
    (r) => r.status === 200,
  );
  fixture.deviationId = reported.body.deviations[0].deviationId;
  await pollUntil(() => deviationLocation(ctx.h.ledger.db, fixture.deviationId), (l) => !!l);
  const pc = ctx.api.as(PRINCIPALS.primaryCareStaff.own);
  fixture.enrollmentId = (await pc.post('/api/home-care/enrollments', { ...person, consent: 'given' })).body.enrollmentId;
  const today = stockholmDate(); // the Swedish date: between 23:00 and 24:00 UTC it is already tomorrow
  fixture.orderId = (await pc.post('/api/home-visits', { ...person, interventions: ['såromläggning'], startDate: today, endDate: today })).body.orderId;
  expect(Object.values(fixture).every(Boolean)).toBe(true);
}, 60_000);

type Outcome = 'allowed' | 'role' | 'scope';
const outcomeOf = (status: number, code: string | undefined): Outcome | string =>
  status === 403 ? (code === 'ROLE_NOT_PERMITTED' ? 'role' : /^NOT_(ACCESSIBLE|YOUR_)/.test(code ?? '') ? 'scope' : `403 ${code}`) : status === 401 ? `401 ${code}` : 'allowed';

it('every role × every endpoint: allowed, or 403 with nothing recorded and nothing revealed', async () => {
  const doc = (await ctx.api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method, path })));
  expect(operations.length).toBeGreaterThan(90);
  const before = await recorded();

  const mismatches: string[] = [];
  let requests = 0;
  const tally: Record<string, number> = { allowed: 0, role: 0, scope: 0 };
  const clients = new Map<string, ApiClient>();
  const client = (p: TestPrincipal) => {
    const k = JSON.stringify(p);
    if (!clients.has(k)) clients.set(k, apiClient(ctx.h.baseUrl, { as: p }));
    return clients.get(k)!;
  };
  for (const { method, path } of operations) {
    const want = expectationOf(method, path);
    // without a token: only /health answers
    const anon = await apiClient(ctx.h.baseUrl, { as: 'anonymous' }).request(method.toUpperCase(), concrete(path), method === 'get' ? {} : { body: { matrix: true } });
    requests += 1;
    if ((anon.status === 401) === (want === 'public')) mismatches.push(`${method.toUpperCase()} ${path} without a token: ${anon.status}`);
    if (want === 'public') continue;

    for (const role of ALL) {
      for (const which of ['own', 'other'] as const) {
        const p = PRINCIPALS[role][which];
        const expected: Outcome = !want.own.includes(role) ? 'role' : want.unknownTarget ? 'scope' : which === 'own' || want.other.includes(role) ? 'allowed' : 'scope';
        // a unit's inbox: each staff role asks for its own unit's (as `own` that is theirs, as `other` not)
        const unit = STAFF_ROLES.includes(role) ? PRINCIPALS[role].own.organisation : UNITS.inpatient;
        const r = await client(p).request(method.toUpperCase(), concrete(path).replace(`/api/units/${UNITS.inpatient}/`, `/api/units/${unit}/`), method === 'get' ? {} : { body: { matrix: true } });
        requests += 1;
        const got = outcomeOf(r.status, r.body?.error?.code);
        tally[got] = (tally[got] ?? 0) + 1;
        if (got !== expected) mismatches.push(`${method.toUpperCase()} ${path} as ${role} (${which} ${p.organisation}): expected ${expected}, got ${r.status} ${JSON.stringify(r.body?.error ?? '').slice(0, 160)}`);
        if (got === 'scope' && /\{(episodeId|id|deviationId)\}/.test(path)) {
          // nothing revealed: another's process is answered like one that does not exist
          const none = await client(p).request(method.toUpperCase(), concrete(path, true), method === 'get' ? {} : { body: { matrix: true } });
          requests += 1;
          if (none.status !== r.status || JSON.stringify(none.body) !== JSON.stringify(r.body)) mismatches.push(`${method.toUpperCase()} ${path} as ${role} (${which}): another's answered ${r.status} ${JSON.stringify(r.body)}, an unknown one ${none.status} ${JSON.stringify(none.body)}`);
        }
      }
    }
  }
  expect(mismatches).toEqual([]);
  // the matrix is not vacuous: every kind of answer occurred, many times
  expect(tally.allowed).toBeGreaterThan(150);
  expect(tally.role).toBeGreaterThan(700);
  expect(tally.scope).toBeGreaterThan(100);
  expect(requests).toBeGreaterThan(1700);
  // nothing recorded by any of it
  expect(await recorded()).toEqual(before);
}, 300_000);

it('the acting party comes from the token: naming another party is refused and records nothing', async () => {
  const mun = ctx.api.as(PRINCIPALS.municipalityStaff.own);
  const before = (await ctx.api.as(PRINCIPALS.inpatientStaff.own).get(`/api/episodes/${fixture.episodeId}`)).body;
  const r = await mun.post(`/api/episodes/${fixture.episodeId}/sip/acknowledgements`, { party: { kind: 'primaryCare', id: UNITS.primaryCare } });
  expect([r.status, r.body.error.code]).toEqual([403, 'NOT_YOUR_PARTY']);
  expect((await ctx.api.as(PRINCIPALS.inpatientStaff.own).get(`/api/episodes/${fixture.episodeId}`)).body).toEqual(before);
  // a start for another unit is refused too
  const other = await ctx.api.as(PRINCIPALS.inpatientStaff.own).post('/api/episodes', { region: R, patient: { kind: 'personnummer', value: PERSONNUMMER }, residenceMunicipality: '2180', inpatientUnit: 'SE2321000115-AVD9', primaryCareUnit: UNITS.primaryCare });
  expect([other.status, other.body.error.code]).toEqual([403, 'NOT_YOUR_UNIT']);
});
