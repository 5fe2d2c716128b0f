/**
 * The API's contract (issue 17): Schemathesis, a property-based API tester from PyPI (pinned in
 * scripts/tools.json, installed into .tools/ by scripts/setup.mjs), runs against the real service
 * (RealStack: the service as `npm start` runs it, on PostgreSQL and a Temporal dev server) with
 * every check, once for each role with a token of its own organisation:
 * - no 5xx, no status the document does not list, every answer conforming to its schema;
 * - a request the schema allows is not refused as malformed (ST202), one it forbids is not accepted;
 * - an operation the role may not call answers the documented 403.
 *
 * Budget: the examples of the document plus a fixed number of generated cases per operation
 * (`MAX_EXAMPLES`), a fixed seed, two roles at a time. An operation the role may not call gets its
 * generated cases only, not the document's examples: whatever it is sent it answers the same 403
 * (checked, as before, for being documented and conforming to its schema), and each example is sent
 * by a role that may call the operation — every operation has one, checked below. The rate limit is raised for this client by
 * configuration (RATE_LIMIT_PER_MINUTE), not switched off. A world of processes the roles are
 * parties to (an episode, a home-care enrollment, a home-visit order) is created first, and the
 * path parameters point at it, so the generated actions reach real processes.
 *
 * By hand against `npm start`: see README "Contract".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';
import type { Role } from '../../src/auth/principal';
import { RealStack } from '../helpers/real-service';
import { tokenFor, type TestPrincipal } from '../helpers/auth';
import { PERSONNUMMER, UNITS } from '../helpers/api';

const tools = JSON.parse(readFileSync(join(projectRoot, 'scripts/tools.json'), 'utf8')) as { toolsDir: string; schemathesis: { version: string } };
const ST = join(projectRoot, tools.toolsDir, `schemathesis-${tools.schemathesis.version}`, 'st');

/** generated cases per operation the role may call (examples of the document come on top) */
const MAX_EXAMPLES = 1;
/**
 * ... and per operation its role may not call: each answers 403 ROLE_NOT_PERMITTED whatever it is
 * sent, so these get generated cases only (the examples phase off): two thirds of a role's example
 * cases were such 403s, a third of the file's time
 */
const MAX_EXAMPLES_REFUSED = 1;
const SEED = 20261203;
const PARALLEL = 2;
const REGION = 'gavleborg';
const MUNICIPALITY = '2180';

/** One principal per role, each with an organisation of its own kind in the region. */
const PRINCIPALS: Record<Role, TestPrincipal> = {
  inpatientStaff: { role: 'inpatientStaff', organisation: UNITS.inpatient, region: REGION },
  primaryCareStaff: { role: 'primaryCareStaff', organisation: UNITS.primaryCare, region: REGION },
  psychiatricOutpatientStaff: { role: 'psychiatricOutpatientStaff', organisation: UNITS.psychiatricOutpatient, region: REGION },
  municipalityStaff: { role: 'municipalityStaff', organisation: MUNICIPALITY, region: REGION },
  coordinator: { role: 'coordinator', organisation: 'coordination-gavleborg', region: REGION },
  billingOfficer: { role: 'billingOfficer', organisation: `region-${REGION}`, region: REGION },
  invoiceReviewer: { role: 'invoiceReviewer', organisation: MUNICIPALITY, region: REGION },
  administrator: { role: 'administrator', organisation: `region-${REGION}`, region: REGION },
  auditor: { role: 'auditor', organisation: `region-${REGION}`, region: REGION },
};

/**
 * Rules JSON Schema cannot state — between two fields (or two query parameters), or against the
 * resource's own state; the document's descriptions name each, and the server answers such a
 * schema-valid request 400 naming the field. Only these operations may refuse one so.
 */
const CROSS_FIELD_RULES: { path: string; method: string; rule: string }[] = [
  { method: 'POST', path: '/api/billing/simulate', rule: '`from` not after `to`, at most 36 months' },
  { method: 'POST', path: '/api/regions/{region}/downtime', rule: '`endsAt` after `startsAt`' },
  { method: 'POST', path: '/api/home-visits', rule: '`endDate` not before `startDate`' },
  { method: 'GET', path: '/api/units/{unitId}/inbox', rule: 'a `cursor` belongs to a `section`' },
  { method: 'POST', path: '/api/admin/workflows/{workflowId}/reset', rule: '`eventId` is a workflow-task event of this workflow’s history (its `resetPoints`)' },
];

