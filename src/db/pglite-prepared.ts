/**
 * The embedded ledger's statements as named prepared statements.
 *
 * PGlite's `query` treats every call as a new statement, in six separate round trips into the
 * database (parse, describe, bind, describe, execute, sync): Postgres parses, analyses and plans
 * it every time. The ledger sends the same few statement texts over and over (the write after
 * every staff action above all), so this wrapper parses each text once, under a name, and then
 * executes it in one round trip: bind, describe, execute, sync. Results are read with PGlite's
 * own parsers (`parse.parseResults`, the instance's `parsers` and `serializers`), so rows look
 * exactly as `query` returns them.
 *
 * Measured on the ledger's episode write (a CTE updating the episode and upserting an
 * obligation from JSON): about 0.9–1.2 ms of CPU per statement through `query`, about
 * 0.17–0.25 ms prepared (a scratch script, 1500 statements × 3).
 *
 * Only `query(text, params)` without options takes this path (that is how Kysely's PGlite
 * dialect calls it); everything else goes to PGlite unchanged. Prepared statements live in the
 * database session, not in a transaction, so a rollback does not lose them.
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

interface Prepared {
  name: string;
  /** type ids of the parameters, as Postgres inferred them at parse */
  paramTypes: number[];
}

/** "cached plan must not change result type": a table changed under a prepared statement (a migration) */
const PLAN_CHANGED = '0A000';

/** The PGlite instance with `query` going through named prepared statements; at most `max` are kept. */
export function withPreparedStatements(pg: PGlite, max = 500): PGlite {
  const prepared = new Map<string, Prepared>(); // insertion order = least recently used first
  let counter = 0;

  const message = (...parts: Uint8Array[]) => Buffer.concat(parts);
  const deallocate = (name: string) => pg.execProtocol(message(serialize.close({ type: 'S', name }), serialize.sync()));

  async function prepare(text: string): Promise<Prepared> {
    const name = `ledger_${++counter}`;
    const { messages } = await pg.execProtocol(message(serialize.parse({ name, text, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()));
    const p = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    prepared.set(text, p);
    if (prepared.size > max) {
      const [oldestText, oldest] = prepared.entries().next().value!;
      prepared.delete(oldestText);
      await deallocate(oldest.name);
    }
    return p;
  }

  async function execute(text: string, params: unknown[]): Promise<Results> {
    let p = prepared.get(text);
    if (p) {
      prepared.delete(text); // most recently used goes last
      prepared.set(text, p);
    } else {
      p = await prepare(text);
    }
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = pg.serializers[p.paramTypes[i]!];
      return serializer ? serializer(v) : String(v);
    });
    const { messages } = await pg.execProtocol(
      message(serialize.bind({ statement: p.name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()),
    );
    return parse.parseResults(messages, pg.parsers)[0]!;
  }

  const query = async (text: string, params: unknown[] = [], options?: unknown): Promise<Results> => {
    if (options !== undefined) return pg.query(text, params, options as never);
    return pg.runExclusive(async () => {
      try {
        return await execute(text, params);
      } catch (err) {
        if ((err as { code?: string }).code !== PLAN_CHANGED || !prepared.has(text)) throw err;
        // parsed before a migration changed its table: parse it again, once
        const stale = prepared.get(text)!;
        prepared.delete(text);
        await deallocate(stale.name);
        return execute(text, params);
      }
    });
  };

  return new Proxy(pg, {
    get(target, prop) {
      if (prop === 'query') return query;
      const v = Reflect.get(target, prop); // PGlite's getters read private fields: `this` must be PGlite itself
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
