/**
 * The episode ledger store (docs/domain.md §8, docs/architecture.md "The episode ledger"): PGlite in the
 * data directory by default, PostgreSQL when a connection URL is given. Both run the same
 * migrations at start-up and return the same value shapes, so billing, indicators and tests
 * never care which one they talk to.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Dialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { Pool, types as pgTypes } from 'pg';
import { migrations } from './migrations';
import type { Database } from './schema';

export type { Database } from './schema';
export * from './projection';
export { upsertEpisode, getEpisode, listEpisodesDischargedBetween } from './discharge';

export interface LedgerOptions {
  /** postgres:// URL → PostgreSQL through a pg Pool; otherwise PGlite */
  databaseUrl?: string;
  /**
   * PGlite's directory (created if missing); undefined → an in-memory database. PGlite is
   * in-process: one process per directory, so separate API and worker processes need PostgreSQL.
   */
  dataDir?: string;
  /**
   * PostgreSQL only: an idle pooled connection broke (server restart, network). The pool drops
   * it and the next query reconnects; without a listener pg would crash the process. Pass the
   * logger here; `ping()` is what reports a lasting outage.
   */
  onConnectionError?: (err: Error) => void;
}

export interface LedgerStore {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** a round trip to the database, for readiness checks */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the ledger and brings its schema up to date; a failed migration is a start-up error. */
export async function openLedger(opts: LedgerOptions): Promise<LedgerStore> {
  const kind = opts.databaseUrl ? 'postgres' : 'pglite';
  const dialect = opts.databaseUrl ? postgresDialect(opts.databaseUrl, opts.onConnectionError) : await pgliteDialect(opts.dataDir);
  const db = new Kysely<Database>({ dialect });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    db,
    kind,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * Applies the migrations not yet applied and returns their names ([] when already current).
 * Kysely takes a database lock (an advisory lock on PostgreSQL) so the API and worker processes
 * may both start at once.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results = [] } = await (await ledgerMigrator(db)).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`ledger migration ${failed ?? '(before any migration ran)'} failed: ${why}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Kysely's Migrator over the ledger's migrations, for start-up and for tools (e.g. migrateDown).
 *
 * Its bookkeeping tables are pinned to the connection's current schema: left alone, Kysely
 * takes a `kysely_migration` table in *any* schema of the database as its own, and then fails
 * (or skips migrations) when the ledger lives in a schema of its own.
 */
export async function ledgerMigrator(db: Kysely<Database>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const migrationTableSchema = rows[0]?.schema;
  if (!migrationTableSchema) throw new Error('ledger: the connection has no current schema (check search_path)');
  return new Migrator({ db, migrationTableSchema, provider: { getMigrations: async () => migrations } });
}

/*
 * Value shapes. Both drivers would turn `timestamptz` and `date` into JS Dates; a Date for a
 * calendar date is a trap (it is midnight in *some* time zone). The ledger speaks strings:
 * instants as ISO UTC, dates exactly as PostgreSQL prints them ('YYYY-MM-DD', DateStyle ISO).
 * `bigint` (count(*), sums) becomes a number; amounts are in öre and stay far below 2^53.
 */
const OID = { INT8: 20, DATE: 1082, TIMESTAMPTZ: 1184 } as const;

const parseInt8 = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`ledger: bigint ${v} does not fit a JS number`);
  return n;
};
const parseDate = (v: string): string => v;
/** pg's own timestamptz parser (it knows PostgreSQL's output format), used for both backends. */
const pgTimestamptz = pgTypes.getTypeParser(OID.TIMESTAMPTZ, 'text');
const parseTimestamptz = (v: string): string => (pgTimestamptz(v) as Date).toISOString();
const parsers: Record<number, (v: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMPTZ]: parseTimestamptz,
};

function postgresDialect(connectionString: string, onConnectionError: (err: Error) => void = () => {}): Dialect {
  // Per pool, not pg's global `types.setTypeParser`: other pg users in the process keep defaults.
  const pool = new Pool({
    connectionString,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pgTypes.getTypeParser(oid, format ?? 'text')) as typeof pgTypes.getTypeParser,
    },
  });
  // An idle client's lost connection is reported on the pool, a checked-out one's on the client
  // itself: without a listener there, a database restart mid-transaction would crash the process
  // (found by test/e2e/faults.test.ts). The query in flight fails instead, and its activity retries.
  pool.on('error', onConnectionError);
  pool.on('connect', (client) => client.on('error', onConnectionError));
  return new PostgresDialect({ pool });
}

/** The embedded ledger's page cache (issue 21: the service's memory at idle). */
export const PGLITE_SHARED_BUFFERS = '16MB';

async function pgliteDialect(dataDir: string | undefined): Promise<Dialect> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  // `create` waits until the database is ready, so a corrupt or locked directory fails here.
  // PostgreSQL's default shared_buffers (128 MB) is memory the embedded ledger holds for pages it
  // rarely has: the ledger of a whole region's month is a few tens of MB, and PGlite keeps its files
  // in the process anyway. 16 MB took about 130 MB off the service's idle RSS (issue 21).
  const options = { parsers, postgresqlconf: [`shared_buffers = ${PGLITE_SHARED_BUFFERS}`] };
  const pglite = dataDir === undefined ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  // statements go through PGlite's own `query`: a wrapper that parsed each text once as a named
  // prepared statement was removed after bench:discharge ran no faster with it (issue 18, BENCHMARKS.md)
  return new PGliteDialect(pglite);
}
