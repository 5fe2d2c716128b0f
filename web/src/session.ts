/**
 * Who is signed in, and their token.
 *
 * The token lives in this tab's memory and in sessionStorage, never in localStorage: it is gone
 * when the tab closes, another tab signs in on its own, and a reload keeps the person signed in.
 * An httpOnly cookie would keep it from scripts as well, but the API takes bearer tokens only
 * (docs/domain.md §10) and a cookie would need CSRF protection on every action; sessionStorage is
 * what oidc-client-ts uses by default for the same reasons.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

// types only: erased from the bundle (src/api/web.ts is server code)
import type { Role } from '../../src/domain/roles';
import type { DevUser } from '../../src/api/web';

export type { DevUser, Role };

export interface SignedIn {
  token: string;
  userId: string;
  name: string;
  role: Role;
  organisation: string;
  organisationName?: string;
  region: string;
  expiresAt: number;
}

export type AuthConfig = { mode: 'dev'; users: DevUser[] } | { mode: 'oidc'; authority: string; clientId: string; scope: string };

const KEY = 'utskrivning.session';
let current: SignedIn | undefined;
let manager: UserManager | undefined;

export function session(): SignedIn | undefined {
  if (!current) {
    const raw = sessionStorage.getItem(KEY);
    if (raw) current = JSON.parse(raw) as SignedIn;
  }
  if (current && current.expiresAt < Date.now()) signOutLocally();
  return current;
}

function remember(s: SignedIn): SignedIn {
  current = s;
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export function signOutLocally(): void {
  current = undefined;
  sessionStorage.removeItem(KEY);
}

export async function authConfig(): Promise<AuthConfig> {
  const res = await fetch('/auth/config');
  if (!res.ok) throw new Error(`Inloggningen kunde inte hämtas (${res.status}).`);
  return (await res.json()) as AuthConfig;
}

/** The claims of a JWT (its payload), for showing who is signed in; the server verifies the token. */
function claims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

function fromToken(token: string, extra: Partial<SignedIn> = {}): SignedIn {
  const c = claims(token);
  return {
    token,
    userId: String(c.sub),
    name: extra.name ?? String(c.name ?? c.sub),
    role: c.role as Role,
    organisation: String(c.organisation),
    organisationName: extra.organisationName,
    region: String(c.region),
    expiresAt: Number(c.exp) * 1000,
  };
}

/** Development sign-in: the server mints a development token for a fixture user (only without an identity provider). */
export async function devSignIn(userId: string): Promise<SignedIn> {
  const res = await fetch('/auth/dev/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!res.ok) throw new Error(`Inloggningen misslyckades (${res.status}).`);
  const { token, user } = (await res.json()) as { token: string; user: DevUser };
  return remember(fromToken(token, { name: user.name, organisationName: user.organisationName }));
}

function oidcManager(cfg: Extract<AuthConfig, { mode: 'oidc' }>): UserManager {
  manager ??= new UserManager({
    authority: cfg.authority,
    client_id: cfg.clientId,
    redirect_uri: `${location.origin}/`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: 'code', // authorization code with PKCE (oidc-client-ts always uses PKCE for code)
    scope: cfg.scope,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
  });
  return manager;
}

/** OIDC: go to the identity provider (authorization code + PKCE). */
export async function oidcSignIn(cfg: Extract<AuthConfig, { mode: 'oidc' }>): Promise<void> {
  await oidcManager(cfg).signinRedirect();
}

/** OIDC: back from the identity provider with ?code=…&state=…; the access token is the API's bearer token. */
export async function oidcCallback(cfg: Extract<AuthConfig, { mode: 'oidc' }>): Promise<SignedIn | undefined> {
  const q = new URLSearchParams(location.search);
  if (!q.has('code') || !q.has('state')) return undefined;
  const user = await oidcManager(cfg).signinRedirectCallback();
  history.replaceState(null, '', '/');
  const profile = user.profile as Record<string, unknown>;
  return remember(fromToken(user.access_token, { name: String(profile.name ?? profile.sub) }));
}

export async function signOut(cfg: AuthConfig | undefined): Promise<void> {
  signOutLocally();
  if (cfg?.mode === 'oidc') await oidcManager(cfg).removeUser();
}
