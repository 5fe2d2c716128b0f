/**
 * The ledger backends a test suite runs against: PGlite always, PostgreSQL only when
 * `TEST_DATABASE_URL` is set (then its cases exist; otherwise they are not registered at all).
 *
 * Every `freshLocation()` is an empty ledger: a new temporary directory for PGlite, a new schema
 * (selected through the connection's search_path) for PostgreSQL, so a shared test database is
 * never wiped. PostgreSQL sessions run in a far-off time zone to prove that stored instants and
 * dates do not depend on the server's.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { openLedger, type LedgerOptions, type LedgerStore } from '../../src/db/ledger';

export interface Backend {
  name: 'pglite' | 'postgres';
  freshLocation(): Promise<LedgerOptions>;
  /** removes every location handed out */
  cleanup(): Promise<void>;
}

/** A time zone 14 hours east of UTC: a date shift would show immediately. */
export const FAR_TIME_ZONE = 'Pacific/Kiritimati';

function pgliteBackend(): Backend {
  const dirs: string[] = [];
  let template: Promise<string> | undefined;
  /**
   * PGlite's initdb takes seconds; reopening a directory takes a fraction of that. So one empty
   * (initdb-only, unmigrated) database is made per test file and copied for every location.
   */
  const emptyDatabase = async (): Promise<string> => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-template-'));
    dirs.push(dir);
    await (await PGlite.create(dir)).close();
    return dir;
  };
  return {
    name: 'pglite',
    async freshLocation() {
      template ??= emptyDatabase();
      const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
      dirs.push(dir);
      cpSync(await template, join(dir, 'ledger'), { recursive: true });
      return { dataDir: join(dir, 'ledger') };
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresBackend(url: string): Backend {
  const schemas: string[] = [];
  const admin = async <T>(fn: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'postgres',
    async freshLocation() {
      const schema = `ledger_test_${process.pid}_${Date.now()}_${schemas.length}`;
      await admin((c) => c.query(`create schema ${schema}`));
      schemas.push(schema);
      const u = new URL(url);
      u.searchParams.set('options', `-c search_path=${schema} -c TimeZone=${FAR_TIME_ZONE}`);
      return { databaseUrl: u.toString() };
    },
    async cleanup() {
      const drop = schemas.splice(0);
      if (drop.length > 0) await admin(async (c) => { for (const s of drop) await c.query(`drop schema ${s} cascade`); });
    },
  };
}

export function ledgerBackends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  return url ? [pgliteBackend(), postgresBackend(url)] : [pgliteBackend()];
}

/**
 * A ledger on `backend` for one describe block: opened (migrated) before its tests, closed and the
 * backend cleaned up after them. The returned store forwards to the one opened in `beforeAll`.
 */
export function useLedgerOn(backend: Backend): LedgerStore {
  let store: LedgerStore | undefined;
  beforeAll(async () => {
    store = await openLedger(await backend.freshLocation());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });
  return new Proxy({} as LedgerStore, {
    get(_target, key) {
      if (!store) throw new Error('the ledger is opened in beforeAll: use it inside a test or hook');
      const v = (store as unknown as Record<string | symbol, unknown>)[key];
      return typeof v === 'function' ? v.bind(store) : v;
    },
  });
}
