/**
 * End to end: the real `npm start` process (after `npm run setup`), exactly as a developer runs
 * it — `node node_modules/.bin/tsx src/main.ts` in the project root — with its own temporary
 * DATA_DIR and free random ports, so it never collides with a developer's running instance or a
 * parallel test run.
 *
 * Covers: start-up banner (API, docs and Temporal Web UI URLs), the Web UI answering, the
 * calendar endpoint, an episode with an admission notice, Ctrl-C (SIGINT) stopping the service
 * and its Temporal dev server child, a restart on the same DATA_DIR keeping the episode (Temporal
 * SQLite) and its ledger row (PGlite), and a bad configuration refusing to start.
 */
import type { ChildProcess } from 'node:child_process';
import { autoAuth, rememberStart } from '../helpers/auth';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, portOpen, spawnService, type ServiceProcess } from '../../scripts/lib/service';

jest.setTimeout(90_000);

type Service = ServiceProcess;

const children: ChildProcess[] = [];

function startService(env: Record<string, string>): Service {
  const svc = spawnService(env);
  children.push(svc.proc);
  return svc;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms); }),
  ]);
}

async function get(url: string): Promise<Response> {
  return fetch(url, { headers: await autoAuth('GET', new URL(url).pathname), signal: AbortSignal.timeout(5000) });
}

async function postJson(url: string, body: unknown): Promise<Response> {
  const path = new URL(url).pathname;
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await autoAuth('POST', path, body)) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  rememberStart('POST', path, body, r.status, await r.clone().json().catch(() => undefined));
  return r;
}

