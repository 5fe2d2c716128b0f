/**
 * Running the service as `npm start` does (after setup), as a child process on free ports with
 * its own data directory: used by the end-to-end test and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../src/temporal/tools';

/** `count` distinct ports that are free right now (bound to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2000, () => { socket.destroy(); resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** The environment of the child: the caller's, minus anything that would point it elsewhere. */
export function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(TEMPORAL_|DATABASE_URL$|REGIONS_FILE$|ROLE$|PORT$|DATA_DIR$|LOG_LEVEL$|JEST_|NODE_OPTIONS$|BENCH_)/.test(k)) delete env[k];
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

export interface ServiceProcess {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `tsx src/main.ts` in the project root, in its own process group (Ctrl-C is relayed by us). */
export function spawnService(env: Record<string, string>): ServiceProcess {
  const tsx = join(projectRoot, 'node_modules', '.bin', 'tsx');
  const proc = spawn(process.execPath, [tsx, 'src/main.ts'], { cwd: projectRoot, env: serviceEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, out: () => out, err: () => err, exited };
}
