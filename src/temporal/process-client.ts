/**
 * One client side for every process (docs/architecture.md "A staff action's path"): how the API,
 * the benchmarks and the tests start a process and act on it, written once.
 *
 * - **Start**: `startProcess` with REJECT_DUPLICATE (a closed process is never started again by a
 *   retried request) and the process's search attributes; a start that finds its workflow already
 *   there is the same request again, unless the workflow remembers another request's hash.
 * - **Act**: `act` sends a staff action as its Update, with one update-id scheme
 *   (`<action>:<organisation>:<Idempotency-Key>`, so another organisation's key is simply another
 *   key) and one request hash; a reused key with another body is `IDEMPOTENCY_KEY_REUSED`; the
 *   answer is compact (it is stored in the history, issue 21) and the view is read after it from
 *   the ledger, where the projection wrote it before the Update was answered (`processViewReader`:
 *   by query when the ledger does not hold that version yet), so what the caller gets reflects
 *   the action.
 * - **Errors**: one mapping of Temporal's answers to typed refusals (src/domain/refusal.ts), each
 *   process with its own not-found and closed codes; the API answers them with their status.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type Client,
  type WorkflowHandle,
  type WorkflowStartOptions,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition, type Workflow } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { DomainRefusal } from '../domain/refusal';
import type { ProcessType } from '../domain/process';
import type { Database } from '../db/schema';
import { readProcessView } from '../db/process-views';

/** How a process names itself in refusals: no such process (404), and closed (409). */
export interface ProcessNames {
  notFound: { code: string; message: string };
  closed: { code: string; message: string };
}

export const EPISODE_NAMES: ProcessNames = {
  notFound: { code: 'EPISODE_NOT_FOUND', message: 'There is no episode with that id.' },
  closed: { code: 'EPISODE_CLOSED', message: 'This episode is closed; nothing more can be recorded on it.' },
};

/** The hash of a request, to tell a reused Idempotency-Key with another body apart. */
export function requestHashOf(operation: string, ...parts: unknown[]): string {
  const text = [operation, ...parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))].join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The one update-id scheme: the key is the caller's own, scoped to their organisation and the action (issue 17). */
export function updateIdOf(action: string, organisation: string, key: string | undefined): string {
  return key ? `${action}:${organisation}:${key}` : randomUUID();
}

/** A process id derived from the caller's Idempotency-Key (so a retried start finds the same process), or a new one. */
export function processIdOf(kind: string, organisation: string, key: string | undefined): string {
  return key ? createHash('sha256').update(`${kind}:${organisation}:${key}`).digest('hex').slice(0, 32) : randomUUID();
}

export function idempotencyKeyReused(noun: string): DomainRefusal {
  return new DomainRefusal(
    'IDEMPOTENCY_KEY_REUSED',
    `This Idempotency-Key was already used for a different request on this ${noun}; nothing new was recorded. Use a new key for a new request.`,
    undefined,
    422,
  );
}

/**
 * Temporal's answer to a read or an action → a typed refusal: the workflow's own refusal is a 409
 * with its code; a workflow that has completed is `closed`; one that does not exist `notFound`.
 */
export function readError(err: unknown, names: ProcessNames): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    throw new DomainRefusal(err.cause.type ?? 'REFUSED', err.cause.message);
  }
  const msg = (err as Error)?.message ?? '';
  // an update to a closed workflow comes back as WorkflowNotFoundError('workflow execution already
  // completed'), or — when the process ended while the update was on its way — 'update <id> not found'
  if (/workflow execution already completed|already completed|^update \S+ not found/i.test(msg)) {
    throw new DomainRefusal(names.closed.code, names.closed.message);
  }
  if (err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5 || /not found/i.test(msg)) {
    throw new DomainRefusal(names.notFound.code, names.notFound.message, undefined, 404);
  }
  throw err;
}

/**
 * An Update's error, for a process the caller was just authorised for (so it exists): a "not
 * found" then means the workflow has completed — with the service's native connection the error
 * carries no message at all — and the answer is `closed`, not 404 (found by the model-based API
 * test: an action on a cancelled home-visit order answered 404).
 */
export function actionError(err: unknown, names: ProcessNames): never {
  if (err instanceof WorkflowUpdateFailedError) readError(err, names);
  const msg = (err as Error)?.message ?? '';
  if (err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5 || /not found|already completed/i.test(msg)) {
    throw new DomainRefusal(names.closed.code, names.closed.message);
  }
  readError(err, names);
}

