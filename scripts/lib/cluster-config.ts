/**
 * The production layout of `docker-compose.yml`, run on this machine without Docker (`npm run cluster`,
 * issue 20). docker-compose.yml is the one source of truth: the versions (image tags), every
 * service's environment, the published ports and the scripts the one-shot services run are read
 * from it here, with compose's own `${VAR:-default}` interpolation. What differs on one machine —
 * host names become 127.0.0.1, container paths become paths in this checkout, ports that
 * containers could share get distinct numbers — is listed in HOST_OVERRIDES and HOST_ADDITIONS
 * with the reason, and `test/unit/cluster-config.test.ts` fails when any other value differs.
 *
 * Pure (reads files, starts nothing), so the drift test can compare without running the cluster.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { projectRoot, temporalCliPath } from '../../src/temporal/tools';
import { DEV_ISSUER } from '../../src/auth/tokens';

export const composeFile = join(projectRoot, 'docker-compose.yml');

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  ports?: string[];
  expose?: string[];
  entrypoint?: string[];
}
export interface Compose {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml as data; `<<: *anchor` merges resolved (YAML merge keys, as compose does). */
export function readCompose(file = composeFile): Compose {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Compose;
}

/** A variable compose requires (`${VAR:?message}`) is missing: compose's own one-line error. */
export class RequiredVariableMissing extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`required variable ${variable} is missing a value${detail ? `: ${detail}` : ''}`);
    this.name = 'RequiredVariableMissing';
  }
}

/**
 * Compose's interpolation of a value: `${VAR}`, `${VAR:-default}` (default when unset or empty),
 * `${VAR-default}` (default when unset), `${VAR:?message}` / `${VAR?message}` (required: an error
 * when unset or empty / unset) and `$$` for a literal `$`
 * (https://docs.docker.com/reference/compose-file/interpolation/).
 */
export function interpolate(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (whole === '$$') return '$';
    const v = env[name!];
    if (op === ':-') return v === undefined || v === '' ? arg! : v;
    if (op === '-') return v === undefined ? arg! : v;
    if (op === ':?' && (v === undefined || v === '')) throw new RequiredVariableMissing(name!, arg!);
    if (op === '?' && v === undefined) throw new RequiredVariableMissing(name!, arg!);
    return v ?? '';
  });
}

/** A service's environment as compose passes it to the container (values interpolated). */
export function composeEnv(compose: Compose, service: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const s = compose.services[service];
  if (!s) throw new Error(`docker-compose.yml has no service "${service}"`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment ?? {})) out[k] = interpolate(v === null ? '' : String(v), env);
  return out;
}

/** The tag of a service's image, e.g. `1.29.1` of `temporalio/server:1.29.1`. */
export function imageTag(compose: Compose, service: string): string {
  const image = compose.services[service]?.image;
  const tag = image?.split(':')[1];
  if (!tag) throw new Error(`docker-compose.yml: service "${service}" has no image tag`);
  return tag;
}

/** Where a path inside a service's container comes from in this checkout (its bind mounts). */
export function hostPath(compose: Compose, service: string, containerPath: string): string {
  for (const v of compose.services[service]?.volumes ?? []) {
    const [src, dst] = v.split(':');
    if (!src || !dst || !(src.startsWith('./') || src.startsWith('../') || isAbsolute(src))) continue; // named volumes
    if (containerPath === dst) return resolve(projectRoot, src);
    if (containerPath.startsWith(`${dst}/`)) return resolve(projectRoot, src, containerPath.slice(dst.length + 1));
  }
  throw new Error(`docker-compose.yml: service "${service}" mounts nothing at ${containerPath}`);
}

/** The host port a service publishes for a container port (`127.0.0.1:7233:7233` → 7233). */
export function publishedPort(compose: Compose, service: string, containerPort: number): number {
  for (const p of compose.services[service]?.ports ?? []) {
    const parts = String(p).split(':');
    if (Number(parts[parts.length - 1]) === containerPort) return Number(parts[parts.length - 2]);
  }
  throw new Error(`docker-compose.yml: service "${service}" publishes no port ${containerPort}`);
}

