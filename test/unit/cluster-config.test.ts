/**
 * docker-compose.yml and `npm run cluster` may not drift (issue 20): the cluster reads versions,
 * environments, ports and scripts from the compose file (scripts/lib/cluster-config.ts). This test
 * compares what the cluster would run with what compose declares, value by value: only the host
 * overrides listed (with their reasons) may differ, and the installed binaries must be the versions
 * of compose's image tags.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterPlan,
  clusterToolPaths,
  composeEnv,
  composeVersions,
  HOST_OVERRIDES,
  interpolate,
  readCompose,
  type Compose,
} from '../../scripts/lib/cluster-config';
import { projectRoot } from '../../src/temporal/tools';
import { DEV_ISSUER } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';

const compose = readCompose();
/** What a region's operator provides: its identity provider (compose requires both). */
const IDP = { AUTH_ISSUER: 'https://idp.region.example', AUTH_JWKS_URL: 'https://idp.region.example/.well-known/jwks.json' };
/** … and its own secrets (compose requires them; the public development ones are refused in production) */
const SECRETS = { PAYLOAD_KEYS: 'region-1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=', PSEUDONYM_KEY: 'the-regions-own-pseudonym-key' };
const env = { PATH: '/usr/bin', ...IDP, ...SECRETS };
const plan = clusterPlan(env, compose);

/** Every key compose sets for `service` reaches the cluster's process, unchanged unless a listed override. */
function expectSameAsCompose(service: string, actual: Record<string, string>, c: Compose = compose) {
  const expected = composeEnv(c, service, env);
  const differing = Object.keys(expected).filter((k) => expected[k] !== actual[k] && !(expected[k] === '' && actual[k] === undefined));
  expect(differing.filter((k) => !(k in HOST_OVERRIDES[service]!))).toEqual([]);
  return differing;
}

