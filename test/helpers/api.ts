/**
 * Harness for the API tests: the real Temporal CLI dev server, a real PGlite ledger (a fresh
 * copy of the migrated template, see ./ledger.ts), a worker running the real workflows and
 * activities on a fresh task queue, and the express app listening on a free port. No mocks: requests go over HTTP with the global `fetch`.
 *
 * One harness per test file (beforeAll/afterAll); `stop()` closes everything it opened, in the
 * reverse order of `npm start`'s start-up, so jest exits without open handles.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../src/api/app';
import { loadConfig, type Config } from '../../src/config';
import type { LedgerStore } from '../../src/db/ledger';
import { createLogger } from '../../src/logger';
import { openTestLedger } from './ledger';
import { devServerEnv, expectEveryHistoryReplays, startWorker } from './temporal';
import { autoPrincipal, rememberStart, testKeyFile, tokenFor, type TestPrincipal } from './auth';

export interface ApiHarness {
  baseUrl: string;
  env: TestWorkflowEnvironment;
  ledger: LedgerStore;
  config: Config;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Overrides for one test file: the regions (e.g. with escalation organisations) and the SMTP server of the channels. */
export interface ApiOptions {
  regions?: Config['regions'];
  smtpUrl?: string;
  /** environment variables of the service's configuration (src/config.ts), e.g. INDICATOR_SUPPRESSION_THRESHOLD */
  env?: Record<string, string>;
  /** the port to listen on (an identity provider's redirect URI names it); default any free one */
  port?: number;
}

export async function startApi(opts: ApiOptions = {}): Promise<ApiHarness> {
  const env = await devServerEnv();
  let ledger: LedgerStore | undefined;
  let workerHandle: Awaited<ReturnType<typeof startWorker>> | undefined;
  let server: Server | undefined;
  const stop = async (o: { replay?: boolean } = { replay: true }) => {
    try {
      if (server) {
        const s = server;
        s.closeAllConnections();
        await new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())));
      }
      if (workerHandle) {
        if (workerHandle.worker.getState() === 'RUNNING') workerHandle.worker.shutdown();
        await workerHandle.run;
      }
      if (o.replay) await expectEveryHistoryReplays(env);
    } finally {
      await ledger?.close();
      await env.teardown();
    }
  };
  try {
    // a copy of the migrated PGlite template (test/helpers/ledger.ts): the real database, without initdb per file
    ledger = await openTestLedger();
    const base = loadConfig({});
    const regions = opts.regions ?? base.regions;
    workerHandle = await startWorker(env, { ledger, calendar: base.calendar, notify: { regions, smtpUrl: opts.smtpUrl, from: base.notify.from } });
    const loaded = loadConfig({ ...opts.env, TEMPORAL_TASK_QUEUE: workerHandle.taskQueue, AUTH_DEV_KEY_FILE: testKeyFile() });
    const config = { ...loaded, regions, auth: { ...loaded.auth, regions } };
    const app = createApp({ config, logger: createLogger('silent'), client: env.client, ledger });
    const listening = app.listen(opts.port ?? 0, '127.0.0.1');
    server = listening;
    await new Promise<void>((resolve, reject) => {
      listening.once('listening', resolve);
      listening.once('error', reject);
    });
    const { port } = listening.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, env, ledger, config, taskQueue: workerHandle.taskQueue, stop };
  } catch (err) {
    await stop({ replay: false }).catch(() => undefined);
    throw err;
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A small JSON client over `fetch`, signed in: as `as` when given ('anonymous': no token), else as
 * the person who does each step in practice (test/helpers/auth.ts `autoPrincipal`).
 */
export function apiClient(baseUrl: string, opts: { as?: TestPrincipal | 'anonymous' } = {}) {
  async function request<T = any>(method: string, path: string, o: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization') && opts.as !== 'anonymous') {
      const who = opts.as ?? autoPrincipal(method, path, o.body, headers);
      if (who) headers.authorization = `Bearer ${await tokenFor(who)}`;
    }
    const opts_ = o;
    let body: string | undefined;
    if (opts_.rawBody !== undefined) {
      body = opts_.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (opts_.body !== undefined) {
      body = JSON.stringify(opts_.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = text === '' ? undefined : JSON.parse(text);
    rememberStart(method, path, opts_.body, res.status, parsed);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    /** the same client, signed in as someone else */
    as: (who: TestPrincipal | 'anonymous') => apiClient(baseUrl, { as: who }),
    request,
    get: <T = any>(path: string, headers?: Record<string, string>) => request<T>('GET', path, { headers }),
    post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body, headers }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Units of the test episodes (HSA-ids), and a valid personnummer (Skatteverket's test number). */
export const UNITS = {
  inpatient: 'SE2321000115-AVD7',
  primaryCare: 'SE2321000115-VC12',
  psychiatricOutpatient: 'SE2321000115-PSY3',
} as const;
export const PERSONNUMMER = '19121212-1212';

/** A valid start body; override what a test needs. */
export function startBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: 'gavleborg',
    patient: { kind: 'personnummer', value: PERSONNUMMER },
    residenceMunicipality: '2180',
    inpatientUnit: UNITS.inpatient,
    primaryCareUnit: UNITS.primaryCare,
    ...overrides,
  };
}

/** A unique Idempotency-Key. */
export const newKey = (prefix = 'k') => `${prefix}-${randomUUID()}`;

/** Polls `fn` until `ok` holds of its value (bounded); returns the last value either way. */
export async function pollUntil<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    v = await fn();
  }
  return v;
}

/** The Stockholm calendar date of an instant. */
export function stockholmDate(d: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export const isoPlus = (ms: number, from: Date = new Date()) => new Date(from.getTime() + ms).toISOString();

/** Registers beforeAll/afterAll for an API test file: one dev server, ledger, worker and app. */
export function useApi(opts: ApiOptions | (() => ApiOptions) = {}): { h: ApiHarness; api: ApiClient } {
  const ctx = {} as { h: ApiHarness; api: ApiClient };
  beforeAll(async () => {
    // a function is read when the harness starts, after the file's earlier beforeAll hooks ran
    ctx.h = await startApi(typeof opts === 'function' ? opts() : opts);
    ctx.api = apiClient(ctx.h.baseUrl);
  }, 120_000); // PGlite's first start compiles its WebAssembly (seconds on a loaded machine)
  afterAll(async () => {
    await ctx.h?.stop();
  });
  return ctx;
}
