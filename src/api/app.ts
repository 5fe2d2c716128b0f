/**
 * The HTTP API staff, coordinators and administrators use: a thin layer over the workflows
 * (express + zod, OpenAPI generated from the same schemas).
 */
import express, { type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { LedgerStore } from '../db/ledger';
import type { Logger } from '../logger';
import { errorHandler, HttpError } from './errors';
import { createMetrics } from './metrics';
import { buildOpenApiDocument, createRegistry, methodsOf } from './openapi';
import { adminRoutes } from './routes/admin';
import { billingRoutes } from './routes/billing';
import { calendarRoutes } from './routes/calendar';
import { coordinatorRoutes } from './routes/coordinators';
import { episodeRoutes } from './routes/discharge';
import { homeCareRoutes } from './routes/home-care';
import { homeVisitRoutes } from './routes/home-visit';
import { indicatorRoutes } from './routes/indicators';
import { unitRoutes } from './routes/units';
import { codecRoutes } from './routes/codec';
import { EncryptionCodec } from '../temporal/codec';
import { auditRoutes } from './routes/audit';
import { webRoutes } from './web';
import { authenticate, ProcessAccess, requireRole } from './auth';
import { createVerifier, type Verifier } from '../auth/tokens';

export interface AppDeps {
  config: Config;
  logger: Logger;
  client: Client;
  ledger: LedgerStore;
  /** URL of the in-process worker's core metrics, when the worker runs in this process. */
  workerMetricsUrl?: string;
  /** bearer-token verification; default: from config.auth (src/auth/tokens.ts) */
  verify?: Verifier;
}

/** The verifier of config.auth, created on first use (it may read the development key file). */
function lazyVerifier(auth: Config['auth']): Verifier {
  let v: Promise<Verifier> | undefined;
  return async (header) => {
    v ??= createVerifier(auth).catch((err) => {
      v = undefined;
      throw err;
    });
    return (await v)(header);
  };
}

const HealthBody = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({
      temporal: z.object({ ok: z.boolean(), error: z.string().optional() }),
      database: z.object({ ok: z.boolean(), kind: z.string(), error: z.string().optional() }),
    }),
  })
  .meta({ id: 'Health' });

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s')), 3000).unref())]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function createApp(deps: AppDeps): Express {
  const { config, logger, client, ledger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const metrics = createMetrics(deps.workerMetricsUrl);
  const registry = createRegistry();
  // Security headers (docs/domain.md §10). No upgrade-insecure-requests: the service speaks plain HTTP
  // behind its TLS-terminating proxy, and on localhost for `npm start`.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(metrics.middleware);
  // Patient and process data must never sit in a browser's or a proxy's cache (issue 17)
  app.use(['/api', '/codec'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  if (config.rateLimitPerMinute > 0) {
    // per client address; an honest retry storm or a runaway script gets 429, never the workflows
    app.use('/api', rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => {
        res.status(429).json({ error: { code: 'RATE_LIMITED', message: `Too many requests: at most ${config.rateLimitPerMinute} a minute from one client. Wait a moment and try again.` } });
      },
    }));
  }
  // the staff workspace (web/) and its sign-in: public, the data comes from /api with a token
  app.use(webRoutes(config));
  // §10: every request but /health and the API's description carries a verified bearer token
  app.use(authenticate(deps.verify ?? lazyVerifier(config.auth)));
  // 256 kB is far above any real action; a larger body is refused with 413 before it is parsed
  app.use(express.json({ limit: '256kb' }));
  const access = new ProcessAccess({ client, regions: config.regions, db: ledger.db });

  registry.registerPath({
    method: 'get',
    path: '/health',
    tags: ['Drift (operations)'],
    summary: 'Health — Temporal and the database reachable',
    responses: {
      200: { description: 'Healthy', content: { 'application/json': { schema: HealthBody } } },
      503: { description: 'Temporal or the database unreachable', content: { 'application/json': { schema: HealthBody } } },
    },
  });
  app.get('/health', async (_req, res) => {
    const [temporal, database] = await Promise.all([
      check(() => client.workflowService.getSystemInfo({})),
      check(() => ledger.ping()),
    ]);
    const ok = temporal.ok && database.ok;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: { temporal, database: { ...database, kind: ledger.kind } } });
  });

  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['Drift (operations)'],
    summary: 'Prometheus metrics (HTTP and Temporal worker)',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
  });
  app.get('/metrics', (req, res, next) => {
    requireRole(req, ['administrator'], 'read the service metrics');
    return metrics.handler(req, res, next);
  });

  app.use(codecRoutes(registry, { codec: new EncryptionCodec(config.payloadKeys), uiOrigins: config.temporalUiOrigins }));
  app.use(calendarRoutes(registry, config.calendar));
  app.use(episodeRoutes(registry, { client, config, ledger, access }));
  app.use(unitRoutes(registry, { ledger, config, access }));
  app.use(coordinatorRoutes(registry, { client, config, ledger, access }));
  app.use(homeCareRoutes(registry, { client, config, ledger, access }));
  app.use(homeVisitRoutes(registry, { client, config, ledger, access }));
  app.use(billingRoutes(registry, { client, config, ledger }));
  app.use(adminRoutes(registry, { client, config, ledger, processes: access }));
  app.use(indicatorRoutes(registry, { config, ledger }));
  app.use(auditRoutes(registry, { config, ledger }));

  const openapi = buildOpenApiDocument(registry, { regions: config.regions.map((r) => r.id) });
  app.get('/openapi.json', (_req, res) => { res.json(openapi); });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Utskrivning API' }));

  // a path the API has, with a method it does not: 405 with Allow (RFC 9110 §15.5.6), not 404
  const allowed = methodsOf(openapi);
  app.use((req, res, next) => {
    const methods = allowed(req.path);
    if (methods && !methods.includes(req.method)) {
      const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].join(', ');
      res.setHeader('Allow', allow);
      return next(new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not an operation of ${req.path}; allowed: ${allow}.`));
    }
    next(new HttpError(404, 'NOT_FOUND', `No such endpoint: ${req.method} ${req.path}`));
  });
  app.use(errorHandler(logger));
  return app;
}
