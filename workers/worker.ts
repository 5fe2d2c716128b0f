/**
 * The worker: polls the task queue, runs workflow code (bundled with webpack by the SDK) and
 * activities. One worker per process; scale by running more processes on the same task queue.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { TemporalConnectionOptions } from '../src/temporal/connection';
import { dataConverter } from '../src/temporal/codec';

export const workflowsPath = require.resolve('../workflows');

export interface WorkerParams {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Pre-built bundle (tests bundle once per run); otherwise workflowsPath is bundled at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Payload encryption (src/temporal/codec.ts); default: PAYLOAD_KEYS or the development key. */
  dataConverter?: WorkerOptions['dataConverter'];
}

export async function createWorker(p: WorkerParams): Promise<Worker> {
  return Worker.create({
    connection: p.connection,
    namespace: p.namespace,
    taskQueue: p.taskQueue,
    activities: createActivities(p.deps),
    dataConverter: p.dataConverter ?? dataConverter(),
    ...(p.workflowBundle ? { workflowBundle: p.workflowBundle } : { workflowsPath }),
    // Graceful shutdown: in-flight activities get this long to finish before being cancelled.
    shutdownGraceTime: '10s',
    ...(process.env.WF_DEBUG ? { debugMode: true } : {}),
  });
}

export async function connectWorker(opts: TemporalConnectionOptions): Promise<NativeConnection> {
  return NativeConnection.connect(opts);
}
