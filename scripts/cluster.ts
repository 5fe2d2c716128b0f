/**
 * `npm run cluster`: the production layout of docker-compose.yml, really run on this machine without
 * Docker (issue 20). Everything is read from docker-compose.yml (scripts/lib/cluster-config.ts) and
 * runs in the order of compose's `depends_on`:
 *
 *   PostgreSQL (the machine's Debian package; data in DATA_DIR/cluster/postgres; on first
 *   initialisation deploy/postgres/init-ledger.sh creates the ledger's role and database)
 *   → deploy/temporal/setup-postgres.sh with temporal-sql-tool (Temporal's schema, idempotent)
 *   → the Temporal server (go.temporal.io/server, config/docker.yaml, the image's template)
 *   → deploy/temporal/create-namespace.sh (waits until the cluster serves, registers the namespace)
 *   → the Temporal Web UI server (if it was installed)
 *   → worker 1 (registers search attributes and Schedules, migrates the ledger), then worker 2
 *     and the two API processes.
 *
 * The two API processes share one port through Node's own `cluster` module (the primary — this
 * process — accepts connections and hands them round-robin to the API processes): no proxy to
 * install or configure, and an API process that dies loses only its own in-flight requests while
 * the other keeps serving. Like compose's `restart: unless-stopped`, a process that exits on its
 * own is started again.
 *
 * Ctrl-C (or SIGTERM) stops in the reverse order: API processes (they stop taking requests), the
 * Web UI, the workers (they drain), the Temporal server, PostgreSQL. Logs of every process are in
 * DATA_DIR/cluster/logs. A start-up failure is one line on stderr and exit code 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { clusterPlan, temporalInternalPorts, type ClusterPlan } from './lib/cluster-config';
import { lastLine, Postgres, StartupError } from './lib/cluster-postgres';
import { postgresBinDir } from './lib/local-postgres';
import { projectRoot } from '../src/temporal/tools';
import { loadOrCreateDevKey } from '../src/auth/tokens';


const say = (msg: string) => console.log(`[cluster] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Is `port` free on `host`? (bind and release) */
function portFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

async function checkPorts(plan: ClusterPlan): Promise<void> {
  const internal = temporalInternalPorts(plan.ports.temporal);
  const wanted: Array<[number, string, string, string | undefined]> = [
    [plan.ports.api, 'HTTP API', 'PORT', undefined],
    [plan.ports.postgres, 'PostgreSQL', 'CLUSTER_POSTGRES_PORT', '127.0.0.1'],
    [plan.ports.temporal, 'Temporal frontend gRPC', 'CLUSTER_TEMPORAL_PORT', '127.0.0.1'],
    ...Object.entries(internal).map(([k, p]) => [p, `Temporal ${k.toLowerCase().replace(/_/g, ' ')}, derived from the frontend port`, 'CLUSTER_TEMPORAL_PORT', '127.0.0.1'] as [number, string, string, string]),
    [plan.ports.ui, 'Temporal Web UI', 'CLUSTER_UI_PORT', undefined],
    [plan.ports.workerMetrics, 'worker 1 metrics', 'CLUSTER_WORKER_METRICS_PORT', '127.0.0.1'],
    [plan.ports.workerMetrics + 1, 'worker 2 metrics', 'CLUSTER_WORKER_METRICS_PORT', '127.0.0.1'],
    ...(plan.idp ? [[plan.idp.port, 'local development identity provider', 'CLUSTER_IDP_PORT', '127.0.0.1'] as [number, string, string, string]] : []),
  ];
  for (const [port, what, variable, host] of wanted) {
    if (!(await portFree(port, host))) throw new StartupError(`port ${port} (${what}) is in use: stop what uses it, or set ${variable} to another port`);
  }
}

