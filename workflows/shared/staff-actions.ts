/**
 * Staff actions as Workflow Updates, the same way in every process (docs/architecture.md "Staff
 * actions are Workflow Updates with validators"): one Update per action type; the validator asks
 * the process's pure `refusal` rule (a refusal is never recorded); the handler runs exclusively,
 * checks again (the state may have moved since validation), applies the action at its real
 * time (`occurredAt`, for back-registration), records it on the timeline and answers.
 */
import { ApplicationFailure, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../../src/temporal/search-attributes';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../../src/domain/process';
import type { ProcessRuntime } from './process-runtime';

export interface StaffAction {
  type: string;
  occurredAt?: string;
  actor?: Actor;
  /** the request's hash (Idempotency-Key): echoed in the answer, so the API tells a reused key with another body apart */
  requestHash?: string;
}

/**
 * What every staff action's Update answers, in every process: that it was recorded, not the
 * process. An Update's answer is stored in the history; the full view was three quarters of an
 * episode's history bytes (issue 21). The caller reads the view by query after the answer
 * (src/temporal/process-client.ts `act`), so what it sees reflects the action. Histories
 * recorded before hold full views as answers; those have every field of this one.
 */
export interface StaffActionAnswer {
  /** the process's version once this action was recorded */
  version: number;
  status: string;
  /** the hash of the request this answers */
  requestHash?: string;
  /** accepted with a warning (e.g. a meeting outside weekdays, daytime: 001 §5) */
  warnings?: string[];
}

export interface StaffActionWiring<A extends StaffAction, R> {
  rt: ProcessRuntime;
  types: readonly A['type'][];
  updates: Record<A['type'], UpdateDefinition<R, [A]>>;
  refusal: (a: A, now: string) => { code: string; message: string } | undefined;
  /** applies the action; returns the timeline summary */
  apply: (a: A, at: string) => Promise<string>;
  /** the process status: when an action changes it, the ProcessStatus search attribute follows */
  status: () => string;
  /** once the action is recorded, before it is answered (e.g. a search attribute that follows it) */
  recorded?: (a: A) => void;
  /** the answer to the caller, once recorded: a process's staff actions answer `compactAnswer` */
  respond: (a: A) => R;
}

/**
 * The answer of a process's staff actions: its id (e.g. `{ episodeId }`), version and status,
 * the request's hash, and the warnings the action raised (`takeWarnings` hands each over once).
 */
export function compactAnswer<I extends object, S extends string>(rt: ProcessRuntime, identity: I, status: () => S, takeWarnings?: () => string[]) {
  return (a: StaffAction): StaffActionAnswer & I & { status: S } => {
    const warnings = takeWarnings?.() ?? [];
    return { ...identity, version: rt.state.version, status: status(), ...(a.requestHash ? { requestHash: a.requestHash } : {}), ...(warnings.length ? { warnings } : {}) };
  };
}

/**
 * One Update per action type, each with a validator that asks the pure `refusal` rule (a refusal
 * is never recorded: the caller gets its code and sentence) and a handler that asks it again (the
 * state may have moved since validation) before `handle`. Every process's actions are wired by
 * this, the monthly close's review actions included.
 */
export function registerActionUpdates<A extends { type: string }, R>(w: {
  types: readonly A['type'][];
  updates: Record<A['type'], UpdateDefinition<R, [A]>>;
  refusal: (a: A) => { code: string; message: string } | undefined;
  handle: (a: A, refuseOrThrow: (a: A) => void) => R | Promise<R>;
}): void {
  const refuseOrThrow = (a: A) => {
    const r = w.refusal(a);
    if (r) throw ApplicationFailure.create({ type: r.code, message: r.message, nonRetryable: true });
  };
  for (const type of w.types) {
    setHandler(w.updates[type] as UpdateDefinition<R, [A]>, (a: A) => w.handle(a, refuseOrThrow), {
      validator: (a: A) => {
        if (a?.type !== type) throw new Error(`action type ${String(a?.type)} sent to update ${type}`);
        refuseOrThrow(a);
      },
    });
  }
}

export function registerStaffActions<A extends StaffAction, R>(w: StaffActionWiring<A, R>): void {
  registerActionUpdates<A, R>({
    types: w.types,
    updates: w.updates,
    refusal: (a) => w.refusal(a, w.rt.now()),
    handle: (a, refuseOrThrow) =>
      w.rt.exclusive(async () => {
        refuseOrThrow(a); // the state may have moved since the validator ran
        const at = a.occurredAt ? new Date(a.occurredAt).toISOString() : w.rt.now();
        const before = w.status();
        const summary = await w.apply(a, at);
        w.rt.record({ action: a.type, occurredAt: at, actor: a.actor, summary });
        if (w.status() !== before) upsertSearchAttributes([{ key: SA.processStatus, value: w.status() }]);
        w.recorded?.(a);
        return w.respond(a);
      }),
  });
}