interface World { episodeId: string; enrollmentId: string; orderId: string }

async function post(base: string, who: TestPrincipal, path: string, body: unknown, key: string): Promise<Record<string, string>> {
  const r = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(who)}`, 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });
  const answer = (await r.json()) as Record<string, string>;
  if (r.status !== 201 && r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The processes every staff role is a party to, started as their parties start them. */
async function createWorld(base: string): Promise<World> {
  const patient = { kind: 'personnummer', value: PERSONNUMMER };
  const parties = { region: REGION, patient, residenceMunicipality: MUNICIPALITY, primaryCareUnit: UNITS.primaryCare };
  const { episodeId } = await post(base, PRINCIPALS.inpatientStaff, '/api/episodes', {
    ...parties, inpatientUnit: UNITS.inpatient, psychiatric: true, psychiatricOutpatientUnit: UNITS.psychiatricOutpatient, admissionType: 'acute',
  }, 'contract-episode');
  const { enrollmentId } = await post(base, PRINCIPALS.primaryCareStaff, '/api/home-care/enrollments', { ...parties, consent: 'given' }, 'contract-enrollment');
  const { orderId } = await post(base, PRINCIPALS.primaryCareStaff, '/api/home-visits', {
    ...parties, interventions: ['Såromläggning'], startDate: '2026-12-01', endDate: '2027-01-31',
  }, 'contract-order');
  return { episodeId: episodeId!, enrollmentId: enrollmentId!, orderId: orderId! };
}

const toml = (v: unknown): string => JSON.stringify(v);

/** The path parameters of a role's run: the world's processes, the role's own unit and organisation. */
function pathParameters(role: Role, world: World): Record<string, string> {
  const p = PRINCIPALS[role];
  const staff = ['inpatientStaff', 'primaryCareStaff', 'psychiatricOutpatientStaff', 'municipalityStaff'].includes(role);
  return { episodeId: world.episodeId, unitId: staff ? p.organisation : UNITS.inpatient, organisationId: p.organisation, workflowId: `discharge-${world.episodeId}` };
}

type Operation = { method: string; path: string };

/**
 * The operations the role may not call at all: asked once, they answer 403 ROLE_NOT_PERMITTED
 * (the role is checked before anything else is read). A write is sent a body with an unknown
 * field, so where the role may call it, it is refused as malformed and records nothing.
 */
async function refusedOperations(base: string, role: Role, world: World, operations: Operation[]): Promise<Operation[]> {
  const params: Record<string, string> = {
    ...pathParameters(role, world), region: REGION, month: '2019-05', year: '2019', invoiceId: `${REGION}-2019-05-${MUNICIPALITY}`,
    deviationId: '00000000-0000-4000-8000-000000000000', activityId: '1',
  };
  const token = await tokenFor(PRINCIPALS[role]);
  const refused: Operation[] = [];
  for (const op of operations) {
    const id = op.path.startsWith('/api/home-visits/') ? world.orderId : world.enrollmentId;
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? id : params[name] ?? 'x'));
    const r = await fetch(`${base}${path}`, {
      method: op.method,
      headers: { authorization: `Bearer ${token}`, ...(op.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(op.method === 'GET' ? {} : { body: JSON.stringify({ probe: true }) }),
    });
    const code = r.status === 403 ? ((await r.json()) as { error?: { code?: string } }).error?.code : (await r.arrayBuffer(), undefined);
    if (code === 'ROLE_NOT_PERMITTED') refused.push(op);
  }
  return refused;
}

/** schemathesis.toml of one role: the world's ids as path parameters, the cross-field rules, generated cases only where the role is refused. */
function configFor(role: Role, world: World, refused: Operation[] = []): string {
  const lines = [
    '[parameters]',
    ...Object.entries(pathParameters(role, world)).map(([name, value]) => `"path.${name}" = ${toml(value)}`),
    '',
    '[[operations]]',
    'include-path-regex = "^/api/home-care/enrollments/"',
    `parameters = { "path.id" = ${toml(world.enrollmentId)} }`,
    '',
    '[[operations]]',
    'include-path-regex = "^/api/home-visits/"',
    `parameters = { "path.id" = ${toml(world.orderId)} }`,
  ];
  for (const c of CROSS_FIELD_RULES) {
    lines.push('', `# ${c.rule}`, '[[operations]]', `include-path = ${toml(c.path)}`, `include-method = ${toml(c.method)}`,
      '[operations.checks.positive_data_acceptance]', 'expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]');
  }
  for (const op of refused) {
    lines.push('', '[[operations]]', `include-path = ${toml(op.path)}`, `include-method = ${toml(op.method)}`, `generation = { max-examples = ${MAX_EXAMPLES_REFUSED} }`, 'phases = { examples = { enabled = false } }');
  }
  return `${lines.join('\n')}\n`;
}

