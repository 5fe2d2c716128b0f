/**
 * Proof that nothing is lost (issue 7 "Faults"): real processes, broken while episodes are in
 * flight, then every episode must finish and the ledger must match the workflows exactly.
 *
 * Set-up, as in production but on one machine: a Temporal dev server with its SQLite file, a
 * PostgreSQL ledger (DATABASE_URL, a throwaway server from the machine's own package), and the
 * service (`tsx src/main.ts`, worker and API) as a separate process using both.
 *
 * Staff keep working through the API the whole time, as a ward would: every action is retried
 * with the same Idempotency-Key until it is answered, so a retry after a lost answer must never
 * record anything twice. Faults, in order, each injected once a share of all actions is done:
 *   1. the service (worker and API) is killed with SIGKILL mid-run and a new one is started;
 *   2. the Temporal dev server is stopped and started again on its SQLite file;
 *   3. the ledger database is unavailable for a while (activities retry);
 *   4. the same request is delivered twice concurrently, for every action of one episode.
 * The figures are written to .test-artifacts/faults.json (and quoted in the README). The runner
 * (requests, episodes, the ledger check) is test/helpers/fault-runner.ts, shared with the cluster suite.
 */
import { FaultRunner } from '../helpers/fault-runner';
import { RealStack } from '../helpers/real-service';

jest.setTimeout(420_000);

const EPISODES = 8;

let stack: RealStack;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await RealStack.start();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

test('episodes in flight survive a killed worker, a restarted Temporal server, a database outage and duplicate deliveries; the ledger matches the workflows', async () => {
  const runner = new FaultRunner({ base: () => stack.base, log: () => stack.serviceLog(), crashed: () => stack.crashed, label: 'Fel' });
  const runs = runner.runEpisodes(EPISODES, (i) => i === 0);

  await runner.waitFor(0.2);
  runner.fault('service (worker + API) killed with SIGKILL and a new one started');
  await stack.killService();
  stack.startService();
  await stack.waitHealthy();

  await runner.waitFor(0.45);
  runner.fault('Temporal dev server stopped and started again on its SQLite file');
  await stack.stopTemporal();
  await stack.startTemporal();

  await runner.waitFor(0.65);
  runner.fault('ledger database (PostgreSQL) unavailable for 8 s');
  stack.pg.pause();
  await sleep(8000);
  stack.pg.resume();
  runner.figures.faultsInjected.push('every request of one episode delivered twice at once with the same Idempotency-Key');

  const ids = await runs;

  // every workflow completes, and the ledger has exactly what each workflow recorded
  const { client, close } = await stack.client();
  try {
    await runner.verify(client, stack.pg.url, ids);
  } finally {
    await close();
  }
  const figures = runner.report('faults.json');
  expect(figures.episodesCompleted).toBe(EPISODES);
  expect(figures.rowsLost + figures.rowsDuplicated).toBe(0);
});