/** Versions of what compose runs, from the image tags. */
export function composeVersions(compose: Compose) {
  return {
    /** temporalio/server */
    temporalServer: imageTag(compose, 'temporal'),
    /** temporalio/admin-tools: `1.29.1-tctl-…`; its server part must equal the server's */
    adminTools: imageTag(compose, 'temporal-schema').split('-')[0]!,
    /** temporalio/ui */
    ui: imageTag(compose, 'temporal-ui'),
    /** postgres: the major version (this machine runs its Debian package instead, see README) */
    postgresMajor: imageTag(compose, 'postgres').split('.')[0]!,
  };
}

/** Where setup (scripts/setup-cluster.ts) builds the Go binaries, per version from compose. */
export function clusterToolPaths(versions = composeVersions(readCompose())) {
  const serverDir = join(projectRoot, '.tools', `temporal-server-${versions.temporalServer}`);
  const uiDir = join(projectRoot, '.tools', `temporal-ui-${versions.ui}`);
  return {
    serverDir,
    /** `go install go.temporal.io/server/cmd/server` */
    server: join(serverDir, 'temporal-server'),
    /** `go install go.temporal.io/server/cmd/tools/sql`, under the name the admin-tools image gives it */
    sqlTool: join(serverDir, 'temporal-sql-tool'),
    /** the module's config/docker.yaml, the same template the server image starts with */
    serverConfigDir: join(serverDir, 'config'),
    /** the module's schema/postgresql/v12 (the admin-tools image has it at /etc/temporal/schema/postgresql/v12) */
    schemaDir: join(serverDir, 'schema', 'postgresql', 'v12'),
    uiDir,
    /** `go install github.com/temporalio/ui-server/v2/cmd/server` (the UI's assets are in the module) */
    ui: join(uiDir, 'temporal-ui-server'),
    /** the module's config/docker.yaml, which the temporalio/ui image starts with */
    uiConfigDir: join(uiDir, 'config'),
    /** the `temporal` CLI that create-namespace.sh calls (scripts/setup.mjs installs it) */
    cli: temporalCliPath,
  };
}

export interface ClusterPorts {
  api: number;
  temporal: number;
  ui: number;
  postgres: number;
  /** first worker's metrics port; the second worker uses the next one */
  workerMetrics: number;
  /** the local development identity provider's JWKS (only with CLUSTER_LOCAL_IDP=1) */
  idp: number;
}

/**
 * The Temporal server's other ports, derived from the frontend's as the server's defaults are
 * (7233 frontend → 7234 history, 7235 matching, 7239 worker, 7243 HTTP, 6933… membership, 8000
 * Prometheus): the compose container has them to itself; here they must not collide.
 */
export function temporalInternalPorts(frontend: number) {
  return {
    FRONTEND_HTTP_PORT: frontend + 10,
    HISTORY_GRPC_PORT: frontend + 1,
    MATCHING_GRPC_PORT: frontend + 2,
    WORKER_GRPC_PORT: frontend + 6,
    FRONTEND_MEMBERSHIP_PORT: frontend - 300,
    HISTORY_MEMBERSHIP_PORT: frontend - 299,
    MATCHING_MEMBERSHIP_PORT: frontend - 298,
    WORKER_MEMBERSHIP_PORT: frontend - 294,
    PROMETHEUS: frontend + 767,
  };
}

/**
 * Values compose sets that cannot be the same on one machine without containers, and why. The
 * drift test allows exactly these keys to differ; every other compose value is passed unchanged.
 */
