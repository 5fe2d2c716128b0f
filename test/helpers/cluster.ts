/**
 * `npm run cluster` as a child process, for the cluster end-to-end suite (test/e2e/cluster.test.ts):
 * `tsx scripts/cluster.ts` (what the npm script runs after setup) with its own DATA_DIR and free
 * ports, so it never collides with a developer's cluster or `npm start`. Its API runs as production
 * with the local development identity provider (CLUSTER_LOCAL_IDP=1), whose JWKS is the test
 * run's development key (AUTH_DEV_KEY_FILE, test/helpers/auth.ts), so the tests' tokens are accepted.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, portOpen, serviceEnv } from '../../scripts/lib/service';
import { clusterPlan, temporalInternalPorts, type ClusterPlan } from '../../scripts/lib/cluster-config';
import { Postgres } from '../../scripts/lib/cluster-postgres';
import { projectRoot } from '../../src/temporal/tools';
import { testKeyFile } from './auth';

/** The cluster's payload key in the tests: the test's client reads the histories with it (`dataConverter(CLUSTER_TEST_PAYLOAD_KEYS)`). */
export const CLUSTER_TEST_PAYLOAD_KEYS = `cluster-test-1:${createHash('sha256').update('npm run cluster in the tests: payload key').digest('base64')}`;

export class ClusterRun {
  proc!: ChildProcess;
  private output = '';
  exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly plan: ClusterPlan;

  private constructor(readonly dataDir: string, readonly env: Record<string, string>) {
    this.plan = clusterPlan({ ...env, PATH: process.env.PATH });
  }

  /** Free ports for everything, the Temporal server's derived ones included. */
  private static async ports(): Promise<Record<string, string>> {
    for (;;) {
      const [api, ui, postgres, metrics, idp] = await freePorts(5);
      // the server's membership ports (frontend − 300 …) must fit a smallint (cluster-config.ts): not an ephemeral port
      const temporal = 20_000 + Math.floor(Math.random() * 12_000);
      const derived = [temporal, ...Object.values(temporalInternalPorts(temporal)), metrics! + 1];
      if (!(await Promise.all(derived.map(portOpen))).some(Boolean)) {
        return { PORT: String(api), CLUSTER_TEMPORAL_PORT: String(temporal), CLUSTER_UI_PORT: String(ui), CLUSTER_POSTGRES_PORT: String(postgres), CLUSTER_WORKER_METRICS_PORT: String(metrics), CLUSTER_IDP_PORT: String(idp) };
      }
    }
  }

  static async start(opts: { dataDir?: string; extraEnv?: Record<string, string>; timeoutMs?: number } = {}): Promise<ClusterRun> {
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cluster-e2e-'));
    chmodSync(dataDir, 0o755); // the postgres user must reach DATA_DIR/cluster
    const env = {
      ...(await ClusterRun.ports()),
      DATA_DIR: dataDir,
      // the API runs as production (compose's NODE_ENV) with the local development identity
      // provider, which publishes the test run's development key (AUTH_DEV_KEY_FILE)
      CLUSTER_LOCAL_IDP: '1',
      AUTH_DEV_KEY_FILE: testKeyFile(),
      // the payload key the test's own client decrypts with (production refuses the public development one)
      PAYLOAD_KEYS: CLUSTER_TEST_PAYLOAD_KEYS,
      // throwaway data: PostgreSQL without fsync, as the other tests' PostgreSQL
      CLUSTER_POSTGRES_FSYNC: 'off',
      ...opts.extraEnv,
    };
    const run = new ClusterRun(dataDir, env);
    await run.launch(opts.timeoutMs);
    return run;
  }

  /** Starts the supervisor and waits for its banner; fails with its output if it exits first. */
  async launch(timeoutMs = 240_000): Promise<void> {
    this.output = '';
    // as package.json's `cluster` script runs it (node with tsx's loader)
    this.proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], { cwd: projectRoot, env: serviceEnv({ ...this.env, LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    const proc = this.proc;
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    let exit: unknown;
    void this.exited.then((e) => (exit = e));
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('Utskrivning is running (cluster')) {
      if (exit) throw new Error(`npm run cluster exited during start-up (${JSON.stringify(exit)}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`npm run cluster not up within ${timeoutMs / 1000} s:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get base(): string {
    return `http://127.0.0.1:${this.plan.ports.api}`;
  }

  log(): string {
    return this.output;
  }

  /** The supervisor's record of its processes (DATA_DIR/cluster/processes.json). */
  processes(): Record<string, number> {
    return JSON.parse(readFileSync(join(this.plan.clusterDir, 'processes.json'), 'utf8')) as Record<string, number>;
  }

  /** A signal to one supervised process, by name (`worker-1`, `api-2`, `temporal`, …); returns its pid. */
  kill(name: string, signal: NodeJS.Signals): number {
    const pid = this.processes()[name];
    if (!pid) throw new Error(`no running process ${name}: ${JSON.stringify(this.processes())}`);
    process.kill(pid, signal);
    return pid;
  }

  /** Waits until the supervisor has started `name` again (a pid other than `old`). */
  async restarted(name: string, old: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = this.processes()[name];
      if (pid && pid !== old) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} was not started again within ${timeoutMs / 1000} s`);
  }

  /** The cluster's PostgreSQL, to stop and start it as an outage. */
  postgres(): Postgres {
    return new Postgres(this.plan, join(this.plan.clusterDir, 'logs', 'postgres.log'));
  }

  /** Ctrl-C: SIGINT to the supervisor (its own process group, as the terminal would), then its exit. */
  async interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    try {
      process.kill(-this.proc.pid!, 'SIGINT');
    } catch {
      /* gone */
    }
    return this.exited;
  }

  /** Stops it (if running) and removes DATA_DIR. */
  async destroy(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const timer = setTimeout(() => this.killAll(), 90_000);
      await this.interrupt();
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Last resort: every recorded process and PostgreSQL. */
  private killAll(): void {
    try {
      for (const pid of Object.values(this.processes())) process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    this.postgres().stop();
  }
}
