/**
 * Thin helpers around the two real Temporal servers the tests use. Kept in one file so that
 * moving from the Java time-skipping server to time skipping in the real server is one change
 * (docs/architecture.md "Testing").
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { UpdateDefinition, Workflow } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { ensureSearchAttributes, searchAttributeTypes } from '../../src/temporal/search-attributes';
import { testServerPath, temporalCliPath } from '../../src/temporal/tools';
import { dataConverter } from '../../src/temporal/codec';
import { describeFailure, replayHistories, type ReplaySource } from '../../src/temporal/replay';
import { createWorker } from '../../workers/worker';
import type { ActivityDeps } from '../../activities';
import type { LedgerStore } from '../../src/db/ledger';
import { openTestLedger } from './ledger';
import { BUNDLE_PATH } from './paths';

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed in this worker process */
  }
}

/** Java time-skipping test server from Maven Central: timers pass instantly while workflows wait. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath } },
    client: { dataConverter: dataConverter() }, // the same payload encryption as the workers
  });
  // The Java test server has AddSearchAttributes but not ListSearchAttributes.
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes: searchAttributeTypes() });
  return env;
}

/** The real Temporal CLI dev server (in memory), for update/validator paths and API tests. */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath }, log: { format: 'json', level: 'error' } },
    client: { dataConverter: dataConverter() },
  });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The workflow bundle built once by the global set-up. */
export function workflowBundle() {
  return { codePath: BUNDLE_PATH };
}

/** What a test may set on its worker (the rest is as `npm start` runs it). */
export interface WorkerOptions {
  workflowStackTraces?: boolean;
  maxCachedWorkflows?: number;
}

let queueSeq = 0;
/** A worker on a fresh task queue running the real workflows and activities. */
export async function startWorker(
  env: TestWorkflowEnvironment,
  deps: ActivityDeps,
  opts: WorkerOptions = {},
): Promise<{ worker: Worker; taskQueue: string; run: Promise<void> }> {
  const taskQueue = `test-${process.pid}-${++queueSeq}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps,
    workflowBundle: workflowBundle(),
    workflowStackTraces: opts.workflowStackTraces,
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
  const run = worker.run();
  return { worker, taskQueue, run };
}

export interface WorkflowTestContext {
  env: TestWorkflowEnvironment;
  ledger: LedgerStore;
  worker: Worker;
  taskQueue: string;
}

/**
 * Registers beforeAll/afterAll for a workflow test file: a time-skipping server (or the dev
 * server), a copy of the migrated ledger, and a worker with the real activities. The returned
 * object is filled in before the first test runs.
 */
export function useWorkflowTestContext(server: 'timeSkipping' | 'dev' = 'timeSkipping', workerOptions: WorkerOptions = {}): WorkflowTestContext {
  const ctx = {} as WorkflowTestContext;
  let run: Promise<void> | undefined;
  beforeAll(async () => {
    ctx.env = server === 'dev' ? await devServerEnv() : await timeSkippingEnv();
    ctx.ledger = await openTestLedger();
    const started = await startWorker(ctx.env, { ledger: ctx.ledger, calendar: { invitationCutoff: '14:00' } }, workerOptions);
    ctx.worker = started.worker;
    ctx.taskQueue = started.taskQueue;
    run = started.run;
  });
  afterAll(async () => {
    ctx.worker?.shutdown();
    await run;
    try {
      if (ctx.env) await expectEveryHistoryReplays(ctx.env);
    } finally {
      await ctx.ledger?.close();
      await ctx.env?.teardown();
    }
  });
  return ctx;
}

/** Every run on the server, open and closed (the time-skipping server has no visibility queries, only these lists). */
async function* historiesOfEveryWorkflow(env: TestWorkflowEnvironment): AsyncIterable<ReplaySource> {
  const namespace = env.namespace ?? 'default';
  const svc = env.connection.workflowService;
  const open = (nextPageToken?: Uint8Array) => svc.listOpenWorkflowExecutions({ namespace, maximumPageSize: 1000, nextPageToken });
  const closed = (nextPageToken?: Uint8Array) => svc.listClosedWorkflowExecutions({ namespace, maximumPageSize: 1000, nextPageToken });
  for (const list of [open, closed]) {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await list(nextPageToken);
      for (const e of page.executions ?? []) {
        const workflowId = e.execution!.workflowId!;
        const history = await env.client.workflow.getHandle(workflowId, e.execution!.runId!).fetchHistory();
        yield { workflowId, history, source: 'server' };
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  }
}

/**
 * Every workflow this server ran must replay on the code that ran it, from its history alone: a
 * worker that restarts (or evicts a process from its cache) rebuilds the state that way, at any
 * point of the process's life. A live run can pass where a replay diverges, when concurrent parts
 * of a workflow (staff actions, the main loop) issue commands in an order that depends on timing.
 */
export async function expectEveryHistoryReplays(env: TestWorkflowEnvironment): Promise<void> {
  const summary = await replayHistories({ workflowBundle: workflowBundle() }, historiesOfEveryWorkflow(env));
  if (summary.failures.length > 0) {
    throw new Error(`${summary.failures.length} of ${summary.replayed} histories do not replay:\n${summary.failures.map((f) => `  ${describeFailure(f)}`).join('\n')}`);
  }
}

/**
 * Starts a workflow with a staff action in the same call (update-with-start): the action shares
 * the workflow's very first activation with its start. Returns the action's answer.
 */
export async function actWithStart<R, A>(ctx: WorkflowTestContext, update: UpdateDefinition<R, [A]>, action: A, workflow: string | Workflow, workflowId: string, input: unknown): Promise<R> {
  return ctx.env.client.workflow.executeUpdateWithStart(update, {
    args: [action],
    startWorkflowOperation: new WithStartWorkflowOperation(workflow as never, { workflowId, taskQueue: ctx.taskQueue, args: [input] as never, workflowIdConflictPolicy: 'FAIL' }),
  });
}