export const HOST_OVERRIDES: Record<string, Record<string, string>> = {
  postgres: {},
  'temporal-schema': {
    POSTGRES_SEEDS: 'the host name `postgres` is the local server at 127.0.0.1',
    DB_PORT: 'the local PostgreSQL listens on its own port (CLUSTER_POSTGRES_PORT, default 5432)',
  },
  temporal: {
    POSTGRES_SEEDS: 'the host name `postgres` is the local server at 127.0.0.1',
    DB_PORT: 'the local PostgreSQL listens on its own port',
    BIND_ON_IP: 'loopback only: nothing outside this machine reaches the server (compose publishes it on 127.0.0.1 too)',
    DYNAMIC_CONFIG_FILE_PATH: 'the same file, at its path in this checkout instead of the container mount',
    PROMETHEUS_ENDPOINT: 'loopback, on a port derived from the frontend port',
  },
  'temporal-namespace': {
    TEMPORAL_ADDRESS: 'the server at 127.0.0.1 instead of the host name `temporal`',
  },
  'temporal-ui': {
    TEMPORAL_ADDRESS: 'the server at 127.0.0.1 instead of the host name `temporal`',
    TEMPORAL_CODEC_ENDPOINT: 'the API on its real port',
  },
  worker: {
    DATA_DIR: 'the cluster\'s DATA_DIR (compose leaves /data unused)',
    TEMPORAL_ADDRESS: 'the server at 127.0.0.1 instead of the host name `temporal`',
    DATABASE_URL: 'the ledger database on the local PostgreSQL (127.0.0.1 and its port instead of postgres:5432)',
    TEMPORAL_UI_ORIGINS: 'the Web UI on its real port',
    TEMPORAL_METRICS_BIND: 'two workers on one machine: loopback, one port each',
  },
  api: {
    DATA_DIR: 'the cluster\'s DATA_DIR (compose leaves /data unused)',
    TEMPORAL_ADDRESS: 'the server at 127.0.0.1 instead of the host name `temporal`',
    DATABASE_URL: 'the ledger database on the local PostgreSQL (127.0.0.1 and its port instead of postgres:5432)',
    TEMPORAL_UI_ORIGINS: 'the Web UI on its real port',
    PORT: 'the port the two API processes share (PORT, default compose\'s published 3000)',
  },
};

export interface ClusterPlan {
  versions: ReturnType<typeof composeVersions>;
  tools: ReturnType<typeof clusterToolPaths>;
  ports: ClusterPorts;
  dataDir: string;
  /** PostgreSQL cluster (initdb) directory, logs, … under DATA_DIR/cluster */
  clusterDir: string;
  postgres: { superuser: string; password: string; initScript: string; env: Record<string, string> };
  schema: { script: string; env: Record<string, string> };
  temporal: { env: Record<string, string>; address: string };
  namespace: { script: string; env: Record<string, string>; name: string };
  ui: { env: Record<string, string>; url: string };
  /**
   * CLUSTER_LOCAL_IDP=1: the supervisor serves the development signing key's public half as a JWKS
   * and the API gets it as its identity provider (AUTH_ISSUER, AUTH_JWKS_URL), exactly as an
   * operator's would be given; the API still runs as production and verifies against a JWKS.
   */
  idp?: { issuer: string; jwksUrl: string; port: number; keyFile: string };
  workers: Array<{ env: Record<string, string> }>;
  api: { env: Record<string, string>; processes: number; url: string };
}

/** Compose's environment for `service` with the host overrides applied (only keys it sets). */
function overridden(base: Record<string, string>, service: string, values: Record<string, string>): Record<string, string> {
  const out = { ...base };
  for (const [k, v] of Object.entries(values)) {
    if (!(k in (HOST_OVERRIDES[service] ?? {}))) throw new Error(`cluster-config: ${service}.${k} is not a listed host override`);
    if (k in out) out[k] = v;
  }
  return out;
}

/** Drops empty values: compose passes `${X:-}` as an empty variable, which src/config.ts reads as unset. */
const nonEmpty = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));

/** Default ports: those compose publishes (API 3000, gRPC 7233, UI 8080), PostgreSQL 5432, metrics 9464. */
export function defaultPorts(compose: Compose, env: NodeJS.ProcessEnv): ClusterPorts {
  const num = (name: string, fallback: number) => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name}: not a port number (${JSON.stringify(v)})`);
    return n;
  };
  const ports = {
    api: num('PORT', publishedPort(compose, 'api', 3000)),
    temporal: num('CLUSTER_TEMPORAL_PORT', publishedPort(compose, 'temporal', 7233)),
    ui: num('CLUSTER_UI_PORT', publishedPort(compose, 'temporal-ui', 8080)),
    postgres: num('CLUSTER_POSTGRES_PORT', Number(composeEnv(compose, 'temporal', env).DB_PORT)),
    workerMetrics: num('CLUSTER_WORKER_METRICS_PORT', 9464),
    idp: num('CLUSTER_IDP_PORT', 8090),
  };
  // The server records its services' membership ports in cluster_membership.rpc_port, a smallint:
  // a port above 32767 fails every membership write (`value … is out of range for type smallint`).
  const membership = Object.entries(temporalInternalPorts(ports.temporal)).filter(([k]) => k.endsWith('MEMBERSHIP_PORT'));
  if (membership.some(([, p]) => p < 1024 || p > 32767)) {
    throw new Error(`CLUSTER_TEMPORAL_PORT: ${ports.temporal} puts the Temporal server's membership ports (frontend port − 300 … − 294) outside 1024–32767, which its SQL schema stores as smallint; use a port from 1324 to 33061`);
  }
  return ports;
}

