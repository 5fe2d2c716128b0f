/**
 * src/db/pglite-prepared.ts on a real PGlite (a copy of the migrated ledger template): the same
 * answers and errors as PGlite's own `query`, each statement text parsed once, the number of
 * statements kept bounded, and a statement parsed before its table changed still working.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { withPreparedStatements } from '../../src/db/pglite-prepared';
import { ledgerTemplateDir } from '../helpers/paths';

let dir: string;
let raw: PGlite;
let pg: PGlite;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pglite-prepared-'));
  cpSync(process.env.LEDGER_TEMPLATE_DIR ?? ledgerTemplateDir(), dir, { recursive: true });
  raw = await PGlite.create(dir);
  pg = withPreparedStatements(raw, 3);
  await raw.exec(`create table t (id int primary key, name text, at timestamptz, doc jsonb, ok boolean, n bigint)`);
}, 60_000);

afterAll(async () => {
  await raw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const names = async () => (await raw.query<{ statement: string }>(`select statement from pg_prepared_statements order by prepare_time`)).rows.map((r) => r.statement);

it('answers as PGlite does: rows with the same types, affected rows, nulls', async () => {
  const insert = 'insert into t (id, name, at, doc, ok, n) values ($1, $2, $3, $4, $5, $6)';
  const args = [1, 'Anna', '2026-11-24T10:00:00+01:00', JSON.stringify({ a: [1, 'två'] }), true, 9007199254740993n];
  expect((await pg.query(insert, args)).affectedRows).toBe(1);
  await raw.query(insert, [2, null, null, null, null, null]);
  const select = 'select * from t where id = any($1::int[]) order by id';
  const viaPrepared = await pg.query(select, [[1, 2]]);
  const viaQuery = await raw.query(select, [[1, 2]]);
  expect(viaPrepared.rows).toEqual(viaQuery.rows);
  expect(viaPrepared.fields).toEqual(viaQuery.fields);
  expect(viaPrepared.rows[0]).toMatchObject({ id: 1, name: 'Anna', doc: { a: [1, 'två'] }, ok: true });
  expect((viaPrepared.rows[0] as { at: Date }).at.toISOString()).toBe('2026-11-24T09:00:00.000Z');
  expect((await pg.query('update t set ok = $1 where id > $2', [false, 0])).affectedRows).toBe(2);
});

it('parses a statement text once, however often it runs', async () => {
  const text = 'select name from t where id = $1';
  for (let i = 0; i < 5; i++) expect((await pg.query(text, [1])).rows).toEqual([{ name: 'Anna' }]);
  expect((await names()).filter((s) => s === text)).toHaveLength(1);
});

it('keeps at most the given number of statements, dropping the least recently used', async () => {
  for (const id of [1, 2, 3, 4]) await pg.query(`select ${id} as k where $1::int > 0`, [id]);
  const kept = await names();
  expect(kept).toHaveLength(3);
  expect(kept).not.toContain('select 1 as k where $1::int > 0');
});

it('a refused statement raises the same error as through query, and the next one works', async () => {
  const insert = 'insert into t (id, name) values ($1, $2)';
  const err = await pg.query(insert, [1, 'dubblett']).catch((e: { code?: string }) => e);
  expect(err).toMatchObject({ code: '23505' }); // unique_violation
  expect((await pg.query('select count(*)::int as c from t where id = $1', [1])).rows).toEqual([{ c: 1 }]);
});

it('inside a transaction that is rolled back nothing stays written, and the statement stays prepared', async () => {
  const insert = 'insert into t (id, name) values ($1, $2)';
  await pg.query('begin');
  await pg.query(insert, [10, 'rullas tillbaka']);
  await pg.query('rollback');
  expect((await pg.query('select count(*)::int as c from t where id = $1', [10])).rows).toEqual([{ c: 0 }]);
  await pg.query(insert, [11, 'kvar']);
  expect((await raw.query('select name from t where id = 11')).rows).toEqual([{ name: 'kvar' }]);
});

it('a statement parsed before its table changed is parsed again', async () => {
  const text = 'select * from t where id = $1';
  expect(Object.keys((await pg.query(text, [1])).rows[0] as object)).not.toContain('extra');
  await raw.exec('alter table t add column extra text');
  expect(Object.keys((await pg.query(text, [1])).rows[0] as object)).toContain('extra');
});
