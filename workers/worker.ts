/**
 * The worker: polls the task queue, runs workflow code (bundled with webpack by the SDK) and
 * activities. One worker per process; scale by running more processes on the same task queue.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { TemporalConnectionOptions } from '../src/temporal/connection';
import { dataConverter } from '../src/temporal/codec';
import { workflowBundleFile } from './workflow-bundle';

export const workflowsPath = require.resolve('../workflows');

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built bundle (tests bundle once per run); otherwise workflowsPath is bundled at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Where the bundle of the current code is kept between starts (workers/workflow-bundle.ts): built
   * by a child process, so webpack never lives in the worker process. Without it, and without
   * `workflowBundle`, the SDK bundles in this process.
   */
  bundleCacheDir?: string;
  /** Payload encryption (src/temporal/codec.ts); default: PAYLOAD_KEYS or the development key. */
  dataConverter?: WorkerOptions['dataConverter'];
  /**
   * The stack trace query of running workflows (WORKFLOW_STACK_TRACES). Off by default: tracking
   * it costs about a third of the workflow thread's CPU time (patches/README.md).
   */
  workflowStackTraces?: boolean;
  /** WORKER_MAX_CACHED_WORKFLOWS: processes kept in memory between tasks; undefined → the SDK's default */
  maxCachedWorkflows?: number;
}

export async function createWorker(p: WorkerParams): Promise<Worker> {
  // read by the patched SDK (patches/@temporalio+worker+*.patch) when the workflow thread starts,
  // which copies the environment of this process as it is now
  process.env.TEMPORAL_WORKFLOW_STACK_TRACES = p.workflowStackTraces ? 'on' : 'off';
  return Worker.create({
    connection: p.connection,
    namespace: p.namespace,
    taskQueue: p.taskQueue,
    activities: createActivities(p.deps),
    dataConverter: p.dataConverter ?? dataConverter(),
    ...(p.workflowBundle
      ? { workflowBundle: p.workflowBundle }
      : p.bundleCacheDir
        ? { workflowBundle: { codePath: await workflowBundleFile(workflowsPath, p.bundleCacheDir) } }
        : { workflowsPath }),
    // Graceful shutdown: in-flight activities get this long to finish before being cancelled.
    shutdownGraceTime: '10s',
    ...(p.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: p.maxCachedWorkflows } : {}),
    ...(process.env.WF_DEBUG ? { debugMode: true } : {}),
  });
}

export async function connectWorker(opts: TemporalConnectionOptions): Promise<NativeConnection> {
  return NativeConnection.connect(opts);
}
