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
}

export interface StaffActionWiring<A extends StaffAction, R> {
  rt: ProcessRuntime;
  types: readonly A['type'][];
  updates: Record<A['type'], UpdateDefinition<R, [A]>>;
  refusal: (a: A, now: string) => { code: string; message: string } | undefined;
  /** applies the action; returns the timeline summary */
  apply: (a: A, at: string) => Promise<string>;
  /** the answer to the caller, once recorded */
  respond: (a: A) => R;
  /** the process status: when an action changes it, the ProcessStatus search attribute follows */
  status: () => string;
}

export function registerStaffActions<A extends StaffAction, R>(w: StaffActionWiring<A, R>): void {
  const refuseOrThrow = (a: A) => {
    const r = w.refusal(a, w.rt.now());
    if (r) throw ApplicationFailure.create({ type: r.code, message: r.message, nonRetryable: true });
  };
  for (const type of w.types) {
    setHandler(
      w.updates[type] as UpdateDefinition<R, [A]>,
      (a: A) =>
        w.rt.exclusive(async () => {
          refuseOrThrow(a); // the state may have moved since the validator ran
          const at = a.occurredAt ? new Date(a.occurredAt).toISOString() : w.rt.now();
          const before = w.status();
          const summary = await w.apply(a, at);
          w.rt.record({ action: a.type, occurredAt: at, actor: a.actor, summary });
          if (w.status() !== before) upsertSearchAttributes([{ key: SA.processStatus, value: w.status() }]);
          return w.respond(a);
        }),
      {
        validator: (a: A) => {
          if (a.type !== type) throw new Error(`action type ${a.type} sent to update ${type}`);
          refuseOrThrow(a);
        },
      },
    );
  }
}
