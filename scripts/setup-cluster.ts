/**
 * Installs what `npm run cluster` needs beyond `scripts/setup.mjs`, idempotently, from the Go module
 * proxy only, at the versions docker-compose.yml runs (scripts/lib/cluster-config.ts):
 *   - the Temporal server (`go.temporal.io/server/cmd/server`, the binary of the temporalio/server image),
 *   - its SQL schema tool (`go.temporal.io/server/cmd/tools/sql`, `temporal-sql-tool` of temporalio/admin-tools),
 *   - the module's `config/docker.yaml` (the configuration template the server image starts with) and
 *     `schema/postgresql/v12` (the schema files admin-tools carries),
 *   - the Temporal Web UI server (`github.com/temporalio/ui-server/v2/cmd/server`, the temporalio/ui
 *     image's binary; the module carries the built UI) and its `config/docker.yaml`.
 * Go's build cache (GOCACHE, default ~/.cache/go-build) is left where it is, so a second checkout on
 * the same machine links the binaries again in seconds instead of compiling for minutes.
 * A failure is one line naming what to do; the Web UI is optional (the cluster runs without it).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clusterToolPaths, composeVersions, readCompose } from './lib/cluster-config';

class SetupError extends Error {}
const log = (msg: string) => console.log(`[setup] ${msg}`);

/** `go` on PATH, or the official tarball's place. */
function goBinary(): string {
  for (const candidate of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(candidate, ['version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new SetupError('Go is not installed (needed to build the Temporal server from the Go module proxy): install Go 1.24 or newer (https://go.dev/dl, or apt-get install golang-go) and run `npm run cluster` again');
}

function goInstall(go: string, pkg: string, version: string, binary: string, target: string): void {
  const work = mkdtempSync(join(tmpdir(), 'go-install-'));
  try {
    const r = spawnSync(go, ['install', `${pkg}@v${version}`], { env: { ...process.env, GOBIN: work }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      const last = (r.stderr ?? '').trim().split('\n').pop();
      throw new SetupError(`\`go install ${pkg}@v${version}\` failed (${last}); check \`go env GOPROXY\` and run \`npm run cluster\` again`);
    }
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(work, binary), target); // a half-built binary is never taken as installed
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The module's source directory in Go's module cache (downloaded through the proxy if missing). */
function moduleDir(go: string, module: string, version: string): string {
  const r = spawnSync(go, ['mod', 'download', '-json', `${module}@v${version}`], { encoding: 'utf8', cwd: tmpdir() });
  const dir = r.status === 0 ? (JSON.parse(r.stdout) as { Dir?: string }).Dir : undefined;
  if (!dir) throw new SetupError(`\`go mod download ${module}@v${version}\` failed; check \`go env GOPROXY\` and run \`npm run cluster\` again`);
  return dir;
}

function timed(name: string, fn: () => boolean): void {
  const started = Date.now();
  if (fn()) log(`${name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  else log(`${name}: already installed`);
}

export function setupCluster(): void {
  const versions = composeVersions(readCompose());
  const tools = clusterToolPaths(versions);
  const serverModule = 'go.temporal.io/server';
  timed(`Temporal server ${versions.temporalServer} (Go module proxy)`, () => {
    if (existsSync(tools.server) && existsSync(tools.sqlTool) && existsSync(join(tools.serverConfigDir, 'docker.yaml')) && existsSync(tools.schemaDir)) return false;
    const go = goBinary();
    const src = moduleDir(go, serverModule, versions.temporalServer);
    cpSync(join(src, 'config', 'docker.yaml'), join(tools.serverConfigDir, 'docker.yaml'));
    cpSync(join(src, 'schema', 'postgresql', 'v12'), tools.schemaDir, { recursive: true });
    goInstall(go, `${serverModule}/cmd/tools/sql`, versions.temporalServer, 'sql', tools.sqlTool);
    goInstall(go, `${serverModule}/cmd/server`, versions.temporalServer, 'server', tools.server);
    return true;
  });
  const uiModule = 'github.com/temporalio/ui-server/v2';
  try {
    timed(`Temporal Web UI ${versions.ui} (Go module proxy)`, () => {
      if (existsSync(tools.ui) && existsSync(join(tools.uiConfigDir, 'docker.yaml'))) return false;
      const go = goBinary();
      const src = moduleDir(go, uiModule, versions.ui);
      cpSync(join(src, 'config', 'docker.yaml'), join(tools.uiConfigDir, 'docker.yaml'));
      goInstall(go, `${uiModule}/cmd/server`, versions.ui, 'server', tools.ui);
      return true;
    });
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    log(`Temporal Web UI ${versions.ui}: not installed, the cluster runs without it (${err.message})`);
  }
}

if (require.main === module) {
  try {
    setupCluster();
  } catch (err) {
    if (err instanceof SetupError) {
      console.error(`[setup] FAILED — ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
