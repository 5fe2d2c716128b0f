/**
 * The PostgreSQL server of `npm run cluster` (scripts/cluster.ts): the machine's Debian package,
 * its cluster in DATA_DIR/cluster/postgres so that a restart keeps every database, listening on
 * 127.0.0.1 only. Exported for the fault tests, which stop and start it as an outage.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { ClusterPlan } from './cluster-config';
import { postgresBinDir } from './local-postgres';

/** A start-up failure: printed as one line, no stack. */
export class StartupError extends Error {}

/** The last meaningful line of a log, for a one-line failure. */
export function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '(no output)';
}

/** PostgreSQL in DATA_DIR/cluster/postgres; run as the `postgres` user when we are root (it refuses root). */
export class Postgres {
  readonly data: string;
  readonly socketDir: string;
  private readonly bin = postgresBinDir()!;
  private readonly owner: { uid: number; gid: number } | undefined;
  readonly version: string;

  constructor(private readonly plan: ClusterPlan, private readonly logFile: string) {
    this.data = join(plan.clusterDir, 'postgres');
    this.socketDir = join(plan.clusterDir, 'postgres-run');
    this.version = this.bin.split('/').slice(-2)[0]!;
    if (userInfo().uid === 0) {
      const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      if (uid.status !== 0) throw new StartupError('running as root, and PostgreSQL refuses root, but there is no `postgres` system user to run it as (apt-get install postgresql creates it)');
      this.owner = { uid: Number(uid.stdout), gid: Number(gid.stdout) };
    }
  }

  private run(cmd: string, args: string[]): { ok: boolean; output: string } {
    const r = spawnSync(join(this.bin, cmd), args, { encoding: 'utf8', ...(this.owner ?? {}), env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
  }

  private own(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (this.owner) chownSync(dir, this.owner.uid, this.owner.gid);
  }

  get initialised(): boolean {
    return existsSync(join(this.data, 'PG_VERSION'));
  }

  /** initdb with compose's superuser and password (POSTGRES_USER, POSTGRES_PASSWORD of the postgres service). */
  init(): void {
    this.own(this.socketDir);
    if (this.owner && spawnSync('test', ['-w', this.plan.clusterDir], { uid: this.owner.uid, gid: this.owner.gid }).status !== 0) {
      // the postgres user must reach DATA_DIR/cluster: make it reachable (not readable) on the way
      chmodSync(this.plan.clusterDir, 0o755);
      if (spawnSync('test', ['-x', this.plan.clusterDir], { uid: this.owner.uid, gid: this.owner.gid }).status !== 0) {
        throw new StartupError(`the postgres user cannot reach ${this.plan.clusterDir} (a directory on the way is not searchable by others): use a DATA_DIR it can reach, e.g. under /var/tmp`);
      }
    }
    this.own(this.data);
    const pwfile = join(this.socketDir, 'pwfile');
    writeFileSync(pwfile, this.plan.postgres.password, { mode: 0o600 });
    if (this.owner) chownSync(pwfile, this.owner.uid, this.owner.gid);
    try {
      // scram-sha-256 over TCP as the postgres image sets up; trust on the Unix socket in our own
      // directory (for init-ledger.sh and pg_ctl)
      const r = this.run('initdb', ['-D', this.data, '-U', this.plan.postgres.superuser, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8']);
      if (!r.ok) throw new StartupError(`PostgreSQL initdb in ${this.data} failed: ${lastLine(r.output)}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  start(): void {
    this.own(this.socketDir);
    // the server writes its log itself, as the postgres user
    if (!existsSync(this.logFile)) writeFileSync(this.logFile, '');
    if (this.owner) chownSync(this.logFile, this.owner.uid, this.owner.gid);
    const fsync = process.env.CLUSTER_POSTGRES_FSYNC === 'off' ? ' -c fsync=off -c synchronous_commit=off' : '';
    // Temporal's four services each pool up to 20 + 10 connections (config/docker.yaml, SQL_MAX_CONNS),
    // the ledger's pools come on top: more than the default 100.
    const options = `-p ${this.plan.ports.postgres} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c max_connections=300${fsync}`;
    const r = this.run('pg_ctl', ['-D', this.data, '-w', '-t', '60', '-l', this.logFile, '-o', options, 'start']);
    if (!r.ok) {
      const said = `${r.output}\n${existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : ''}`;
      throw new StartupError(`PostgreSQL did not start: ${lastLine(said.split('\n').filter((l) => /FATAL|could not|already|in use/.test(l) && !l.startsWith('pg_ctl: could not start')).join('\n') || r.output)} (log: ${this.logFile})`);
    }
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }
}