interface RoleRun { role: Role; code: number | null; seconds: number; output: string; summary: string }

/** Schemathesis processes still running (ended when the test ends, also on a timeout). */
const running = new Set<ChildProcess>();

async function runSchemathesis(base: string, dir: string, role: Role, world: World, refused: Operation[]): Promise<RoleRun> {
  const config = join(dir, `${role}.toml`);
  writeFileSync(config, configFor(role, world, refused));
  const token = await tokenFor(PRINCIPALS[role]);
  const args = [
    '--config-file', config, 'run', `${base}/openapi.json`,
    '--checks', 'all',
    '--phases', 'examples,fuzzing',
    '--max-examples', String(MAX_EXAMPLES),
    '--seed', String(SEED),
    '--workers', '1',
    '--generation-database', 'none',
    '--header', `Authorization: Bearer ${token}`,
    '--request-timeout', '30',
    '--no-color',
  ];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(ST, args, {
      cwd: dir,
      env: { ...process.env, SCHEMATHESIS_HOOKS: 'schemathesis_hooks', PYTHONPATH: __dirname, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      running.delete(child);
      const summary = /Test cases:\s*\n\s*(.+)/.exec(output)?.[1]?.trim() ?? '(no summary)';
      resolve({ role, code, seconds: (Date.now() - started) / 1000, output, summary });
    });
  });
}

describe('the OpenAPI contract, checked by Schemathesis for every role', () => {
  let stack: RealStack | undefined;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(ST)) throw new Error(`Schemathesis is not installed (${ST}): run \`node scripts/setup.mjs --with-schemathesis\` (\`npm test\` does).`);
    dir = mkdtempSync(join(tmpdir(), 'schemathesis-'));
    stack = await RealStack.start({ env: { RATE_LIMIT_PER_MINUTE: '60000' } });
  }, 180_000);
  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes every check for each role, with a token of its own organisation', async () => {
    const base = stack!.base;
    const world = await createWorld(base);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m)).map((m) => ({ method: m.toUpperCase(), path })));
    const roles = Object.keys(PRINCIPALS) as Role[];
    const refused = new Map<Role, Operation[]>();
    for (const role of roles) refused.set(role, await refusedOperations(base, role, world, operations));
    // the document's examples are sent only by roles that may call the operation: every operation has one
    const key = (op: Operation) => `${op.method} ${op.path}`;
    const refusedToAll = operations.filter((op) => roles.every((role) => refused.get(role)!.some((r) => key(r) === key(op)))).map(key);
    expect(refusedToAll).toEqual([]);
    const runs: RoleRun[] = [];
    const queue = [...roles];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let role = queue.shift(); role; role = queue.shift()) runs.push(await runSchemathesis(base, dir, role, world, refused.get(role)!));
      }),
    );
    // the figures per role, for the report
    mkdirSync(join(projectRoot, '.test-artifacts'), { recursive: true });
    writeFileSync(join(projectRoot, '.test-artifacts', 'schemathesis.txt'), runs.map((r) => `${r.role}: exit ${r.code}, ${r.seconds.toFixed(0)} s, ${r.summary}`).join('\n') + '\n');
    const failed = runs.filter((r) => r.code !== 0).map((r) => `---- ${r.role} (exit ${r.code})\n${r.output.slice(r.output.indexOf('FAILURES') - 40 > 0 ? r.output.indexOf('FAILURES') - 40 : 0).slice(0, 12_000)}`);
    expect(stack!.crashed).toBeUndefined();
    expect(failed).toEqual([]);
    for (const r of runs) expect(r.summary).toMatch(/\d+ generated/);
  }, 1_800_000); // a few minutes on a quiet machine; far longer beside the rest of `npm test` on two cores
});