function checkTools(plan: ClusterPlan): void {
  const t = plan.tools;
  for (const [path, what] of [[t.server, 'the Temporal server'], [t.sqlTool, 'temporal-sql-tool'], [join(t.serverConfigDir, 'docker.yaml'), 'the Temporal server configuration'], [t.cli, 'the Temporal CLI']] as const) {
    if (!existsSync(path)) throw new StartupError(`${what} is not installed (${relative(projectRoot, path)}): run \`npm run cluster\`, which installs it first (\`tsx scripts/setup-cluster.ts\`)`);
  }
  if (!postgresBinDir()) throw new StartupError('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): apt-get install postgresql');
  if (spawnSync('psql', ['--version'], { stdio: 'ignore' }).status !== 0) throw new StartupError('psql is not installed (it runs deploy/postgres/init-ledger.sh): apt-get install postgresql-client');
}


/** The Temporal server's last fatal or error entry (its log is JSON lines), as one line. */
function serverError(file: string): string {
  const entries = (existsSync(file) ? readFileSync(file, 'utf8') : '').split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as { level?: string; msg?: string; error?: string }];
    } catch {
      return [];
    }
  });
  const worst = [...entries].reverse().find((e) => e.level === 'fatal') ?? [...entries].reverse().find((e) => e.level === 'error');
  return worst ? `${worst.msg}${worst.error ? `: ${worst.error}` : ''}` : 'no error in its log';
}

/**
 * Why a one-shot script failed, in one line: the database's own refusal when there is one
 * (temporal-sql-tool's last line only says "no usable database connection found"), else its last line.
 */
