/**
 * The service as production runs it, on one machine, for tests that break or inspect whole
 * processes: a Temporal dev server with its SQLite file, a PostgreSQL ledger (a throwaway server
 * from the machine's package), and the service (`tsx src/main.ts`, worker and API) as a child
 * process using both through TEMPORAL_ADDRESS and DATABASE_URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePorts, spawnService, type ServiceProcess } from '../../scripts/lib/service';
import { startLocalPostgres, type LocalPostgres } from '../../scripts/lib/local-postgres';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { dataConverter } from '../../src/temporal/codec';
import { createLogger } from '../../src/logger';

export class RealStack {
  /** set when the service exits without being killed by the test: a crash */
  crashed: string | undefined;
  svc: ServiceProcess | undefined;
  dev: DevServer | undefined;
  private logs = '';

  private constructor(
    readonly dir: string,
    readonly ports: { dev: number; ui: number; api: number; metrics: number; pg: number },
    readonly pg: LocalPostgres,
    private readonly logLevel: string,
    private readonly env: Record<string, string> = {},
  ) {}

  /** `env`: more of the service's configuration (src/config.ts), e.g. RATE_LIMIT_PER_MINUTE */
  static async start(opts: { logLevel?: string; env?: Record<string, string> } = {}): Promise<RealStack> {
    const dir = mkdtempSync(join(tmpdir(), 'real-stack-'));
    const [dev, ui, api, metrics, pg] = await freePorts(5);
    const stack = new RealStack(dir, { dev: dev!, ui: ui!, api: api!, metrics: metrics!, pg: pg! }, startLocalPostgres(pg!), opts.logLevel ?? 'error', opts.env);
    await stack.startTemporal();
    stack.startService();
    await stack.waitHealthy();
    return stack;
  }

  get base(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  /** Everything the service processes printed so far (all of them, across restarts). */
  serviceLog(): string {
    return this.logs + (this.svc ? this.svc.out() + this.svc.err() : '');
  }

  async startTemporal(): Promise<void> {
    this.dev = await startDevServer({ dataDir: join(this.dir, 'temporal'), port: this.ports.dev, uiPort: this.ports.ui, namespace: 'default', logger: createLogger('silent') });
  }

  async stopTemporal(): Promise<void> {
    await this.dev?.stop();
    this.dev = undefined;
  }

  startService(): void {
    if (this.svc) this.logs += this.svc.out() + this.svc.err();
    const s = spawnService({
      ROLE: 'all',
      PORT: String(this.ports.api),
      DATA_DIR: join(this.dir, 'service'),
      TEMPORAL_ADDRESS: `127.0.0.1:${this.ports.dev}`,
      TEMPORAL_METRICS_BIND: `127.0.0.1:${this.ports.metrics}`,
      DATABASE_URL: this.pg.url,
      LOG_LEVEL: this.logLevel,
      ...this.env,
    });
    void s.exited.then(({ code, signal }) => {
      if (signal !== 'SIGKILL' && this.svc === s) this.crashed = `the service exited by itself (code ${code}, signal ${signal})\n${s.err().slice(-3000)}`;
    });
    this.svc = s;
  }

  /** SIGKILL to the whole process group (tsx runs the service in a child process of its own). */
  async killService(): Promise<void> {
    const s = this.svc;
    if (!s) return;
    try { process.kill(-s.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    await s.exited;
  }

  async waitHealthy(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.crashed) throw new Error(this.crashed);
      try {
        if ((await fetch(`${this.base}/health`, { signal: AbortSignal.timeout(3000) })).status === 200) return;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`service not healthy within ${timeoutMs / 1000} s\n${this.svc?.err().slice(-2000)}`);
  }

  /** A Temporal client of the stack's server: with the service's payload codec, or `raw` to see what the server stores. */
  async client(opts: { raw?: boolean } = {}): Promise<{ client: Client; close: () => Promise<void> }> {
    const connection = await Connection.connect({ address: `127.0.0.1:${this.ports.dev}` });
    return { client: new Client({ connection, ...(opts.raw ? {} : { dataConverter: dataConverter() }) }), close: () => connection.close() };
  }

  async stop(): Promise<void> {
    await this.killService().catch(() => undefined);
    await this.stopTemporal();
    this.pg.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
