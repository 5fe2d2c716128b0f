/**
 * The `Idempotency-Key` header of every write (README "API promises"): the caller's own key,
 * scoped by src/temporal/process-client.ts to their organisation and the action. A malformed key
 * is a 400 naming the header.
 */
import { randomUUID } from 'node:crypto';
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
 * workflow-backed writes are: the key, scoped to the caller's organisation and the operation, is
 * claimed in the ledger before the write runs (table idempotent_requests, migration 0013) and
 * answered there after it. A retry, or a copy arriving while the first still runs, gets the
 * first's answer without running the write; the same key with another body is
 * `422 IDEMPOTENCY_KEY_REUSED`, nothing run. A write that is refused or fails gives its claim
 * back (it recorded nothing), so its retry runs again; a claim left by a process that died
 * half-way is taken over after CLAIM_EXPIRES_MS. Without a key the write simply runs.
 */
export async function idempotentWrite(
  db: Kysely<Database>,
  req: Request,
  w: { operation: string; organisation: string; body: unknown },
  run: (key: string | undefined) => Promise<WriteAnswer>,
): Promise<WriteAnswer> {
  const key = idempotencyKey(req);
  if (key === undefined) return run(undefined);
  const scope = `${w.operation}:${w.organisation}:${key}`;
  const requestHash = requestHashOf(w.operation, w.body);
  for (const waitUntil = Date.now() + WAIT_MS; ; ) {
    const claimed = await db
      .insertInto('idempotent_requests')
      .values({ scope, request_hash: requestHash })
      .onConflict((oc) => oc.column('scope').doNothing())
      .returning('scope')
      .executeTakeFirst();
    if (claimed) break;
    const row = await db.selectFrom('idempotent_requests').select(['request_hash', 'status', 'response', 'claimed_at']).where('scope', '=', scope).executeTakeFirst();
    if (row === undefined) continue; // given back just now: claim it
    if (row.request_hash !== requestHash) throw idempotencyKeyReused('endpoint');
    if (row.status !== null) return { status: row.status, body: typeof row.response === 'string' ? JSON.parse(row.response) : row.response };
    // the first copy is still running: wait for its answer, or take over a claim its process left behind
    if (Date.now() - Date.parse(String(row.claimed_at)) > CLAIM_EXPIRES_MS) {
      const taken = await db.updateTable('idempotent_requests').set({ claimed_at: new Date().toISOString() }).where('scope', '=', scope).where('status', 'is', null).where('claimed_at', '=', row.claimed_at).returning('scope').executeTakeFirst();
      if (taken) break;
    }
    if (Date.now() > waitUntil) throw new HttpError(409, 'REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being carried out; ask again in a moment to get its answer.');
    await new Promise((r) => setTimeout(r, 100));
  }
  let answer: WriteAnswer;
  try {
    answer = await run(key);
  } catch (err) {
    await db.deleteFrom('idempotent_requests').where('scope', '=', scope).where('status', 'is', null).execute();
    throw err;
  }
  await db.updateTable('idempotent_requests').set({ status: answer.status, response: JSON.stringify(answer.body), answered_at: new Date().toISOString() }).where('scope', '=', scope).execute();
  return answer;
}

/** How long a copy waits for the first request with its key to be answered. */
const WAIT_MS = 30_000;
/** A claim older than this, still unanswered, was left by a process that stopped half-way. */
const CLAIM_EXPIRES_MS = 120_000;

/**
 * An id in a UUID's form for what a write records (a downtime window): derived from the caller's
 * Idempotency-Key, scoped to their organisation and `kind`, so a retry records the same thing
 * again (a no-op); a new one without a key.
 */
export function uuidFromKey(kind: string, organisation: string, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const hex = processIdOf(kind, organisation, key);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
