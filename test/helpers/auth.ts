/**
 * Bearer tokens for the tests (docs/domain.md §10), minted with the development key the test
 * services trust — the same `mintDevToken` as `npm run token`.
 *
 * `autoPrincipal` lets the process tests written before authentication keep reading like the
 * process: each request is sent as the person who does that step in practice — the inpatient
 * unit admits and marks ready, the municipality acknowledges for itself (the body's `party`),
 * the billing officer closes the month, and so on — with the organisation taken from the
 * process the same client started. It is a convenience for those tests only: who may do what
 * is tested by test/api/access-matrix.test.ts against a table of its own.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintDevToken } from '../../src/auth/tokens';
import type { Role } from '../../src/auth/principal';
import { DEFAULT_REGIONS } from '../../src/domain/regions';
import { isValidHsaId } from '../../src/domain/identifiers';

export interface TestPrincipal {
  role: Role;
  organisation: string;
  region: string;
  userId?: string;
}

/** One development key per jest run, outside the repository (global-setup sets it for the workers). */
export function testKeyFile(): string {
  return (process.env.AUTH_DEV_KEY_FILE ??= join(tmpdir(), `utskrivning-test-auth-${process.ppid}`, 'dev-signing-key.json'));
}
export const TEST_AUDIENCE = 'utskrivning-api';

const tokens = new Map<string, Promise<string>>();
export function tokenFor(p: TestPrincipal): Promise<string> {
  const userId = p.userId ?? `test-${p.role}-${p.organisation}`;
  const key = `${userId}|${p.role}|${p.organisation}|${p.region}`;
  let t = tokens.get(key);
  if (!t) {
    t = mintDevToken(testKeyFile(), { userId, role: p.role, organisation: p.organisation, region: p.region, audience: TEST_AUDIENCE });
    tokens.set(key, t);
  }
  return t;
}

