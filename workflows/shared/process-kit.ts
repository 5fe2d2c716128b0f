/**
 * What every process on the ProcessRuntime has alike, written once: its runtime (how a missed
 * obligation is described on its deviation), its staff's deviation actions (001 §3: every
 * professional involved reports deviations; a coordinator or the responsible party closes one,
 * docs/domain.md §6), and the wiring of its actions and reads. A process's workflow file is then
 * its state, its handlers in flowchart order, and its `done`.
 */
import { setHandler, type QueryDefinition } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor, ProcessType, Refusal, RuleVersion } from '../../src/domain/process';
import { closeDeviation, type Obligation, type Party } from '../../src/domain/obligations';
import { ProcessRuntime, type RuntimeState } from './process-runtime';
import { compactAnswer, registerStaffActions, type StaffAction, type StaffActionAnswer } from './staff-actions';
import { registerCoordinatorActions } from './coordinator-actions';

/** A process's descriptions of its obligations by kind; any other kind is "… not done by <date>". */
const describeWith =
  (byKind: Record<string, (o: Obligation) => string>) =>
  (o: Obligation): string =>
    (byKind[o.kind] ?? ((x: Obligation) => `${x.kind} not done by ${x.dueLocalDate}`))(o);

/** Who a process is to its runtime: its type and id, its start input (region, escalation period), its descriptions, its projection. */
export interface ProcessHost {
  processType: ProcessType;
  processId: string;
  input: { region: string; settings: { escalationWeekdays: number } };
  /** how a missed obligation of each kind is described on its deviation */
  describe: Record<string, (o: Obligation) => string>;
  /** write the process's current state to the ledger (a local activity, idempotent by version) */
  project: () => Promise<void>;
}

/** The process's ProcessRuntime on its state (created where the process begins: it decides the back-registration patch). */
export function processRuntime(s: RuntimeState, h: ProcessHost): ProcessRuntime {
  return new ProcessRuntime(s, {
    processType: h.processType,
    processId: h.processId,
    region: h.input.region,
    escalationWeekdays: h.input.settings.escalationWeekdays,
    describe: describeWith(h.describe),
    project: h.project,
  });
}

/** A process's staff actions, one handler per type: applies the action at its real time `at` and returns the timeline summary. */
export type ActionHandlers<A extends { type: string }> = { [K in A['type']]: (a: Extract<A, { type: K }>, at: string) => Promise<string> };

/** The `reportDeviation` and `closeDeviation` staff actions, the same in every process. */
export function deviationHandlers(rt: ProcessRuntime) {
  return {
    async reportDeviation(a: { responsible: Party; description: string; actor?: Actor }, at: string): Promise<string> {
      await rt.reportDeviation({ type: 'MANUAL', responsible: a.responsible, description: a.description, occurredAt: at, reportedBy: a.actor?.userId });
      return 'Deviation reported';
    },
    async closeDeviation(a: { deviationId: string; comment: string; actor?: Actor }, at: string): Promise<string> {
      closeDeviation(rt.tracking, a.deviationId, a.actor?.userId ?? 'unknown', a.comment, at);
      return 'Deviation closed';
    },
  };
}

/** What a process's contract and rules give its wiring (`wireProcess`). */
export interface ProcessWiring<S extends { status: string }, A extends StaffAction, I extends object, V, Q extends { now: string }, X> {
  /** the action types, and one Update per type */
  types: readonly A['type'][];
  updates: { [K in A['type']]: UpdateDefinition<NoInfer<StaffActionAnswer & I>, [Extract<A, { type: K }>]> };
  /** the pure refusal rule (the validator's, asked again by the handler) */
  refusal: (s: S, a: A, now: string, rules: RuleVersion) => Refusal | undefined;
  handlers: ActionHandlers<A>;
  /** the process's id in every answer, e.g. `{ episodeId }` */
  identity: I;
  /** the warnings an action raised, handed over once with its answer */
  takeWarnings?: () => string[];
  /** once an action is recorded, before it is answered (e.g. a search attribute that follows it) */
  recorded?: (a: A) => void;
  /** the query of the process's view */
  viewQuery: QueryDefinition<V>;
  view: (s: S) => V;
  /** the query of the actions the state allows now (the workspace's buttons, issue 19) */
  allowedQuery: QueryDefinition<X, [Q]>;
  allowed: (s: S, now: string, rules: RuleVersion, q: Q) => X;
}

/**
 * Wires a process's actions and reads, in this order (handlers registered in another order would
 * take a buffered update-with-start in another order): its staff actions (workflows/shared/
 * staff-actions.ts), the coordinators' actions on its deviations (§6, shared by every process),
 * the query of its view, the query of its allowed actions. Refusal rules added since apply to
 * processes started since (`rt.judging`): histories replay.
 */
export function wireProcess<S extends { status: string }, A extends StaffAction, I extends object, V, Q extends { now: string }, X>(rt: ProcessRuntime, s: S, w: ProcessWiring<S, A, I, V, Q, X>): void {
  const handle = (a: A, at: string) => (w.handlers[a.type as A['type']] as (a: A, at: string) => Promise<string>)(a, at);
  registerStaffActions<A, StaffActionAnswer & I>({
    rt,
    types: w.types,
    updates: w.updates as never,
    refusal: (a, now) => w.refusal(s, a, now, { realTimes: rt.judging }),
    apply: handle,
    status: () => s.status,
    recorded: w.recorded,
    respond: compactAnswer(rt, w.identity, () => s.status, w.takeWarnings),
  });
  registerCoordinatorActions(rt, () => s.status);
  setHandler(w.viewQuery, () => w.view(s));
  setHandler(w.allowedQuery, (q) => w.allowed(s, q.now, { realTimes: rt.judging }, q));
}
