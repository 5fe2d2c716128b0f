/**
 * The API client: openapi-fetch typed with the types openapi-typescript generated from the
 * service's own /openapi.json (web/scripts/build.ts). Every request carries the signed-in person's
 * token; an error answer is thrown as an ApiError with the API's code and message.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './generated/api';
import { session, signOutLocally } from './session';

export const api = createClient<paths>({ baseUrl: '' });

const auth: Middleware = {
  onRequest({ request }) {
    const s = session();
    if (s) request.headers.set('Authorization', `Bearer ${s.token}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      signOutLocally();
      window.dispatchEvent(new Event('signed-out'));
    }
    return response;
  },
};
api.use(auth);

export interface ErrorAnswer {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

/** The data of a successful answer, or an ApiError. */
export async function ok<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const r = await p;
  if (!r.response.ok) {
    const e = (r.error ?? {}) as Partial<ErrorAnswer>;
    throw new ApiError(r.response.status, e.error?.code ?? `HTTP_${r.response.status}`, e.error?.message ?? r.response.statusText, e.error?.details);
  }
  return r.data as T;
}

/** A fresh Idempotency-Key per user action: a retried click records nothing twice. */
export const idempotencyKey = () => crypto.randomUUID();
