/**
 * Entry point of `npm start` (ROLE=all) and of the docker-compose services (ROLE=api / worker).
 *
 * Start-up order: configuration → (dev server) → Temporal client + search attributes →
 * ledger + migrations → worker → HTTP API. Shutdown (Ctrl-C, SIGTERM) runs it backwards:
 * the API stops taking requests, the worker drains, the ledger closes, the dev server stops.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createApp } from './api/app';
import { ConfigError, loadConfig, type Config } from './config';
import { openLedger, type LedgerStore } from './db/ledger';
import { createLogger, type Logger } from './logger';
import { connectionOptions } from './temporal/connection';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { dataConverter } from './temporal/codec';
import { ensureSearchAttributes } from './temporal/search-attributes';
import { ensureBillingSchedules } from './temporal/schedules';
import { ensureDigestSchedules } from './temporal/digest-schedules';
import { connectWorker, createWorker } from '../workers/worker';
import { closeTransports } from '../activities/channels';

/**
 * The client's connection: the SDK's native one (Rust, the worker's gRPC stack) rather than the
 * pure-JS @grpc/grpc-js `Connection`: with the latter the API process spent about a quarter of its
 * CPU time in gRPC and HTTP/2 code (CPU profile of bench:discharge, production layout).
 */
async function connectClient(config: Config, address: string, logger: Logger): Promise<NativeConnection> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await NativeConnection.connect(connectionOptions(config, address));
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Cannot reach Temporal at ${address}: ${(err as Error).message}`);
      logger.warn({ address, err: (err as Error).message }, 'Temporal not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const runsWorker = config.role !== 'api';
  const runsApi = config.role !== 'worker';
  const started = Date.now();

  // Must precede every Temporal connection (the client's too, a native one): the worker's core
  // metrics in Prometheus format.
  // A busy metrics port is one line (issue 20), not the native runtime's Rust and Node stack.
  try {
    Runtime.install({
      // we order the shutdown ourselves: API, then worker drain, then ledger and dev server
      shutdownSignals: [],
      logger: new DefaultLogger(config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'WARN'),
      ...(runsWorker ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.temporal.metricsBind } } } } : {}),
    });
  } catch (err) {
    const message = (err as Error).message;
    console.error(
      `Start-up failed: ${/address already in use/i.test(message) ? `the worker's metrics address ${config.temporal.metricsBind} is in use: stop what uses it, or set TEMPORAL_METRICS_BIND to another address` : message.split('\n')[0]}`,
    );
    process.exit(1);
  }

  let devServer: DevServer | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let http: Server | undefined;
  let ledger: LedgerStore | undefined;
  let connection: NativeConnection | undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
    if (worker) {
      if (worker.getState() === 'RUNNING') worker.shutdown(); // stops polling; in-flight tasks finish (drain)
      await workerRun?.catch((err) => logger.error({ err }, 'worker failed while draining'));
      closeTransports(); // the drained activities' pooled SMTP connections
    }
    await connection?.close();
    await ledger?.close();
    await devServer?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    let address = config.temporal.address;
    if (!address) {
      devServer = await startDevServer({
        dataDir: config.dataDir,
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        logger,
        // the Web UI decodes encrypted payloads through this service's codec endpoint
        codecEndpoint: runsApi ? `http://127.0.0.1:${config.port}/codec` : undefined,
      });
      address = devServer.address;
    }
    connection = await connectClient(config, address, logger);
    const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter: dataConverter(config.payloadKeys) });
    const added = await ensureSearchAttributes(connection, config.temporal.namespace);
    if (added.length) logger.info({ added }, 'registered search attributes');
    logger.info({ created: await ensureBillingSchedules(client, config.regions, config.temporal.taskQueue) }, 'monthly close schedules ensured (one per region)');
    logger.info({ created: await ensureDigestSchedules(client, config.regions, config.temporal.taskQueue) }, 'coordinator digest schedules ensured (regions with coordinators)');

    ledger = await openLedger({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : join(config.dataDir, 'ledger'),
      // the pool reconnects on the next query; the activity that was writing retries
      onConnectionError: (err) => logger.warn({ error: err.message }, 'ledger database connection lost'),
    });

    if (runsWorker) {
      const nativeConnection = await connectWorker(connectionOptions(config, address));
      worker = await createWorker({
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        deps: { ledger, calendar: config.calendar, notify: { regions: config.regions, smtpUrl: config.notify.smtpUrl, from: config.notify.from } },
        dataConverter: dataConverter(config.payloadKeys),
        workflowStackTraces: config.temporal.workflowStackTraces,
        maxCachedWorkflows: config.temporal.maxCachedWorkflows,
        bundleCacheDir: join(config.dataDir, 'workflow-bundle'),
      });
      workerRun = worker.run().finally(() => nativeConnection.close());
      workerRun.catch((err) => {
        logger.fatal({ err }, 'worker stopped unexpectedly');
        void shutdown('worker-failure');
      });
    }

    if (runsApi) {
      const app = createApp({
        config,
        logger,
        client,
        ledger,
        workerMetricsUrl: runsWorker ? `http://${config.temporal.metricsBind}/metrics` : undefined,
      });
      await new Promise<void>((resolve, reject) => {
        http = app.listen(config.port, () => resolve());
        http.once('error', (err: NodeJS.ErrnoException) =>
          reject(err.code === 'EADDRINUSE' ? new Error(`port ${config.port} is in use: stop what uses it, or set PORT to another port`) : err));
      });
    }

    const api = `http://localhost:${config.port}`;
    const lines = [
      '',
      `  Utskrivning is running (${config.role}) — started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      runsApi ? `  API              ${api}` : undefined,
      runsApi ? `  Staff workspace  ${api}/   (Inkorg, Vårdtillfälle, Inskrivning …: sign in in the browser)` : undefined,
      runsApi ? `  API docs         ${api}/docs   (OpenAPI: ${api}/openapi.json)` : undefined,
      runsApi ? `  Health, metrics  ${api}/health   ${api}/metrics` : undefined,
      devServer ? `  Temporal Web UI  ${devServer.uiUrl}` : `  Temporal         ${address} (namespace ${config.temporal.namespace})`,
      devServer ? `  Temporal gRPC    ${devServer.address}` : undefined,
      runsApi && devServer ? `  Codec login      ${api}/codec/login   (administrators; lets the Web UI decode payloads)` : undefined,
      runsApi ? (config.auth.jwksUrl ? `  Sign-in          tokens of ${config.auth.issuer}` : '  Sign-in          development tokens: npm run token -- --role inpatientStaff --organisation SE2321000115-AVD7 --region gavleborg') : undefined,
      `  Data             ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config.dataDir}`,
      '  Stop with Ctrl-C.',
      '',
    ].filter((l) => l !== undefined);
    console.log(lines.join('\n'));
    logger.info({ role: config.role, port: config.port, startupMs: Date.now() - started }, 'ready');
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'start-up failed');
    console.error(`Start-up failed: ${(err as Error).message}`);
    await ledger?.close().catch(() => undefined);
    await devServer?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