function oneShotCause(output: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '').replace(/\\"/g, '"');
  const refusal = plain.match(/password authentication failed for user "[^"]*"|database "[^"]*" does not exist|connection refused|no pg_hba\.conf entry[^"\]\n]*/);
  return refusal ? `PostgreSQL refused: ${refusal[0]}` : lastLine(plain);
}

/** A log file per process under DATA_DIR/cluster/logs. */
function logStream(plan: ClusterPlan, name: string): WriteStream {
  return createWriteStream(join(plan.clusterDir, 'logs', `${name}.log`), { flags: 'a' });
}

/** Runs a one-shot shell script (compose's one-shot services), its output into its log. */
function runOneShot(plan: ClusterPlan, name: string, script: string, env: Record<string, string>, child?: { proc: ChildProcess; name: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = logStream(plan, name);
    let output = '';
    const p = spawn('/bin/sh', [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer) => {
      output += d.toString();
      log.write(d);
    };
    p.stdout.on('data', collect);
    p.stderr.on('data', collect);
    // a server that dies while the script waits for it fails the start at once
    const died = () => {
      const file = join(plan.clusterDir, 'logs', `${child!.name}.log`);
      reject(new StartupError(`${child!.name} exited while ${name} waited for it: ${serverError(file)} (log: ${file})`));
    };
    child?.proc.once('exit', died);
    p.once('exit', (code) => {
      child?.proc.off('exit', died);
      log.end();
      if (code === 0) resolve();
      else reject(new StartupError(`${name} failed: ${oneShotCause(output)} (log: ${join(plan.clusterDir, 'logs', `${name}.log`)})`));
    });
  });
}

interface Supervised {
  name: string;
  /** the current process */
  proc?: ChildProcess;
  worker?: ClusterWorker;
  start: () => void;
  /** resolves on the next exit of the current process */
  exited?: Promise<void>;
  restarts: number;
}

async function main(): Promise<void> {
  const started = Date.now();
  let plan: ClusterPlan;
  try {
    plan = clusterPlan(process.env);
  } catch (err) {
    console.error(`Start-up failed: ${(err as Error).message}`);
    process.exit(2);
  }
  mkdirSync(join(plan.clusterDir, 'logs'), { recursive: true });
  const pg = new Postgres(plan, join(plan.clusterDir, 'logs', 'postgres.log'));
  const supervised: Supervised[] = [];
  /** name → pid of every running process, in DATA_DIR/cluster/processes.json (for operators and the fault tests) */
  const pids: Record<string, number> = {};
  const recordPid = (name: string, pid: number | undefined) => {
    if (pid === undefined) delete pids[name];
    else pids[name] = pid;
    // written aside and renamed: a reader never sees a half-written file
    const file = join(plan.clusterDir, 'processes.json');
    writeFileSync(`${file}.part`, `${JSON.stringify({ supervisor: process.pid, ...pids }, null, 2)}\n`);
    renameSync(`${file}.part`, file);
  };
  let stopping = false;
  let pgRunning = false;
  let idpServer: Server | undefined;

  /** Starts a supervised process and restarts it when it exits on its own (compose: restart: unless-stopped). */
  const supervise = (s: Omit<Supervised, 'restarts'>): Supervised => {
    const entry: Supervised = { ...s, restarts: 0 };
    supervised.push(entry);
    return entry;
  };
  const watch = (entry: Supervised, exited: Promise<{ code: number | null; signal: string | null }>) => {
    entry.exited = exited.then(({ code, signal }) => {
      if (stopping) return;
      entry.restarts += 1;
      say(`${entry.name} exited (${signal ?? `code ${code}`}); starting it again in 1 s (restart ${entry.restarts})`);
      setTimeout(() => {
        if (!stopping) entry.start();
      }, 1000);
    });
  };

  const spawnLogged = (entry: Supervised, command: string, args: string[], env: Record<string, string>, onOutput?: (text: string) => void, cwd = projectRoot) => {
    const log = logStream(plan, entry.name);
    // its own process group: Ctrl-C in the terminal reaches only us, and we stop things in order
    const proc = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc.stdout!.on('data', (d: Buffer) => {
      log.write(d);
      onOutput?.(d.toString());
    });
    proc.stderr!.on('data', (d: Buffer) => {
      log.write(d);
      onOutput?.(d.toString());
    });
    entry.proc = proc;
    recordPid(entry.name, proc.pid);
    watch(entry, new Promise((resolve) => proc.once('exit', (code, signal) => {
      recordPid(entry.name, undefined);
      log.end();
      resolve({ code, signal });
    })));
    return proc;
  };

  /** Waits until the process prints `Utskrivning is running`, or fails with its start-up line. */
  const appReady = (name: string, output: () => string, exited: Promise<unknown>) =>
    Promise.race([
      (async () => {
        while (!output().includes('Utskrivning is running')) await sleep(100);
      })(),
      exited.then(() => {
        const failure = output().split('\n').find((l) => l.startsWith('Start-up failed') || /^[A-Z_]+: /.test(l));
        throw new StartupError(`${name} stopped during start-up: ${failure ?? lastLine(output())} (log: ${join(plan.clusterDir, 'logs', `${name}.log`)})`);
      }),
    ]);

  // Node with tsx's loader (`node --import tsx`), not the tsx CLI: the CLI relays signals to its child
  // and SIGKILLs it when the child does not acknowledge within 30 ms, which a busy worker may not.
  const nodeWithTsx = ['--import', 'tsx'];
  const appEnv = (env: Record<string, string>) => ({ ...env, LOG_LEVEL: process.env.LOG_LEVEL || env.LOG_LEVEL || 'info' });

  let stopped: Promise<void> | undefined;
  /** Stops everything once; a second call (a second Ctrl-C, a failure during the stop) waits for the same stop. */
  const stopAll = (why: string) => (stopped ??= stopInOrder(why));
  const stopInOrder = async (why: string) => {
    stopping = true;
    say(`stopping (${why}): API processes, Web UI, workers, Temporal server, PostgreSQL`);
    const stopGroup = async (names: RegExp, graceMs: number) => {
      const group = supervised.filter((s) => names.test(s.name));
      for (const s of group) {
        if (s.worker && !s.worker.isDead()) s.worker.process.kill('SIGTERM');
        else if (s.proc && s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
      }
      const all = Promise.all(group.map((s) => s.exited));
      const timedOut = await Promise.race([all.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        for (const s of group) {
          s.worker?.process.kill('SIGKILL');
          s.proc?.kill('SIGKILL');
        }
        await all;
      }
      if (group.length) say(`stopped ${group.map((s) => s.name).join(', ')}`);
    };
    await stopGroup(/^api-/, 15_000);
    await stopGroup(/^temporal-ui$/, 5_000);
    await stopGroup(/^worker-/, 40_000); // the workers' shutdownGraceTime, as compose's stop_grace_period
    await stopGroup(/^temporal$/, 30_000);
    if (pgRunning) {
      pg.stop();
      say('stopped PostgreSQL');
    }
    if (idpServer) await new Promise((r) => idpServer!.close(r));
    say('stopped');
  };

  process.on('SIGINT', () => void stopAll('SIGINT').then(() => process.exit(0)));
  process.on('SIGTERM', () => void stopAll('SIGTERM').then(() => process.exit(0)));

  try {
    checkTools(plan);
    await checkPorts(plan);

    // PostgreSQL, first initialisation as the postgres image's entrypoint does it
    const fresh = !pg.initialised;
    if (fresh) pg.init();
    pg.start();
    pgRunning = true;
    if (fresh) {
      await runOneShot(plan, 'postgres-init', plan.postgres.initScript, {
        ...plan.postgres.env,
        PGHOST: pg.socketDir,
        PGPORT: String(plan.ports.postgres),
      });
    }
    say(`PostgreSQL ${pg.version} ${fresh ? 'initialised and ' : ''}running on 127.0.0.1:${plan.ports.postgres} (data ${pg.data})`);

    await runOneShot(plan, 'temporal-schema', plan.schema.script, plan.schema.env);
    say('Temporal schema set up (deploy/temporal/setup-postgres.sh, temporal-sql-tool)');

    const temporal = supervise({
      name: 'temporal',
      start: () => {
        spawnLogged(temporal, plan.tools.server, ['--root', plan.tools.serverDir, '--config', 'config', '--env', 'docker', '--allow-no-auth', 'start'], plan.temporal.env);
      },
    });
    temporal.start();
    await runOneShot(plan, 'temporal-namespace', plan.namespace.script, plan.namespace.env, { proc: temporal.proc!, name: 'temporal' });
    say(`Temporal server ${plan.versions.temporalServer} serving on ${plan.temporal.address}, namespace ${plan.namespace.name}`);

    const uiInstalled = existsSync(plan.tools.ui) && existsSync(join(plan.tools.uiConfigDir, 'docker.yaml'));
    if (uiInstalled) {
      const ui = supervise({
        name: 'temporal-ui',
        start: () => {
          spawnLogged(ui, plan.tools.ui, ['--root', plan.tools.uiDir, '--config', 'config', '--env', 'docker', 'start'], plan.ui.env);
        },
      });
      ui.start();
    }

    // CLUSTER_LOCAL_IDP=1: the development key's public half as the API's identity provider (JWKS)
    if (plan.idp) {
      const key = await loadOrCreateDevKey(plan.idp.keyFile);
      const jwks = JSON.stringify({ keys: [key.publicJwk] });
      const server = createHttpServer((req, res) => {
        if (req.method === 'GET' && req.url === new URL(plan.idp!.jwksUrl).pathname) res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(jwks);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err) => reject(new StartupError(`the local development identity provider cannot listen on 127.0.0.1:${plan.idp!.port}: ${err.message}; set CLUSTER_IDP_PORT to another port`)));
        server.listen(plan.idp!.port, '127.0.0.1', () => resolve());
      });
      idpServer = server;
      say(`local development identity provider (CLUSTER_LOCAL_IDP=1): ${plan.idp.jwksUrl}, the public key of ${relative(projectRoot, plan.idp.keyFile) || plan.idp.keyFile}`);
    }

    // workers: the first alone (it registers search attributes and Schedules and migrates the ledger),
    // then the second together with the API processes. Each (re)start runs the build named in
    // DATA_DIR/cluster/worker-build (a rolling deploy: write a new build's directory there, then
    // stop the workers one after the other), or this checkout.
    const workerBuild = () => {
      const file = join(plan.clusterDir, 'worker-build');
      const dir = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
      return dir || projectRoot;
    };
    const startWorker = (i: number) => {
      let output = '';
      const entry: Supervised = supervise({
        name: `worker-${i + 1}`,
        start: () => {
          output = '';
          const build = workerBuild();
          if (build !== projectRoot) say(`${entry.name} starts from the build in ${build}`);
          spawnLogged(entry, process.execPath, [...nodeWithTsx, join(build, 'src', 'main.ts')], appEnv(plan.workers[i]!.env), (t) => (output += t), build);
        },
      });
      entry.start();
      return appReady(entry.name, () => output, entry.exited!);
    };
    await startWorker(0);
    say('worker 1 ready');

    // API processes: Node's cluster module; this process holds the shared port
    cluster.setupPrimary({ exec: join(projectRoot, 'src', 'main.ts'), execArgv: nodeWithTsx, cwd: projectRoot, silent: true });
    const startApi = (i: number) => {
      let output = '';
      const entry: Supervised = supervise({
        name: `api-${i + 1}`,
        start: () => {
          output = '';
          const log = logStream(plan, entry.name);
          const w = cluster.fork(appEnv(plan.api.env));
          const onData = (d: Buffer) => {
            log.write(d);
            output += d.toString();
          };
          w.process.stdout!.on('data', onData);
          w.process.stderr!.on('data', onData);
          entry.worker = w;
          recordPid(entry.name, w.process.pid);
          watch(entry, new Promise((resolve) => w.once('exit', (code, signal) => {
            recordPid(entry.name, undefined);
            log.end();
            resolve({ code, signal });
          })));
        },
      });
      entry.start();
      return appReady(entry.name, () => output, entry.exited!);
    };
    await Promise.all([startWorker(1), startApi(0), startApi(1)]);

    const api = plan.api.url;
    console.log(
      [
        '',
        `  Utskrivning is running (cluster: Temporal server ${plan.versions.temporalServer} on PostgreSQL ${pg.version}, 2 workers, 2 API processes) — started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `  API              ${api}   (2 processes, one port)`,
        `  API docs         ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
        `  Health, metrics  ${api}/health   ${api}/metrics`,
        uiInstalled ? `  Temporal Web UI  ${plan.ui.url}` : '  Temporal Web UI  not installed (see [setup] above); `temporal workflow list --address …` works',
        `  Temporal gRPC    ${plan.temporal.address}   (namespace ${plan.namespace.name})`,
        `  PostgreSQL       127.0.0.1:${plan.ports.postgres}   (Temporal persistence and visibility, ledger database ${plan.postgres.env.LEDGER_DB_NAME})`,
        `  Codec login      ${api}/codec/login   (administrators; lets the Web UI decode payloads)`,
        plan.idp
          ? '  Sign-in          local development identity provider (CLUSTER_LOCAL_IDP=1, never in production): npm run token -- --role inpatientStaff --organisation SE2321000115-AVD7 --region gavleborg'
          : `  Sign-in          tokens of ${plan.api.env.AUTH_ISSUER} (JWKS ${plan.api.env.AUTH_JWKS_URL})`,
        `  Data             ${plan.dataDir}   (logs in ${join(plan.clusterDir, 'logs')})`,
        '  Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  } catch (err) {
    if (stopped) return void (await stopped); // interrupted during start-up: the signal handler exits
    const message = err instanceof StartupError ? err.message : (err as Error).stack ?? String(err);
    console.error(`Start-up failed: ${message}`);
    await stopAll('start-up failed');
    process.exit(1);
  }
}

if (cluster.isPrimary) void main();
