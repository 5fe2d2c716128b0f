/**
 * The `Idempotency-Key` header of every write (README "API promises"): the caller's own key,
 * scoped by src/temporal/process-client.ts to their organisation and the action. A malformed key
 * is a 400 naming the header.
 */
import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { idempotencyKeyReused, processIdOf, requestHashOf } from '../temporal/process-client';
import { HttpError } from './errors';
import { IDEMPOTENCY_KEY } from './schemas/common';

export function idempotencyKey(req: Request): string | undefined {
  const key = req.header('Idempotency-Key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'header.Idempotency-Key: must be 1–128 characters of letters, digits, _ . : -', [
      { field: 'header.Idempotency-Key', message: 'must be 1–128 characters of letters, digits, _ . : -' },
    ]);
  }
  return key;
}

/** What an idempotent write answers: its status and body, kept for its retries. */
export interface WriteAnswer {
  status: number;
  body: unknown;
}

/**
 * A write that no workflow records (a downtime window, an administrator's action on a workflow, a
 * credit note, a monthly close's start), made idempotent by the caller's `Idempotency-Key` as the
 * workflow-backed writes are: the key, scoped to the caller's organisation and the operation,
 * finds the answer of the first request with it (table idempotent_requests, migration 0013), and
 * that answer is given again without running the write; the same key with another body is
 * `422 IDEMPOTENCY_KEY_REUSED`, nothing run. Without a key the write simply runs. Two copies
 * arriving at once both run before either answer is kept, so `run` makes what it records with an id
 * derived from the key where it can (a downtime window's, a note's): then the second records nothing.
 */
export async function idempotentWrite(
  db: Kysely<Database>,
  req: Request,
  w: { operation: string; organisation: string; body: unknown; noun: string },
  run: (key: string | undefined) => Promise<WriteAnswer>,
): Promise<WriteAnswer> {
  const key = idempotencyKey(req);
  if (key === undefined) return run(undefined);
  const scope = `${w.operation}:${w.organisation}:${key}`;
  const requestHash = requestHashOf(w.operation, w.body);
  const earlier = async () => {
    const row = await db.selectFrom('idempotent_requests').select(['request_hash', 'status', 'response']).where('scope', '=', scope).executeTakeFirst();
    if (row === undefined) return undefined;
    if (row.request_hash !== requestHash) throw idempotencyKeyReused(w.noun);
    return { status: row.status, body: typeof row.response === 'string' ? JSON.parse(row.response) : row.response } satisfies WriteAnswer;
  };
  const first = await earlier();
  if (first) return first;
  const answer = await run(key);
  // only answers are kept: a refusal recorded nothing, and its retry is asked again
  if (answer.status >= 300) return answer;
  const kept = await db
    .insertInto('idempotent_requests')
    .values({ scope, request_hash: requestHash, status: answer.status, response: JSON.stringify(answer.body) })
    .onConflict((oc) => oc.column('scope').doNothing())
    .returning('scope')
    .executeTakeFirst();
  // a copy that arrived at the same time kept its answer first: that one is the answer
  return kept ? answer : ((await earlier()) ?? answer);
}

/**
 * An id in a UUID's form for what a write records (a downtime window, Temporal's request id of a
 * reset): derived from the caller's Idempotency-Key, scoped to their organisation and `kind`, so a
 * retry records the same thing again (a no-op); a new one without a key.
 */
export function uuidFromKey(kind: string, organisation: string, key: string | undefined): string {
  const hex = processIdOf(kind, organisation, key).replace(/-/g, '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