describe('npm run cluster reads docker-compose.yml', () => {
  it('interpolates as compose does', () => {
    expect(interpolate('${A:-x}/${B:-y}/${C-z}/${D}/$$E', { A: 'a', B: '', C: '' })).toBe('a/y///$E');
    expect(interpolate('${A:?say A}/${B?say B}', { A: 'a', B: '' })).toBe('a/');
    expect(() => interpolate('${A:?say A}', { A: '' })).toThrow('required variable A is missing a value: say A');
    expect(() => interpolate('${B?say B}', {})).toThrow('required variable B is missing a value: say B');
  });

  it('runs the versions of compose\'s images; admin-tools carries the server\'s schema version', () => {
    const v = composeVersions(compose);
    expect(v.temporalServer).toMatch(/^\d+\.\d+\.\d+$/);
    expect(v.adminTools).toBe(v.temporalServer);
    expect(plan.tools.server).toContain(`temporal-server-${v.temporalServer}`);
    expect(plan.tools.ui).toContain(`temporal-ui-${v.ui}`);
  });

  it('passes every service its compose environment; only the listed host overrides differ', () => {
    expectSameAsCompose('temporal', plan.temporal.env);
    expectSameAsCompose('temporal-schema', plan.schema.env);
    expectSameAsCompose('temporal-namespace', plan.namespace.env);
    expectSameAsCompose('temporal-ui', plan.ui.env);
    expectSameAsCompose('postgres', plan.postgres.env);
    for (const w of plan.workers) expectSameAsCompose('worker', w.env);
    expectSameAsCompose('api', plan.api.env);
    // shards are fixed when the cluster is created: the same number as compose
    expect(plan.temporal.env.NUM_HISTORY_SHARDS).toBe(composeEnv(compose, 'temporal', env).NUM_HISTORY_SHARDS);
    expect(plan.workers.map((w) => w.env.ROLE)).toEqual(['worker', 'worker']);
    expect(plan.api.env.ROLE).toBe('api');
  });

  it('runs the API as production with the operator\'s identity provider; without one it stops with one line naming it', () => {
    for (const e of [...plan.workers.map((w) => w.env), plan.api.env]) expect(e.NODE_ENV).toBe('production');
    expect(plan.api.env).toMatchObject(IDP);
    expect(plan.idp).toBeUndefined();
    expect(() => clusterPlan({ PATH: '/usr/bin', ...SECRETS }, compose)).toThrow(/^required variable AUTH_ISSUER is missing a value: set AUTH_ISSUER and AUTH_JWKS_URL to your identity provider .*; or, for local use only, CLUSTER_LOCAL_IDP=1 /);
    expect(() => clusterPlan({ PATH: '/usr/bin', ...SECRETS, AUTH_ISSUER: IDP.AUTH_ISSUER }, compose)).toThrow(/^required variable AUTH_JWKS_URL is missing a value/);
    // the operator's own secrets too: the public development ones are refused in production
    expect(() => clusterPlan({ PATH: '/usr/bin', ...IDP }, compose)).toThrow(/^required variable PAYLOAD_KEYS is missing a value: set PAYLOAD_KEYS to your own key.*; or, for local use only, CLUSTER_LOCAL_IDP=1 /);
    expect(() => clusterPlan({ PATH: '/usr/bin', ...IDP, PAYLOAD_KEYS: SECRETS.PAYLOAD_KEYS }, compose)).toThrow(/^required variable PSEUDONYM_KEY is missing a value/);
    expect(() => clusterPlan({ ...env, CLUSTER_LOCAL_IDP: '1' }, compose)).toThrow('CLUSTER_LOCAL_IDP=1 and AUTH_ISSUER/AUTH_JWKS_URL are both set');
  });

  it('CLUSTER_LOCAL_IDP=1 gives the API the local development identity provider as its AUTH_ISSUER and AUTH_JWKS_URL, still as production', () => {
    const local = clusterPlan({ PATH: '/usr/bin', CLUSTER_LOCAL_IDP: '1', CLUSTER_IDP_PORT: '8999', DATA_DIR: '/tmp/cluster-data' }, compose);
    expect(local.idp).toEqual({ issuer: DEV_ISSUER, jwksUrl: 'http://127.0.0.1:8999/.well-known/jwks.json', port: 8999, keyFile: '/tmp/cluster-data/auth/dev-signing-key.json' });
    expect(local.api.env).toMatchObject({ NODE_ENV: 'production', AUTH_ISSUER: DEV_ISSUER, AUTH_JWKS_URL: local.idp!.jwksUrl });
    // the same as compose given those two values: the local provider is an input, not an override
    const expected = composeEnv(compose, 'api', { PATH: '/usr/bin', AUTH_ISSUER: DEV_ISSUER, AUTH_JWKS_URL: local.idp!.jwksUrl, PAYLOAD_KEYS: local.api.env.PAYLOAD_KEYS, PSEUDONYM_KEY: local.api.env.PSEUDONYM_KEY });
    // with local secrets of its own (from DATA_DIR, the same on every process), not the public development ones
    expect(local.api.env.PAYLOAD_KEYS).toMatch(/^local-1:/);
    for (const w of local.workers) expect([w.env.PAYLOAD_KEYS, w.env.PSEUDONYM_KEY]).toEqual([local.api.env.PAYLOAD_KEYS, local.api.env.PSEUDONYM_KEY]);
    expect(Object.keys(expected).filter((k) => expected[k] !== local.api.env[k] && !(expected[k] === '' && local.api.env[k] === undefined) && !(k in HOST_OVERRIDES.api!))).toEqual([]);
    // and src/config.ts accepts the API's and the workers' environments as production
    expect(loadConfig(local.api.env).auth).toMatchObject({ issuer: DEV_ISSUER, jwksUrl: local.idp!.jwksUrl });
    expect(loadConfig(local.workers[0]!.env).role).toBe('worker');
  });

  it('follows a changed compose file (the test can fail): a new setting in compose reaches the cluster', () => {
    const changed = readCompose();
    (changed.services.worker!.environment as Record<string, string>).WORKER_MAX_CACHED_WORKFLOWS = '${WORKER_CACHE:-321}';
    const p = clusterPlan(env, changed);
    expect(p.workers[0]!.env.WORKER_MAX_CACHED_WORKFLOWS).toBe('321');
    // … and the comparison notices a value the cluster would not pass on
    const tampered = { ...p.workers[0]!.env, WORKER_MAX_CACHED_WORKFLOWS: '10' };
    expect(() => expectSameAsCompose('worker', tampered, changed)).toThrow();
  });

  it('runs the very scripts and dynamic config that compose mounts', () => {
    const mounted = (service: string) => compose.services[service]!.volumes!.map((v) => join(projectRoot, v.split(':')[0]!));
    expect(mounted('temporal-schema')).toContain(plan.schema.script);
    expect(mounted('temporal-namespace')).toContain(plan.namespace.script);
    expect(mounted('postgres')).toContain(plan.postgres.initScript);
    expect(plan.temporal.env.DYNAMIC_CONFIG_FILE_PATH).toBe(join(projectRoot, 'deploy/temporal/dynamicconfig/production-sql.yaml'));
    expect(readFileSync(plan.schema.script, 'utf8')).toContain('SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"');
  });

  it('uses compose\'s published ports by default; a Temporal port whose membership ports do not fit the schema is one clear line', () => {
    expect(plan.ports).toMatchObject({ api: 3000, temporal: 7233, ui: 8080 });
    expect(() => clusterPlan({ ...env, CLUSTER_TEMPORAL_PORT: '40000' }, compose)).toThrow(/^CLUSTER_TEMPORAL_PORT: 40000 puts .* smallint; use a port from 1324 to 33061$/);
    expect(() => clusterPlan({ ...env, PORT: 'eighty' }, compose)).toThrow('PORT: not a port number ("eighty")');
  });

  const tools = clusterToolPaths();
  (existsSync(tools.server) ? it : it.skip)('the installed Temporal server is the version compose runs', () => {
    const r = spawnSync(tools.server, ['--version'], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain(composeVersions(compose).temporalServer);
  });
});
