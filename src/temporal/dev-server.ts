/**
 * The embedded Temporal dev server that `npm start` runs as a child process: the Temporal CLI's
 * `server start-dev` with its SQLite file in the data directory, so workflows survive a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../logger';
import { temporalCliPath } from './tools';

export interface DevServerOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  logger: Logger;
  /** the remote codec the Web UI decodes payloads with (src/api/routes/codec.ts) */
  codecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  if (!existsSync(temporalCliPath)) {
    throw new Error(`Temporal CLI not found at ${temporalCliPath}; run \`npm run setup\` (npm start does this first)`);
  }
  for (const p of [opts.port, opts.uiPort]) {
    if (await portOpen(p)) {
      throw new Error(
        `Port ${p} is already in use (a dev server left running by an earlier npm start?). Stop that process, or set TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT, or set TEMPORAL_ADDRESS to use a running server.`,
      );
    }
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', join(opts.dataDir, 'temporal.sqlite'),
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--ui-port', String(opts.uiPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    '--log-format', 'json',
    // SQLite's write-ahead log, synced at checkpoints rather than at every commit: a crash of
    // any process loses nothing, a power loss or OS crash may lose the last moments (production
    // runs Temporal on PostgreSQL). It cut the server's CPU per staff action from about 17 to
    // 10 ms in `npm run bench:discharge`, most of it fsync's system time.
    '--sqlite-pragma', 'journal_mode=wal',
    '--sqlite-pragma', 'synchronous=normal',
    ...(opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
  ];
  // Own process group: Ctrl-C reaches only us, so the worker can drain before the server stops.
  const child: ChildProcess = spawn(temporalCliPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.logger.child({ component: 'temporal-dev-server' });
  child.stdout?.on('data', (d: Buffer) => log.debug({ out: d.toString().trim() }));
  let stopping = false;
  // while it stops, its own workers complain about the closed port: not worth a warning
  child.stderr?.on('data', (d: Buffer) => (stopping ? log.debug : log.warn).call(log, { out: d.toString().trim() }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killOnExit);

  const deadline = Date.now() + 60_000;
  let early: number | null | undefined;
  exited.then((code) => { early = code; });
  while (!(await portOpen(opts.port))) {
    if (early !== undefined) throw new Error(`Temporal dev server exited during start-up with code ${early}`);
    if (Date.now() > deadline) { killOnExit(); throw new Error('Temporal dev server did not listen within 60 s'); }
    await new Promise((r) => setTimeout(r, 200));
  }
  log.info({ port: opts.port, uiPort: opts.uiPort }, 'Temporal dev server started');

  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: `http://127.0.0.1:${opts.uiPort}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(killOnExit, 10_000);
      await exited;
      clearTimeout(timer);
      log.info('Temporal dev server stopped');
    },
  };
}
