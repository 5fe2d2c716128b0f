/**
 * A throwaway PostgreSQL server from the machine's own packages (Debian `postgresql-15`, on the
 * machine image), for the test suite and the billing benchmark: the ledger's production backend
 * (DATABASE_URL) exercised with the same migrations as the embedded PGlite, without Docker.
 *
 * The cluster lives in a temporary directory and listens on a free loopback port only; `stop()`
 * shuts it down and removes it. PostgreSQL refuses to run as root, so as root the cluster is
 * owned by and run as the `postgres` system user the package created.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface LocalPostgres {
  url: string;
  /** the cluster's data directory: the server's command line names it (e.g. to find its processes) */
  dataDir: string;
  /** stops the server and removes the cluster */
  stop(): void;
  /** stops the server but keeps the cluster (a database outage, for fault tests) */
  pause(): void;
  /** starts the paused server again on the same port */
  resume(): void;
}

/** The newest installed server's bin directory, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return r.status === 0 && g.status === 0 ? { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) } : undefined;
}

/** Starts a fresh cluster on `port`; throws with what to install when PostgreSQL is missing. */
export function startLocalPostgres(port: number): LocalPostgres {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server not found under /usr/lib/postgresql (Debian package postgresql: apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'ledger-postgres-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  const owner = asRoot ? systemUser('postgres') : undefined;
  if (asRoot && !owner) throw new Error('running as root but there is no `postgres` system user to run PostgreSQL as');
  if (owner) {
    chmodSync(dir, 0o755);
    chownSync(dir, owner.uid, owner.gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(join(bin, cmd), args, { stdio: 'pipe', ...(owner ? { uid: owner.uid, gid: owner.gid } : {}), env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  run('initdb', ['-D', data, '-U', 'ledger', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = () => run('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
  const halt = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  // loopback only, no unix socket outside the cluster's own directory; fsync off: throwaway data
  start();
  let running = true;
  let removed = false;
  return {
    url: `postgres://ledger@127.0.0.1:${port}/postgres`,
    dataDir: data,
    pause() {
      if (running) halt();
      running = false;
    },
    resume() {
      if (!running && !removed) start();
      running = true;
    },
    stop() {
      if (removed) return;
      removed = true;
      try {
        if (running) halt();
      } finally {
        running = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