export async function authHeader(p: TestPrincipal): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(p)}` };
}

// ---- the process tests' convenience -----------------------------------------------------------

interface Known {
  region: string;
  parties: Partial<Record<'inpatient' | 'primaryCare' | 'psychiatricOutpatient' | 'municipality', string>>;
}
/** Processes started through a test client in this jest worker: id → region and parties. */
const known = new Map<string, Known>();
let lastRegion = 'gavleborg';

const ROLE_OF_KIND: Record<string, Role> = { inpatient: 'inpatientStaff', primaryCare: 'primaryCareStaff', psychiatricOutpatient: 'psychiatricOutpatientStaff', municipality: 'municipalityStaff', emergencyDepartment: 'inpatientStaff' };

/** Who sends each step in practice (the first role §10 gives it). */
const STEP_KIND: Record<string, keyof Known['parties']> = {
  'care-request': 'municipality', 'out-of-episode-message': 'inpatient', 'admission-notice': 'inpatient', acknowledgements: 'municipality',
  'named-care-contact': 'primaryCare', 'named-doctor': 'primaryCare', 'planning-needed': 'inpatient', invitations: 'primaryCare',
  'planning-meetings': 'primaryCare', sip: 'primaryCare', 'sip/acknowledgements': 'municipality', 'sip/complete': 'primaryCare',
  checklist: 'inpatient', 'treatment-plan': 'inpatient', ready: 'inpatient', 'ready/withdraw': 'inpatient', discharge: 'inpatient',
  'discharge-notice': 'inpatient', cancel: 'inpatient', 'outpatient-services-unavailable': 'inpatient', deviations: 'inpatient',
  'home-care-enrollment': 'primaryCare',
  // home care and home visits
  'medication-review': 'primaryCare', 'end-of-life-conversation': 'primaryCare', decision: 'municipality', 'sip/parts': 'primaryCare',
  messages: 'primaryCare', 'sip/close': 'primaryCare', death: 'primaryCare', move: 'municipality', accept: 'municipality', decline: 'municipality', visits: 'municipality',
};
const HOME_STEP_KIND: Record<string, keyof Known['parties']> = { 'out-of-episode-message': 'municipality', deviations: 'primaryCare', cancel: 'primaryCare' };

function regionOfCoordinatorOrg(org: string): string {
  return DEFAULT_REGIONS.find((r) => r.escalation.organisations.some((o) => o.id === org))?.id ?? lastRegion;
}

/**
 * The principal a process test's request is sent as (see the module comment), or undefined for
 * the public paths. `X-Actor-Id`/`X-Actor-Organisation` headers of older tests name a coordinator.
 */
export function autoPrincipal(method: string, path: string, body: unknown, headers: Record<string, string>): TestPrincipal | undefined {
  const who = autoPrincipalOf(method, path, body, headers);
  // an older test's X-Actor-Id names the person: it becomes the token's subject
  return who && headers['X-Actor-Id'] ? { ...who, userId: headers['X-Actor-Id'] } : who;
}

function autoPrincipalOf(method: string, path: string, body: unknown, headers: Record<string, string>): TestPrincipal | undefined {
  const b = (body ?? {}) as Record<string, any>;
  const p = path.split('?')[0]!;
  const actorId = headers['X-Actor-Id'];
  const actorOrg = headers['X-Actor-Organisation'];
  if (/^\/(health|openapi\.json|docs)/.test(p)) return undefined;

  // starts: the party that starts it (a malformed unit is the 400 under test: sign in as a real one)
  const hsa = (id: unknown) => (typeof id === 'string' && isValidHsaId(id) ? id : 'SE2321000115-AVD7');
  if (method === 'POST' && p === '/api/episodes') return { role: 'inpatientStaff', organisation: hsa(b.inpatientUnit), region: typeof b.region === 'string' && /^[a-z]+$/.test(b.region) ? b.region : lastRegion };
  if (method === 'POST' && p === '/api/home-care/enrollments') {
    return b.initiatedBy === 'municipality' ? { role: 'municipalityStaff', organisation: b.residenceMunicipality, region: b.region } : { role: 'primaryCareStaff', organisation: b.primaryCareUnit, region: b.region };
  }
  if (method === 'POST' && p === '/api/home-visits') return { role: 'primaryCareStaff', organisation: b.primaryCareUnit, region: b.region };

  const proc = /^\/api\/(episodes|home-care\/enrollments|home-visits)\/([^/]+)(?:\/(.+))?$/.exec(p);
  if (proc) {
    const k = known.get(proc[2]!);
    const region = k?.region ?? lastRegion;
    const step = proc[3];
    if (step === 'deviations/close') return { role: 'coordinator', organisation: actorOrg ?? coordinatorOrgOf(region), region, userId: actorId };
    const named = (b.party ?? b.sender) as { kind: string; id: string } | undefined;
    // a well-formed named party acts itself; a malformed one is the 400 under test
    const wellFormed = named && ROLE_OF_KIND[named.kind] && (named.kind === 'municipality' ? /^\d{4}$/.test(named.id) : isValidHsaId(named.id));
    if (named && wellFormed) return { role: ROLE_OF_KIND[named.kind]!, organisation: named.id, region };
    const kind = (!step || step === 'timeline') ? 'inpatient' : (proc[1] !== 'episodes' && HOME_STEP_KIND[step]) || STEP_KIND[step] || 'inpatient';
    const orgOf = k?.parties[kind] ?? k?.parties.primaryCare;
    const useKind = k?.parties[kind] ? kind : 'primaryCare';
    return { role: ROLE_OF_KIND[useKind]!, organisation: orgOf ?? 'SE2321000115-AVD7', region };
  }
  const unit = /^\/api\/units\/([^/]+)\/inbox$/.exec(p);
  if (unit) {
    const id = decodeURIComponent(unit[1]!);
    if (/^\d{4}$/.test(id)) return { role: 'municipalityStaff', organisation: id, region: lastRegion };
    if (!isValidHsaId(id)) return { role: 'inpatientStaff', organisation: 'SE2321000115-AVD7', region: lastRegion };
    for (const k of known.values()) {
      for (const [kind, org] of Object.entries(k.parties)) if (org === id) return { role: ROLE_OF_KIND[kind]!, organisation: id, region: k.region };
    }
    return { role: 'inpatientStaff', organisation: id, region: lastRegion };
  }
  const coord = /^\/api\/coordinators\/([^/]+)\/inbox$/.exec(p);
  if (coord) return { role: 'coordinator', organisation: coord[1]!, region: regionOfCoordinatorOrg(coord[1]!), userId: actorId };
  if (p.startsWith('/api/deviations/')) {
    const org = actorOrg ?? 'unknown-organisation';
    return { role: 'coordinator', organisation: org, region: regionOfCoordinatorOrg(org), userId: actorId };
  }
  const down = /^\/api\/regions\/([^/]+)\/downtime$/.exec(p);
  if (down) return { role: method === 'GET' ? 'inpatientStaff' : 'administrator', organisation: method === 'GET' ? 'SE2321000115-AVD7' : `region-${down[1]}`, region: down[1]!, userId: actorId };
  const close = /^\/api\/billing\/closes\/([^/]+)\/([^/]+)(?:\/(.+))?$/.exec(p);
  if (close) {
    const region = close[1]!;
    const action = close[3];
    const municipality = b.municipality ?? (typeof b.flagId === 'string' ? b.flagId.slice(0, 4) : undefined);
    if (method === 'POST' && action && action !== 'flag-decisions' && municipality) return { role: 'invoiceReviewer', organisation: municipality, region, userId: actorId };
    return { role: 'billingOfficer', organisation: `region-${region}`, region, userId: actorId };
  }
  if (p === '/api/billing/closes' || p === '/api/billing/simulate') return { role: 'billingOfficer', organisation: `region-${b.region ?? lastRegion}`, region: b.region ?? lastRegion, userId: actorId };
  if (p.startsWith('/api/billing/invoices/')) return { role: 'billingOfficer', organisation: `region-${lastRegion}`, region: lastRegion, userId: actorId };
  if (p.startsWith('/api/billing/daily-amounts') || p.startsWith('/api/billing/national-averages')) {
    return method === 'PUT' ? { role: 'administrator', organisation: 'region-admin', region: lastRegion, userId: actorId } : { role: 'billingOfficer', organisation: `region-${lastRegion}`, region: lastRegion };
  }
  if (p.startsWith('/api/admin/') || p.startsWith('/codec/') || p === '/metrics') return { role: 'administrator', organisation: actorOrg && /^[a-z0-9-]+$/.test(actorOrg) ? actorOrg : 'region-admin', region: lastRegion, userId: actorId };
  if (p.startsWith('/api/audit/')) return { role: 'auditor', organisation: 'region-audit', region: lastRegion };
  // calendar, indicators, rule sets: any signed-in role
  return { role: 'billingOfficer', organisation: `region-${lastRegion}`, region: lastRegion };
}

function coordinatorOrgOf(region: string): string {
  return DEFAULT_REGIONS.find((r) => r.id === region)?.escalation.organisations[0]?.id ?? 'unknown-organisation';
}

/** Remembers what a start request started, from its body and answer. */
export function rememberStart(method: string, path: string, body: unknown, status: number, answer: unknown): void {
  const b = (body ?? {}) as Record<string, any>;
  if (typeof b.region === 'string') lastRegion = b.region;
  if (method !== 'POST' || status >= 300 || !['/api/episodes', '/api/home-care/enrollments', '/api/home-visits'].includes(path)) return;
  const a = (answer ?? {}) as Record<string, any>;
  const id = a.episodeId ?? a.enrollmentId ?? a.orderId;
  if (typeof id !== 'string') return;
  known.set(id, {
    region: b.region,
    parties: {
      inpatient: b.inpatientUnit,
      primaryCare: b.primaryCareUnit,
      psychiatricOutpatient: b.psychiatric ? b.psychiatricOutpatientUnit : undefined,
      municipality: b.residenceMunicipality,
    },
  });
}

/** The Authorization header `autoPrincipal` picks, for tests that call `fetch` themselves (call `rememberStart` with the answer). */
export async function autoAuth(method: string, path: string, body?: unknown): Promise<Record<string, string>> {
  const who = autoPrincipal(method, path, body, {});
  return who ? authHeader(who) : {};
}
