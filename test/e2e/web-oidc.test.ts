/**
 * The staff workspace's production sign-in (issue 19) end to end in Chromium: OIDC authorization
 * code with PKCE against a real identity provider — oidc-provider, run on 127.0.0.1 by
 * test/helpers/oidc-provider.mjs — whose JWKS the service trusts (AUTH_ISSUER, AUTH_JWKS_URL), as
 * a region's SITHS-backed IdP would be. The ward nurse signs in on the provider's login page and
 * comes back to her inbox; the access token the API accepts is the provider's, kept in the tab's
 * sessionStorage and never in localStorage; the development sign-in does not exist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser } from 'playwright-core';
import { webDist } from '../../src/api/web';
import { CHROMIUM_PATH } from '../helpers/browser';
import { useApi } from '../helpers/api';

const CLIENT_ID = 'utskrivning-web';
/** the API's audience, also the provider's resource indicator (RFC 8707: an absolute URI) */
const AUDIENCE = 'https://api.utskrivning.test';
const USERS = { 'ssk-lisa': { name: 'Lisa, sjuksköterska', role: 'inpatientStaff', organisation: 'SE2321000115-AVD7', region: 'gavleborg' } };

let idp: ChildProcess | undefined;
let issuer = '';
/** The API's address is known only once it listens; the provider needs its redirect URI first: a fixed port. */
const API_PORT = 20_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  idp = spawn(process.execPath, [join(__dirname, '../helpers/oidc-provider.mjs')], {
    env: {
      ...process.env,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_REDIRECT_URI: `http://127.0.0.1:${API_PORT}/`,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_USERS: JSON.stringify(USERS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: idp!.stdout! }).once('line', resolve);
    idp!.once('exit', (code) => reject(new Error(`the identity provider exited (${code})`)));
  });
  issuer = (JSON.parse(first) as { issuer: string }).issuer;
}, 30_000);
afterAll(() => {
  idp?.kill('SIGTERM');
});

const ctx = useApi(() => ({ env: { AUTH_ISSUER: issuer, AUTH_JWKS_URL: `${issuer}/jwks`, AUTH_AUDIENCE: AUDIENCE }, port: API_PORT }));

let browser: Browser;
beforeAll(async () => {
  expect(webDist()).toBeDefined();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});
afterAll(async () => {
  await browser?.close();
});

describe('staff workspace: OIDC sign-in (authorization code + PKCE)', () => {
  it('signs in at the identity provider and back to the inbox; the token is the provider’s, in sessionStorage, never in localStorage', async () => {
    expect(ctx.h.baseUrl).toBe(`http://127.0.0.1:${API_PORT}`);
    // with an identity provider the development sign-in does not exist
    const config = await (await fetch(`${ctx.h.baseUrl}/auth/config`)).json();
    expect(config).toEqual({ mode: 'oidc', authority: issuer, clientId: CLIENT_ID, scope: 'openid profile' });
    expect((await fetch(`${ctx.h.baseUrl}/auth/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"ssk-lisa"}' })).status).toBe(404);

    const context = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
    const page = await context.newPage();
    const authorize: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(`${issuer}/auth?`)) authorize.push(r.url());
    });
    await page.goto(`${ctx.h.baseUrl}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    await page.getByRole('button', { name: 'Logga in' }).click();
    // the provider's own (development) login page
    await page.waitForURL((u) => u.href.startsWith(issuer));
    await page.locator('input[name="login"]').fill('ssk-lisa');
    await page.locator('input[name="password"]').fill('whatever');
    await page.locator('button[type="submit"]').click();
    // back at the workspace, signed in
    await page.getByRole('heading', { name: /^Inkorg – / }).waitFor({ timeout: 20_000 });
    await page.getByText('Lisa, sjuksköterska · slutenvårdens personal').waitFor();
    expect(new URL(page.url()).search).toBe(''); // the code and state are gone from the address

    // authorization code with PKCE (S256), by the public client
    const q = new URL(authorize[0]!).searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // the token: the provider's JWT, in sessionStorage; nothing of it in localStorage
    // (evaluated in the page: the test's own TypeScript has no DOM types)
    const stored = (await page.evaluate(`({
      local: Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k)),
      session: sessionStorage.getItem('utskrivning.session'),
    })`)) as { local: string[]; session: string | null };
    expect(stored.local).toEqual([]);
    const token = (JSON.parse(stored.session!) as { token: string }).token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: issuer, aud: AUDIENCE, sub: 'ssk-lisa', role: 'inpatientStaff', organisation: 'SE2321000115-AVD7', region: 'gavleborg' });
    // …which the API accepts, and a development token it does not
    expect((await fetch(`${ctx.h.baseUrl}/api/units/SE2321000115-AVD7/inbox`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await ctx.api.get('/api/units/SE2321000115-AVD7/inbox')).status).toBe(401);
    await context.close();
  }, 90_000);
});
