/**
 * `npm run replay`: replays workflow histories against the current workflow code and exits
 * non-zero on any non-determinism (README "Replay"; run it before every deploy).
 *
 *   npm run replay                                   # the committed fixtures (test/replay/fixtures, …/versioning)
 *   npm run replay -- --files a.json dir/            # history JSON files or folders of them
 *   npm run replay -- --query "WorkflowType = 'dischargeEpisode' AND Region = 'halland' AND ExecutionStatus = 'Running'"
 *
 * --query reads from the server of TEMPORAL_ADDRESS (default 127.0.0.1:7233; TEMPORAL_NAMESPACE,
 * TLS and API key as for `npm start`). --limit N stops after N histories.
 */
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { connectionOptions } from '../src/temporal/connection';
import { describeFailure, historiesFromFiles, historiesFromServer, replayHistories, type ReplaySource } from '../src/temporal/replay';
import { projectRoot } from '../src/temporal/tools';
import { workflowsPath } from '../workers/worker';

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: npm run replay -- [--files <file|dir>...] [--query "<visibility query>"] [--limit N]');
  process.exit(2);
}

function parseArgs(argv: string[]): { files: string[]; query?: string; limit?: number } {
  const files: string[] = [];
  let query: string | undefined;
  let limit: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--query') query = argv[++i] ?? usage('--query needs a visibility query');
    else if (a === '--limit') {
      limit = Number(argv[++i]);
      if (!Number.isInteger(limit) || limit < 1) usage('--limit needs a positive whole number');
    } else if (a === '--files') {
      while (argv[i + 1] && !argv[i + 1]!.startsWith('--')) files.push(argv[++i]!);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!query && files.length === 0) files.push(join(projectRoot, 'test/replay/fixtures'), join(projectRoot, 'test/replay/fixtures/versioning'));
  return { files, query, limit };
}

async function* limited<T>(source: AsyncIterable<T> | Iterable<T>, limit = Infinity): AsyncIterable<T> {
  let n = 0;
  for await (const x of source) {
    if (n++ >= limit) return;
    yield x;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // failures are reported below, once each; the core's own warnings would repeat them
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } } });
  const sources: (AsyncIterable<ReplaySource> | Iterable<ReplaySource>)[] = [];
  let connection: Connection | undefined;
  if (args.files.length) sources.push(historiesFromFiles(args.files));
  if (args.query) {
    const config = loadConfig(process.env);
    const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
    connection = await Connection.connect(connectionOptions(config, address));
    const client = new Client({ connection, namespace: config.temporal.namespace });
    console.log(`Replaying from ${address} (${config.temporal.namespace}): ${args.query}`);
    sources.push(historiesFromServer(client, args.query));
  }
  async function* all(): AsyncIterable<ReplaySource> {
    for (const s of sources) yield* s;
  }
  console.log('Bundling the workflow code …');
  const summary = await replayHistories({ workflowsPath }, limited(all(), args.limit), ({ index, workflowId, workflowType, failure }) => {
    console.log(`  ${String(index).padStart(5)}  ${failure ? 'FAIL' : 'ok  '}  ${workflowType.padEnd(22)} ${workflowId}`);
  });
  await connection?.close();

  console.log('');
  console.log(`Replayed ${summary.replayed} histories in ${(summary.durationMs / 1000).toFixed(1)} s: ${Object.entries(summary.byType).map(([t, n]) => `${t} ${n}`).join(', ') || 'none'}.`);
  if (summary.failures.length > 0) {
    console.log(`${summary.failures.length} FAILED — do not deploy this code (README "Versioning"):`);
    for (const f of summary.failures) console.log(`  ${describeFailure(f)}`);
    process.exit(1);
  }
  if (summary.replayed === 0) {
    console.log('Nothing was replayed: check the query or the files.');
    process.exit(1);
  }
  console.log('No non-determinism found.');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