/** Everything `npm run cluster` runs, derived from docker-compose.yml and the caller's environment. */
export function clusterPlan(env: NodeJS.ProcessEnv, compose = readCompose()): ClusterPlan {
  const versions = composeVersions(compose);
  const tools = clusterToolPaths(versions);
  const ports = defaultPorts(compose, env);
  const dataDir = resolve(projectRoot, env.DATA_DIR || 'data');
  const clusterDir = join(dataDir, 'cluster');
  const loopback = '127.0.0.1';
  const temporalAddress = `${loopback}:${ports.temporal}`;
  const internal = temporalInternalPorts(ports.temporal);
  const apiUrl = `http://localhost:${ports.api}`;
  const uiUrl = `http://${loopback}:${ports.ui}`;

  // PostgreSQL: the superuser and the ledger's own role and database (init-ledger.sh)
  const pgEnv = composeEnv(compose, 'postgres', env);
  const initScript = hostPath(compose, 'postgres', '/docker-entrypoint-initdb.d/10-init-ledger.sh');

  // the one-shot schema job: its entrypoint's script, from its mount
  const schemaService = compose.services['temporal-schema']!;
  const schemaScript = hostPath(compose, 'temporal-schema', schemaService.entrypoint![1]!);
  const toolPath = (...dirs: string[]) => [...dirs, env.PATH ?? ''].join(':');
  const schemaEnv = {
    ...overridden(composeEnv(compose, 'temporal-schema', env), 'temporal-schema', { POSTGRES_SEEDS: loopback, DB_PORT: String(ports.postgres) }),
    SCHEMA_DIR: tools.schemaDir,
    PATH: toolPath(tools.serverDir),
  };

  const temporalCompose = composeEnv(compose, 'temporal', env);
  const dynamicConfig = hostPath(compose, 'temporal', join('/etc/temporal', temporalCompose.DYNAMIC_CONFIG_FILE_PATH!));
  const temporalEnv = {
    ...overridden(temporalCompose, 'temporal', {
      POSTGRES_SEEDS: loopback,
      DB_PORT: String(ports.postgres),
      BIND_ON_IP: loopback,
      DYNAMIC_CONFIG_FILE_PATH: dynamicConfig,
      PROMETHEUS_ENDPOINT: `${loopback}:${internal.PROMETHEUS}`,
    }),
    // config/docker.yaml reads the visibility store's port from VISIBILITY_DB_PORT or POSTGRES_PORT,
    // not DB_PORT (compose gets away with the template's default 5432)
    VISIBILITY_DB_PORT: String(ports.postgres),
    FRONTEND_GRPC_PORT: String(ports.temporal),
    ...Object.fromEntries(Object.entries(internal).filter(([k]) => k !== 'PROMETHEUS').map(([k, v]) => [k, String(v)])),
    // the server's own log goes to DATA_DIR/cluster/logs/temporal.log
    LOG_LEVEL: env.CLUSTER_TEMPORAL_LOG_LEVEL || 'warn',
  };

  const namespaceService = compose.services['temporal-namespace']!;
  const namespaceEnvCompose = composeEnv(compose, 'temporal-namespace', env);
  const namespaceEnv = {
    ...overridden(namespaceEnvCompose, 'temporal-namespace', { TEMPORAL_ADDRESS: temporalAddress }),
    PATH: toolPath(join(tools.cli, '..')),
  };

  const uiEnv = {
    ...overridden(composeEnv(compose, 'temporal-ui', env), 'temporal-ui', { TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_CODEC_ENDPOINT: `${apiUrl}/codec` }),
    TEMPORAL_UI_PORT: String(ports.ui),
    // the UI server's CSRF/CORS allow-list defaults to http://localhost:8080
    TEMPORAL_CORS_ORIGINS: `http://localhost:${ports.ui},${uiUrl}`,
  };

  // The identity provider is the operator's (AUTH_ISSUER, AUTH_JWKS_URL, required by compose), or
  // on request the local development one; never a silent fallback to development tokens.
  const localIdp = env.CLUSTER_LOCAL_IDP === '1';
  if (localIdp && (env.AUTH_ISSUER || env.AUTH_JWKS_URL)) {
    throw new Error('CLUSTER_LOCAL_IDP=1 and AUTH_ISSUER/AUTH_JWKS_URL are both set: use your identity provider or the local development one, not both');
  }
  const idp = localIdp
    ? { issuer: DEV_ISSUER, jwksUrl: `http://${loopback}:${ports.idp}/.well-known/jwks.json`, port: ports.idp, keyFile: resolve(projectRoot, env.AUTH_DEV_KEY_FILE || join(dataDir, 'auth', 'dev-signing-key.json')) }
    : undefined;
  // The local mode also brings local secrets, derived from DATA_DIR (stable across restarts, so
  // the histories stay readable): not the public development defaults, which production refuses,
  // and not secret either — like the local identity provider, never for production.
  const localSecret = (purpose: string) => createHash('sha256').update(`npm run cluster, local use only\n${purpose}\n${dataDir}`).digest('base64');
  const appInput = idp
    ? {
        ...env,
        AUTH_ISSUER: idp.issuer,
        AUTH_JWKS_URL: idp.jwksUrl,
        PAYLOAD_KEYS: env.PAYLOAD_KEYS || `local-1:${localSecret('payload key')}`,
        PSEUDONYM_KEY: env.PSEUDONYM_KEY || localSecret('pseudonym key'),
      }
    : env;
  /** compose's environment of an app service; a required variable missing is one line that names the local mode */
  const appCompose = (service: 'api' | 'worker') => {
    try {
      return composeEnv(compose, service, appInput);
    } catch (err) {
      if (err instanceof RequiredVariableMissing && /^(AUTH_|PAYLOAD_KEYS|PSEUDONYM_KEY)/.test(err.variable)) {
        throw new Error(`${err.message}; or, for local use only, CLUSTER_LOCAL_IDP=1 (README "The production layout on one machine")`);
      }
      throw err;
    }
  };
  const apiCompose = appCompose('api');
  const databaseUrl = (url: string) => url.replace(/@postgres:5432\//, `@${loopback}:${ports.postgres}/`);
  const appOverrides = (service: 'worker' | 'api', base: Record<string, string>) => ({
    DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: databaseUrl(base.DATABASE_URL!),
    TEMPORAL_UI_ORIGINS: `http://localhost:${ports.ui},${uiUrl}`,
    ...(service === 'api' ? { PORT: String(ports.api) } : {}),
  });
  const workerBase = appCompose('worker');
  const workers = [0, 1].map((i) => ({
    env: nonEmpty(overridden(workerBase, 'worker', { ...appOverrides('worker', workerBase), TEMPORAL_METRICS_BIND: `${loopback}:${ports.workerMetrics + i}` })),
  }));
  const apiBase = apiCompose;
  const apiEnv = nonEmpty(overridden(apiBase, 'api', appOverrides('api', apiBase)));

  return {
    versions,
    tools,
    ports,
    dataDir,
    clusterDir,
    postgres: { superuser: pgEnv.POSTGRES_USER!, password: pgEnv.POSTGRES_PASSWORD!, initScript, env: pgEnv },
    schema: { script: schemaScript, env: schemaEnv },
    temporal: { env: temporalEnv, address: temporalAddress },
    namespace: { script: hostPath(compose, 'temporal-namespace', namespaceService.entrypoint![1]!), env: namespaceEnv, name: namespaceEnvCompose.TEMPORAL_NAMESPACE! },
    ui: { env: uiEnv, url: uiUrl },
    idp,
    workers,
    api: { env: apiEnv, processes: 2, url: apiUrl },
  };
}