/** Polls GET /health until 200 (bounded); fails early, with the output, if the process exits. */
async function waitHealthy(svc: Service, base: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: { code: number | null } | undefined;
  void svc.exited.then((e) => (exit = e));
  let last = '';
  while (Date.now() < deadline) {
    if (exit) throw new Error(`service exited with code ${exit.code} before it was healthy\nstdout:\n${svc.out()}\nstderr:\n${svc.err()}`);
    try {
      const r = await get(`${base}/health`);
      if (r.status === 200) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`GET /health not 200 within ${timeoutMs / 1000} s (last: ${last})\nstdout:\n${svc.out()}\nstderr:\n${svc.err()}`);
}

async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Pids of live processes whose command line mentions `needle` (here: our temporary DATA_DIR). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

async function stopForcefully(svc: Service | undefined): Promise<void> {
  if (!svc || svc.proc.exitCode !== null || svc.proc.signalCode !== null) return;
  svc.proc.kill('SIGINT');
  try {
    await within(svc.exited, 20_000, 'graceful stop');
  } catch {
    try { process.kill(-svc.proc.pid!, 'SIGKILL'); } catch { /* already gone */ }
    await within(svc.exited, 5000, 'kill').catch(() => undefined);
  }
}

describe('npm start: the real process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'utskrivning-e2e-'));
  let env: Record<string, string>;
  let base: string;
  let uiPort: number;
  let devPort: number;
  let svc: Service | undefined;
  let episodeId: string;
  let admissionMessageId: string;
  let bad: { proc: Service; dataDir: string; devPort: number };

  beforeAll(async () => {
    const [port, dev, ui, metrics, badDev, badUi] = await freePorts(6);
    devPort = dev;
    uiPort = ui;
    base = `http://localhost:${port}`;
    env = {
      PORT: String(port),
      DATA_DIR: dataDir,
      TEMPORAL_DEV_PORT: String(dev),
      TEMPORAL_UI_PORT: String(ui),
      TEMPORAL_METRICS_BIND: `127.0.0.1:${metrics}`,
    };
    // both start now, side by side, to keep the file's runtime down; the tests await them
    svc = startService(env);
    const badDir = join(dataDir, 'bad-config');
    bad = { proc: startService({ ...env, PORT: 'abc', DATA_DIR: badDir, TEMPORAL_DEV_PORT: String(badDev), TEMPORAL_UI_PORT: String(badUi) }), dataDir: badDir, devPort: badDev };
  });

  afterAll(async () => {
    for (const c of children) {
      if (c.exitCode === null && c.signalCode === null) {
        c.kill('SIGINT');
        await within(new Promise((r) => c.once('exit', r)), 20_000, 'stop').catch(() => {
          try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* already gone */ }
        });
      }
    }
    // the dev server runs in its own process group: make sure none of ours survives a failed test
    for (const pid of processesMentioning(dataDir)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a bad configuration (PORT=abc) exits non-zero naming PORT, without starting anything', async () => {
    const { code } = await within(bad.proc.exited, 30_000, 'exit on bad configuration');
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(bad.proc.err()).toMatch(/PORT/);
    expect(bad.proc.err()).toMatch(/abc/);
    expect(bad.proc.out()).not.toMatch(/is running/);
    expect(existsSync(bad.dataDir)).toBe(false); // the dev server would have created it
    expect(await portOpen(bad.devPort)).toBe(false);
  });

  test('starts: /health 200, prints the API, docs and Web UI URLs, the Web UI answers', async () => {
    await waitHealthy(svc!, base);
    const out = await eventually(async () => (/Temporal Web UI/.test(svc!.out()) ? svc!.out() : undefined), 10_000, 'start-up banner');
    expect(out).toContain(`API              ${base}`);
    expect(out).toContain(`${base}/docs`);
    const ui = /Temporal Web UI\s+(http\S+)/.exec(out)?.[1];
    expect(ui).toBe(`http://127.0.0.1:${uiPort}`);
    await eventually(async () => ((await get(ui!).catch(() => undefined))?.status === 200 ? true : undefined), 15_000, 'Web UI 200');
    expect((await get(`${base}/docs/`)).status).toBe(200);
    expect((await get(`${base}/openapi.json`)).status).toBe(200);
  });

  test('the calendar endpoint answers', async () => {
    const r = await get(`${base}/api/calendar/deadline?rule=acknowledgement&at=2026-12-23T09:30:00%2B01:00`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { localDate: string; timeZone: string };
    expect(body.timeZone).toBe('Europe/Stockholm');
    expect(body.localDate).toBe('2026-12-28'); // julafton, juldagen, annandag jul and a weekend skipped
  });

  test('starts an episode and records an admission notice (Temporal + ledger)', async () => {
    const started = await postJson(`${base}/api/episodes`, {
      region: 'halland',
      patient: { kind: 'personnummer', value: '19121212-1212' },
      residenceMunicipality: '1380',
      inpatientUnit: 'SE2321000115-AVD1',
      primaryCareUnit: 'SE2321000115-VC01',
    });
    expect(started.status).toBe(201);
    episodeId = ((await started.json()) as { episodeId: string }).episodeId;
    expect(episodeId).toBeTruthy();

    const expectedReadyDate = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const notice = await postJson(`${base}/api/episodes/${episodeId}/admission-notice`, { expectedReadyDate });
    expect(notice.status).toBe(200);
    const view = (await notice.json()) as { admissionNoticeVersion: number; messages: { messageId: string; type: string }[] };
    expect(view.admissionNoticeVersion).toBe(1);
    admissionMessageId = view.messages.find((m) => m.type === 'admissionNotice')!.messageId;
    expect(admissionMessageId).toBeTruthy();

    // the workflow projects to the PGlite ledger right after the update: the municipality's inbox
    await eventually(async () => {
      const inbox = (await (await get(`${base}/api/units/1380/inbox`)).json()) as { acknowledgements: { process_id: string; message_id: string }[] };
      return inbox.acknowledgements.some((a) => a.process_id === episodeId && a.message_id === admissionMessageId) ? true : undefined;
    }, 15_000, 'ledger row in the inbox of 1380');
  });

  test('SIGINT (Ctrl-C) stops it with exit code 0 and the Temporal dev server is gone', async () => {
    expect(processesMentioning(join(dataDir, 'temporal.sqlite')).length).toBeGreaterThan(0); // the dev server child runs
    svc!.proc.kill('SIGINT');
    const { code, signal } = await within(svc!.exited, 20_000, 'exit after SIGINT');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    await eventually(async () => (processesMentioning(join(dataDir, 'temporal.sqlite')).length === 0 ? true : undefined), 5000, 'dev server process gone');
    expect(await portOpen(devPort)).toBe(false);
    expect(await portOpen(uiPort)).toBe(false);
    expect(await portOpen(Number(new URL(base).port))).toBe(false);
  });

  test('restarts on the same DATA_DIR: the episode and its ledger row are still there', async () => {
    svc = startService(env);
    await waitHealthy(svc, base);

    const r = await get(`${base}/api/episodes/${episodeId}`);
    expect(r.status).toBe(200);
    const view = (await r.json()) as { episodeId: string; admissionNoticeVersion: number; messages: { messageId: string; type: string }[] };
    expect(view.episodeId).toBe(episodeId);
    expect(view.admissionNoticeVersion).toBe(1);
    expect(view.messages.map((m) => m.messageId)).toContain(admissionMessageId);

    // read once, no polling: the row must have survived the restart in PGlite
    const inbox = (await (await get(`${base}/api/units/1380/inbox`)).json()) as { acknowledgements: { process_id: string; message_id: string; message_type: string }[] };
    expect(inbox.acknowledgements).toEqual(
      expect.arrayContaining([expect.objectContaining({ process_id: episodeId, message_id: admissionMessageId, message_type: 'admissionNotice' })]),
    );

    await stopForcefully(svc);
    expect(svc.proc.exitCode).toBe(0);
  });
});