export interface ActOptions {
  /** the action's name: its Update's name */
  type: string;
  /** the organisation the caller acts for: scopes the Idempotency-Key */
  organisation: string;
  key?: string;
  /** the request's hash (`requestHashOf`): sent with the action, echoed in its answer */
  requestHash: string;
  names: ProcessNames;
  /** the process's noun in the IDEMPOTENCY_KEY_REUSED sentence */
  noun: string;
}

/**
 * Sends a staff action and answers with what the Update answered; a reused key with another body
 * is refused (the workflow answered the first request, whose hash differs) and nothing is recorded.
 */
export async function act<R extends { requestHash?: string }, A>(handle: WorkflowHandle, update: UpdateDefinition<R, [A]>, action: A, o: ActOptions): Promise<R> {
  // The hash travels in the Update only with an Idempotency-Key: without one the Update id is new,
  // so no earlier answer can come back to compare it with, and the hash cost about 100 bytes of
  // history per action, in the argument and the answer (issue 21). The caller gets it either way.
  const answer = await handle
    .executeUpdate(update, { args: [{ ...action, ...(o.key ? { requestHash: o.requestHash } : {}) }], updateId: updateIdOf(o.type, o.organisation, o.key) })
    .catch((err) => actionError(err, o.names));
  if (answer.requestHash && answer.requestHash !== o.requestHash) throw idempotencyKeyReused(o.noun);
  return { ...answer, requestHash: answer.requestHash ?? o.requestHash };
}

/** Where the views the API answered with came from, for /metrics (`process_view_reads_total`). */
export const viewReads = { ledger: 0, query: 0 };

/**
 * Reads a process's view as staff see it (issue 21): from the ledger, where the process's
 * projection wrote it, when it shows at least version `atLeast`; otherwise — not projected yet,
 * a process projected before the ledger kept views, the ledger unreachable — by `query`, which
 * asks the workflow itself. A staff action's Update is answered only once the workflow task that
 * ran it is complete, and that task runs the projection (a local activity) first, so after an
 * action the ledger almost always holds its version already.
 */
export function processViewReader<V>(db: Kysely<Database>, processType: ProcessType, processId: string, query: () => Promise<V>): (atLeast?: number) => Promise<V> {
  return async (atLeast = 0) => {
    const stored = await readProcessView<V>(db, processType, processId).catch(() => undefined);
    if (stored && stored.version >= atLeast) {
      viewReads.ledger += 1;
      return stored.view;
    }
    viewReads.query += 1;
    return query();
  };
}

/**
 * `act`, then the process's view (`read`, at least the version the action left), with the
 * answer's request hash and warnings: the state the action left, as staff see it.
 */
export async function actAndRead<V, R extends { requestHash?: string; warnings?: string[]; version?: number }, A>(
  handle: WorkflowHandle,
  update: UpdateDefinition<R, [A]>,
  action: A,
  read: (atLeast?: number) => Promise<V>,
  o: ActOptions,
): Promise<V & { requestHash: string; warnings?: string[] }> {
  const answer = await act(handle, update, action, o);
  const v = await read(answer.version);
  // the response names the request's hash, also when the Update did not carry it (no Idempotency-Key)
  return { ...v, requestHash: answer.requestHash ?? o.requestHash, ...(answer.warnings ? { warnings: answer.warnings } : {}) };
}

/**
 * Starts a process once: REJECT_DUPLICATE, so a closed process is never started again by a retried
 * request. Answers whether it existed already; then `startRequestHash` (read from the running
 * process) must be this request's, or the key was reused for another request (422).
 */
export async function startProcess<W extends Workflow>(
  client: Client,
  workflowType: string,
  options: Omit<WorkflowStartOptions<W>, 'workflowIdReusePolicy'>,
  same?: { requestHash: string; startRequestHash: () => Promise<string | undefined>; noun: string },
): Promise<{ existed: boolean }> {
  try {
    await client.workflow.start<W>(workflowType, { ...options, workflowIdReusePolicy: 'REJECT_DUPLICATE' } as WorkflowStartOptions<W>);
    return { existed: false };
  } catch (err) {
    if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
  }
  const first = same ? await same.startRequestHash() : undefined;
  if (same && first && first !== same.requestHash) {
    throw new DomainRefusal(
      'IDEMPOTENCY_KEY_REUSED',
      `This Idempotency-Key was already used by your organisation to start a different ${same.noun}; nothing new was recorded. Use a new key for a new request.`,
      undefined,
      422,
    );
  }
  return { existed: true };
}
