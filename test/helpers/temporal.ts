/**
 * Thin helpers around the two real Temporal servers the tests use. Kept in one file so that
 * moving from the Java time-skipping server to time skipping in the real server is one change
 * (docs/architecture.md "Testing").
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
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
import { freePorts } from '../../scripts/lib/service';

/** Resolves when something listens on the port; rejects after `ms` or when `gone()` names why it never will. */
async function listening(port: number, ms: number, gone: () => string | undefined): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => { sock.destroy(); resolve(true); });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    const why = gone();
    if (why) throw new Error(why);
    if (Date.now() > until) throw new Error(`the time-skipping test server did not listen on ${port} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

/**
 * The Java time-skipping test server from Maven Central: timers pass instantly while workflows wait.
 *
 * Started here rather than by the SDK: the SDK's core gives a server it spawns 5 s to listen
 * (fixed in its native code), and a JVM on a busy 2-core machine — the suite runs two test files
 * at once, and some of them start whole clusters — sometimes takes longer (`ephemeral server …
 * did not start within 5s`). Here it has a minute; the environment then connects to it as an
 * existing server that supports time skipping, and its teardown stops the JVM.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const [port] = await freePorts(1);
  const jvm = spawn(testServerPath, [String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  jvm.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const stop = () => { if (jvm.exitCode === null && jvm.signalCode === null) jvm.kill('SIGKILL'); };
  try {
    await listening(port!, 60_000, () => (jvm.exitCode !== null ? `the test server exited (${jvm.exitCode}): ${stderr.trim()}` : undefined));
  } catch (err) {
    stop();
    throw err;
  }
  const create = (TestWorkflowEnvironment as unknown as { create(o: unknown): Promise<TestWorkflowEnvironment> }).create.bind(TestWorkflowEnvironment);
  let env: TestWorkflowEnvironment;
  try {
    env = await create({
      supportsTimeSkipping: true,
      server: { type: 'existing' },
      address: `127.0.0.1:${port}`,
      client: { dataConverter: dataConverter() }, // the same payload encryption as the workers
    });
  } catch (err) {
    stop();
    throw err;
  }
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    try { await teardown(); } finally { stop(); }
  };
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
