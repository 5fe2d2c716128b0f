/**
 * The deployment files: docker-compose.yml as Docker Compose resolves it, the Dockerfile and the
 * .dockerignore. No Docker engine is needed: `docker compose config` only parses, validates and
 * interpolates the file. Without the Compose CLI a single structural test runs instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const composePath = join(root, 'docker-compose.yml');

const APP_SERVICES = ['worker', 'api'] as const;
const SERVICES = ['postgres', 'temporal-schema', 'temporal', 'temporal-namespace', 'temporal-ui', ...APP_SERVICES];
/** Databases Temporal keeps to itself; the ledger must use another one. */
const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'];

// The shape of `docker compose config --format json`, as far as these tests read it.
interface DependsOn {
  condition: string;
}
interface Port {
  target: number;
  published?: string;
  host_ip?: string;
}
interface Volume {
  type: string;
  source?: string;
  target: string;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  environment?: Record<string, string | null>;
  depends_on?: Record<string, DependsOn>;
  ports?: Port[];
  volumes?: Volume[];
  healthcheck?: { test?: string[]; disable?: boolean };
  entrypoint?: string[] | null;
}
interface ComposeProject {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

/** Only what docker needs to find its CLI plugins: no variables from the caller's environment
 * leak into the interpolation of the compose file. */
function dockerEnv(): NodeJS.ProcessEnv {
  // what a region's operator must provide: its identity provider (compose requires both)
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', AUTH_ISSUER: 'https://idp.example', AUTH_JWKS_URL: 'https://idp.example/jwks.json' };
  for (const key of ['HOME', 'DOCKER_CONFIG']) if (process.env[key]) env[key] = process.env[key];
  return env;
}

function composeCliAvailable(): boolean {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore', env: dockerEnv(), timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** Throws with Compose's own message when the file is invalid. */
function composeConfig(): ComposeProject {
  const out = execFileSync('docker', ['compose', '-f', composePath, 'config', '--format', 'json'], {
    cwd: root,
    env: dockerEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(out) as ComposeProject;
}

/** The tag of an image reference (registry:port/name:tag@digest), or undefined when it has none. */
function imageTag(ref: string): string | undefined {
  const withoutDigest = ref.split('@')[0];
  const name = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon === -1 ? undefined : name.slice(colon + 1);
}

function expectPinned(ref: string): void {
  const tag = imageTag(ref);
  expect({ ref, tag }).toEqual({ ref, tag: expect.stringMatching(/\S/) });
  expect({ ref, tag }).not.toEqual({ ref, tag: 'latest' });
}

/** host part of host:port */
function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

if (composeCliAvailable()) {
  describe('docker-compose.yml (as resolved by `docker compose config`)', () => {
    let project: ComposeProject;
    let services: Record<string, Service>;
    const env = (service: string): Record<string, string | null> => services[service].environment ?? {};

    beforeAll(() => {
      project = composeConfig();
      services = project.services;
    });

    test('defines the database, Temporal (schema setup, server, namespace, UI), worker and API', () => {
      expect(Object.keys(services).sort()).toEqual([...SERVICES].sort());
    });

    test('pins every image to a tag other than latest; worker and API are built from the project Dockerfile', () => {
      for (const [name, service] of Object.entries(services)) {
        if (service.image !== undefined) expectPinned(service.image);
        if ((APP_SERVICES as readonly string[]).includes(name)) {
          expect(service.build).toEqual(expect.objectContaining({ context: root }));
          expect(service.build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
        } else {
          expect({ name, build: service.build }).toEqual({ name, build: undefined });
          expect(service.image).toBeDefined();
        }
      }
    });

    test('Temporal server and its admin tools are one release, persisting to PostgreSQL', () => {
      const server = services.temporal.image ?? '';
      const adminTools = [services['temporal-schema'].image ?? '', services['temporal-namespace'].image ?? ''];
      expect(server).toMatch(/^temporalio\/server:/);
      for (const image of adminTools) {
        expect(image).toMatch(/^temporalio\/admin-tools:/);
        // admin-tools tags are <server version>[-tctl-…-cli-…]: the schema it applies is the server's.
        expect(imageTag(image)?.split('-')[0]).toBe(imageTag(server));
      }
      expect(env('temporal')).toEqual(
        expect.objectContaining({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres', DB_PORT: '5432' }),
      );
      expect(env('temporal-schema')).toEqual(expect.objectContaining({ POSTGRES_SEEDS: 'postgres' }));
      expect(services.temporal.ports).toEqual(expect.arrayContaining([expect.objectContaining({ target: 7233, published: '7233' })]));
    });

    test('temporal starts after postgres is healthy and the schema setup has completed', () => {
      expect(services.temporal.depends_on).toEqual(
        expect.objectContaining({
          postgres: expect.objectContaining({ condition: 'service_healthy' }),
          'temporal-schema': expect.objectContaining({ condition: 'service_completed_successfully' }),
        }),
      );
      expect(services['temporal-schema'].depends_on).toEqual(
        expect.objectContaining({ postgres: expect.objectContaining({ condition: 'service_healthy' }) }),
      );
      expect(services.postgres.healthcheck?.test?.join(' ')).toMatch(/pg_isready/);
      expect(services.temporal.healthcheck?.test).toBeDefined();
    });

    test('the namespace is registered once the server is healthy, before worker and API start', () => {
      expect(services['temporal-namespace'].depends_on).toEqual(
        expect.objectContaining({ temporal: expect.objectContaining({ condition: 'service_healthy' }) }),
      );
      expect(env('temporal-namespace').TEMPORAL_NAMESPACE).toBe(env('api').TEMPORAL_NAMESPACE);
      for (const name of APP_SERVICES) {
        expect(services[name].depends_on).toEqual(
          expect.objectContaining({
            temporal: expect.objectContaining({ condition: 'service_healthy' }),
            'temporal-namespace': expect.objectContaining({ condition: 'service_completed_successfully' }),
          }),
        );
      }
    });

    test.each(APP_SERVICES.map((name) => [name]))('%s is configured by environment: role, Temporal service, ledger database', (name) => {
      const e = env(name);
      expect(e.ROLE).toBe(name);
      expect(e.TEMPORAL_ADDRESS).toMatch(/^[\w.-]+:\d+$/);
      expect(hostOf(e.TEMPORAL_ADDRESS ?? '')).toBe('temporal');
      expect(e.TEMPORAL_ADDRESS).toBe('temporal:7233');
      const url = new URL(e.DATABASE_URL ?? '');
      expect(url.protocol).toMatch(/^postgres(ql)?:$/);
      expect(url.hostname).toBe('postgres');
      const database = url.pathname.replace(/^\//, '');
      expect(database).not.toBe('');
      expect(TEMPORAL_DATABASES).not.toContain(database);
      expect(database).toBe(env('postgres').LEDGER_DB_NAME);
      expect(decodeURIComponent(url.username)).toBe(env('postgres').LEDGER_DB_USER);
    });

    test('worker and API share one configuration apart from their role', () => {
      const { ROLE: _w, TEMPORAL_METRICS_BIND: _m, ...worker } = env('worker');
      const { ROLE: _a, PORT: _p, AUTH_ISSUER: _i, AUTH_JWKS_URL: _j, ...api } = env('api'); // the worker accepts no tokens
      expect(worker).toEqual(api);
    });

    test('the API is published on 3000 and has a health check on /health', () => {
      expect(env('api').PORT ?? '3000').toBe('3000');
      expect(services.api.ports).toEqual(expect.arrayContaining([expect.objectContaining({ target: 3000, published: '3000' })]));
      const check = services.api.healthcheck;
      expect(check?.disable).not.toBe(true);
      expect(check?.test?.join(' ')).toMatch(/\/health\b/);
      // The worker publishes nothing, so it can be scaled (`--scale worker=3`) on one host.
      expect(services.worker.ports ?? []).toEqual([]);
    });

    test('the Web UI talks to the temporal service and is published on 8080', () => {
      expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(services['temporal-ui'].ports).toEqual(expect.arrayContaining([expect.objectContaining({ target: 8080, published: '8080' })]));
    });

    test('PostgreSQL keeps its data in a named volume and creates the ledger database on first start', () => {
      const volumes = services.postgres.volumes ?? [];
      const data = volumes.find((v) => v.target === '/var/lib/postgresql/data');
      expect(data?.type).toBe('volume');
      expect(Object.keys(project.volumes ?? {})).toContain(data?.source);
      const init = volumes.find((v) => v.target.startsWith('/docker-entrypoint-initdb.d/'));
      expect(init?.type).toBe('bind');
      expect(env('postgres')).toEqual(
        expect.objectContaining({ LEDGER_DB_NAME: expect.any(String), LEDGER_DB_USER: expect.any(String), LEDGER_DB_PASSWORD: expect.any(String) }),
      );
    });

    test('every bind-mounted file exists in the repository, including the dynamic config the server is told to read', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const volume of service.volumes ?? []) {
          if (volume.type !== 'bind') continue;
          expect({ name, source: volume.source, exists: existsSync(volume.source ?? '') }).toEqual({ name, source: volume.source, exists: true });
          expect(volume.source?.startsWith(root)).toBe(true);
        }
      }
      const dynamicConfig = env('temporal').DYNAMIC_CONFIG_FILE_PATH ?? '';
      const mount = (services.temporal.volumes ?? []).find((v) => v.type === 'bind' && v.target === '/etc/temporal/config/dynamicconfig');
      expect(mount?.source).toBeDefined();
      expect(dynamicConfig).toBe(`config/dynamicconfig/${basename(dynamicConfig)}`);
      expect(statSync(join(mount?.source ?? '', basename(dynamicConfig))).isFile()).toBe(true);
    });

    test('the one-shot services run the scripts they mount', () => {
      for (const name of ['temporal-schema', 'temporal-namespace']) {
        const service = services[name];
        const script = (service.entrypoint ?? []).find((arg) => arg.endsWith('.sh'));
        expect({ name, script }).toEqual({ name, script: expect.any(String) });
        expect((service.volumes ?? []).map((v) => v.target)).toContain(script);
      }
    });
  });
} else {
  test('docker-compose.yml names every service (structural check; `docker compose config` is not available here)', () => {
    console.warn('docker compose config was not available (no docker CLI or no compose plugin): docker-compose.yml was checked structurally only');
    expect(existsSync(composePath)).toBe(true);
    const text = readFileSync(composePath, 'utf8');
    for (const name of SERVICES) expect({ name, found: new RegExp(`^  ${name}:\\s*$`, 'm').test(text) }).toEqual({ name, found: true });
    for (const image of text.matchAll(/^\s+image:\s*(\S+)/gm)) expectPinned(image[1]);
    // the API runs as production: the operator's identity provider is required, never a development default
    expect(text).toMatch(/^x-app-env: &app-env\n {2}NODE_ENV: production$/m);
    for (const name of ['AUTH_ISSUER', 'AUTH_JWKS_URL']) expect(text).toMatch(new RegExp(`^ {6}${name}: \\$\\{${name}:\\?[^}]+\\}$`, 'm'));
    for (const source of text.matchAll(/^\s+- (\.\/deploy\/[^:\s]+):/gm)) {
      expect({ source: source[1], exists: existsSync(join(root, source[1])) }).toEqual({ source: source[1], exists: true });
    }
  });
}

describe('Dockerfile', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  // Instructions with line continuations joined and comments dropped.
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  const globalArgs = new Map<string, string>();
  for (const line of instructions) {
    if (/^FROM\s/i.test(line)) stages.push([line]);
    else if (stages.length > 0) stages[stages.length - 1].push(line);
    else {
      const arg = /^ARG\s+(\w+)=(\S+)/i.exec(line);
      if (arg) globalArgs.set(arg[1], arg[2]);
    }
  }
  const fromImage = (stage: string[]): string =>
    stage[0].split(/\s+/)[1].replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? `<unset ${name}>`);
  const runtime = stages[stages.length - 1] ?? [];

  test('is multi-stage, from pinned Node 20 images', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expectPinned(fromImage(stage));
      expect(fromImage(stage)).toMatch(/^node:20[.\d]*-/);
    }
  });

  test('builds with npm from the lockfile and checks that the compiled entry point and workflows exist', () => {
    const build = stages.slice(0, -1).flat().join('\n');
    expect(build).toMatch(/\bnpm (ci|install)\b/);
    expect(build).toMatch(/\bnpm run build\b/);
    expect(build).toMatch(/\bnpm prune --omit=dev\b/);
    expect(build).toContain('dist/src/main.js');
    expect(build).toContain('dist/workflows');
  });

  test('the runtime stage copies the build output and runs dist/src/main.js as the non-root user node', () => {
    const copies = runtime.filter((line) => /^COPY\s+--from=/i.test(line)).join('\n');
    for (const path of ['dist', 'node_modules', 'package.json']) expect(copies).toContain(`/app/${path}`);
    const users = runtime.filter((line) => /^USER\s/i.test(line));
    expect(users[users.length - 1]).toBe('USER node');
    expect(runtime.join('\n')).toMatch(/^ENV\s+NODE_ENV=production\b/m);
    const cmd = runtime.filter((line) => /^CMD\s/i.test(line));
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].replace(/^CMD\s+/i, ''))).toEqual(['node', 'dist/src/main.js']);
  });

  test('.dockerignore keeps host modules, build output, tools and data out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.tools', 'data', '.git', 'coverage']));
  });
});
