/**
 * WORKFLOW_STACK_TRACES (src/config.ts) and the SDK patch behind it (patches/README.md): by
 * default the worker does not track promise stack traces — the Web UI's "Stack Trace" tab of a
 * running episode gets a clear refusal instead — and with the setting on it answers with the
 * workflow's stack. A fresh install without the patch applied fails the first test.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { LedgerStore } from '../../src/db/ledger';
import { Episode, episodeInput } from '../helpers/discharge';
import { openTestLedger } from '../helpers/ledger';
import { startWorker, timeSkippingEnv } from '../helpers/temporal';

jest.setTimeout(60_000);

let env: TestWorkflowEnvironment;
let ledger: LedgerStore;
const workers: { worker: Worker; run: Promise<void> }[] = [];

beforeAll(async () => {
  env = await timeSkippingEnv();
  ledger = await openTestLedger();
});

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.run));
  await ledger?.close();
  await env?.teardown();
});

async function runningEpisode(workflowStackTraces: boolean | undefined): Promise<Episode> {
  const started = await startWorker(env, { ledger, calendar: { invitationCutoff: '14:00' } }, { workflowStackTraces });
  workers.push(started);
  return Episode.start(env, started.taskQueue, episodeInput({ admittedAt: new Date(await env.currentTimeMs()).toISOString() }));
}

test('by default a running episode answers the stack trace query with a refusal that says why', async () => {
  const e = await runningEpisode(undefined);
  await expect(e.handle.query('__stack_trace')).rejects.toThrow('Workflow stack traces are not enabled on this worker');
  // the episode itself is unaffected
  expect((await e.state()).status).toBe('admitted');
});

test('with WORKFLOW_STACK_TRACES=on the same query answers with where the episode waits', async () => {
  const e = await runningEpisode(true);
  const stack = await e.handle.query<string>('__stack_trace');
  expect(stack).toContain('process-runtime');
});
