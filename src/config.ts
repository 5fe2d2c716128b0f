/**
 * Service configuration: environment variables validated with zod at start-up.
 * A bad value stops start-up with a message naming the variable (docs/architecture.md "Configuration is data").
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_REGIONS, RegionSchema, type Region } from './domain/regions';
import { missingWebhookSecrets } from './domain/escalation';
import { DEV_ISSUER, type AuthConfig } from './auth/tokens';
import { DEVELOPMENT_PAYLOAD_KEYS, parsePayloadKeys, type PayloadKey } from './temporal/codec';

const port = z.coerce.number().int().min(1).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

/** The pseudonym key of local development: public, refused in production. */
export const DEVELOPMENT_PSEUDONYM_KEY = 'development-only-pseudonym-key';

export const envSchema = z.object({
  /** Which parts run in this process: both (npm start), or one of them (docker-compose services). */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  PORT: port.default(3000),
  /** Where npm start keeps the Temporal dev server's SQLite file and the PGlite ledger. */
  DATA_DIR: z.string().min(1).default('data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** When set, that Temporal server is used and no dev server is started. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('utskrivning'),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  /**
   * gRPC compression of the worker's and client's requests to Temporal. `none` by default: the
   * payloads are encrypted (incompressible), and gzip cost the embedded dev server about a tenth
   * of its CPU time (a CPU profile of bench:discharge). `gzip` (the SDK's default) may still pay
   * on a slow link to a remote cluster.
   */
  TEMPORAL_GRPC_COMPRESSION: z.enum(['none', 'gzip']).default('none'),
  /** Ports of the embedded dev server (only used without TEMPORAL_ADDRESS). */
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /**
   * The Temporal Web UI's "Stack Trace" tab for a running workflow: `on` makes the worker track a
   * stack trace for every promise workflow code creates (about a third of the workflow thread's
   * CPU time, patches/README.md); `off` (default) leaves it out and the tab says so. Turn it on
   * while investigating a workflow that seems stuck, then off again.
   */
  WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
  /**
   * How many processes the worker keeps in memory between their tasks (the SDK's default, from
   * the heap size, when unset). A process not in the cache is rebuilt by replaying its whole
   * history at its next action or deadline: with a cache far smaller than the processes that are
   * active at once, every action replays (README, configuration).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2, 'must be at least 2 (the SDK\'s smallest cache)').optional(),
  /** Where the worker's Temporal core exposes Prometheus metrics; /metrics includes them. */
  TEMPORAL_METRICS_BIND: z
    .string()
    .regex(/^[^:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:9464')
    .default('127.0.0.1:9464'),

  /** PostgreSQL for the episode ledger; without it the embedded PGlite in DATA_DIR is used. */
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  ),

  /** 001 §6.1 step 6a: the receipt-day cutoff for planning invitations, local time HH:MM. */
  INVITATION_CUTOFF: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM in 24-hour local time, e.g. 14:00')
    .default('14:00'),
  /** JSON file with the regions (municipalities, agreements, process settings); default: Halland and Gävleborg */
  REGIONS_FILE: optionalString,
  /**
   * Key of the pseudonymous patient reference written to the ledger (HMAC). Keep it secret and
   * stable: changing it breaks the link between old and new ledger rows of the same patient.
   */
  /** §6 e-mail channel: SMTP server of escalations, reminders and digests, e.g. smtp://mail.example:587 */
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  /** sender address of those e-mails */
  NOTIFY_FROM: z.email('must be an e-mail address').default('utskrivning@localhost'),
  /**
   * Keys of the payload encryption (src/temporal/codec.ts): `id:base64key[,id:base64key…]`, the
   * first encrypts, all decrypt. Default: a public development key — set your own in production.
   */
  PAYLOAD_KEYS: z.string().optional().transform((v, ctx) => {
    try {
      return parsePayloadKeys(v?.trim() ? v : DEVELOPMENT_PAYLOAD_KEYS);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** origins of the Temporal Web UI allowed to call the codec endpoint (comma-separated); default: the embedded dev server's UI */
  TEMPORAL_UI_ORIGINS: optionalString,
  /** requests per minute one client may make to /api (0: no limit); bursts above it get 429 */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(6000),
  /**
   * Indicators (issue 17): figures resting on fewer episodes, patients or events than this are not
   * shown (suppressed), as Swedish official statistics do; 1 shows everything.
   */
  INDICATOR_SUPPRESSION_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  PSEUDONYM_KEY: z.string().min(16, 'must be at least 16 characters').default(DEVELOPMENT_PSEUDONYM_KEY),

  /** §10 authentication: the OIDC issuer whose tokens are accepted (with AUTH_JWKS_URL) */
  AUTH_ISSUER: optionalString,
  /** the issuer's JWKS, e.g. https://idp.example/.well-known/jwks.json; unset → local development tokens */
  AUTH_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  /** the `aud` every token must carry */
  AUTH_AUDIENCE: z.string().min(1).default('utskrivning-api'),
  /**
   * the longest validity (exp − iat) of a token that is accepted, in hours; longer-lived tokens are
   * refused (TOKEN_LIFETIME_TOO_LONG). Development tokens: at most 10 h whatever this says.
   */
  AUTH_MAX_TOKEN_LIFETIME_HOURS: z.coerce.number().positive().max(168, 'must be at most 168 (a week)').default(12),
  /** the development signing key (only without AUTH_JWKS_URL); default DATA_DIR/auth/dev-signing-key.json */
  AUTH_DEV_KEY_FILE: optionalString,
  NODE_ENV: optionalString,
});

export type Env = z.infer<typeof envSchema>;

export interface TlsConfig {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
}

export interface Config {
  role: Env['ROLE'];
  port: number;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    /** undefined → start the embedded dev server */
    address?: string;
    namespace: string;
    taskQueue: string;
    tls?: TlsConfig;
    apiKey?: string;
    grpcCompression: Env['TEMPORAL_GRPC_COMPRESSION'];
    devPort: number;
    uiPort: number;
    metricsBind: string;
    /** WORKFLOW_STACK_TRACES: the stack trace query of running workflows */
    workflowStackTraces: boolean;
    /** WORKER_MAX_CACHED_WORKFLOWS; undefined → the SDK's default */
    maxCachedWorkflows?: number;
  };
  databaseUrl?: string;
  calendar: { invitationCutoff: string };
  regions: Region[];
  /** §6 channels: SMTP for e-mail (none → e-mail deliveries are recorded as failed, naming why) */
  notify: { smtpUrl?: string; from: string };
  pseudonymKey: string;
  /** payload encryption keys, the first encrypts */
  payloadKeys: PayloadKey[];
  /** Web UI origins that may use the codec endpoint */
  temporalUiOrigins: string[];
  /** requests per minute and client on /api; 0 = unlimited */
  rateLimitPerMinute: number;
  /** bearer-token verification (src/auth/tokens.ts) */
  auth: AuthConfig;
  /** the indicator report: counts under `suppressBelow` (INDICATOR_SUPPRESSION_THRESHOLD) are suppressed */
  indicators: { suppressBelow: number };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        // a secret is never echoed, not even a wrong one
        const got = /KEY|SECRET|PASSWORD|TOKEN/.test(name) ? 'a value that is not shown' : JSON.stringify(env[name]);
        return `${i.path.join('.') || '(environment)'}: ${i.message} (got ${got})`;
      }),
    );
  }
  const e = parsed.data;
  const tlsGiven = e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_KEY_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_TLS_SERVER_NAME;
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError(['TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mutual TLS, or neither']);
  }
  if (!e.TEMPORAL_ADDRESS && (tlsGiven || e.TEMPORAL_API_KEY)) {
    throw new ConfigError(['TEMPORAL_ADDRESS: TLS settings or an API key were given but no server address; set TEMPORAL_ADDRESS']);
  }
  // Production: the region's identity provider is required where tokens are accepted (the API; a
  // worker accepts none). Never a fallback to the development key (docker-compose.yml, README).
  if (e.NODE_ENV === 'production' && e.ROLE !== 'worker' && (!e.AUTH_ISSUER || !e.AUTH_JWKS_URL)) {
    const missing = [!e.AUTH_ISSUER && 'AUTH_ISSUER', !e.AUTH_JWKS_URL && 'AUTH_JWKS_URL'].filter(Boolean).join(' and ');
    throw new ConfigError([`${missing}: required when NODE_ENV=production (your identity provider's issuer and its JWKS URL); development tokens are never accepted in production`]);
  }
  // Production: the payload keys and the pseudonym key are the operator's own. The development
  // defaults are public (in this repository): with them anyone could decrypt the histories or
  // reverse a patient's pseudonym by trying personnummer (README "Patient data protection").
  if (e.NODE_ENV === 'production') {
    const publicDefaults = [
      (!env.PAYLOAD_KEYS?.trim() || env.PAYLOAD_KEYS.trim() === DEVELOPMENT_PAYLOAD_KEYS) && 'PAYLOAD_KEYS',
      (!env.PSEUDONYM_KEY || env.PSEUDONYM_KEY === DEVELOPMENT_PSEUDONYM_KEY) && 'PSEUDONYM_KEY',
    ].filter(Boolean);
    if (publicDefaults.length) {
      throw new ConfigError([
        `${publicDefaults.join(' and ')}: your own secret is required when NODE_ENV=production; the development default is public (PAYLOAD_KEYS=k1:$(openssl rand -base64 32), PSEUDONYM_KEY=$(openssl rand -base64 32))`,
      ]);
    }
  }
  if ((e.AUTH_ISSUER === undefined) !== (e.AUTH_JWKS_URL === undefined)) {
    throw new ConfigError(['AUTH_ISSUER and AUTH_JWKS_URL: set both to accept your identity provider\'s tokens, or neither for local development tokens']);
  }
  let regions = DEFAULT_REGIONS;
  if (e.REGIONS_FILE) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(e.REGIONS_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError([`REGIONS_FILE: cannot read ${e.REGIONS_FILE} as JSON: ${(err as Error).message}`]);
    }
    const r = RegionSchema.array().min(1).safeParse(raw);
    if (!r.success) throw new ConfigError(r.error.issues.map((i) => `REGIONS_FILE ${i.path.join('.')}: ${i.message}`));
    regions = r.data;
    // §6 webhook channels: the HMAC key comes from the environment, never from the file
    const missing = regions.flatMap((reg, i) => missingWebhookSecrets(reg.escalation, env, `REGIONS_FILE ${i}.escalation`));
    if (missing.length) throw new ConfigError(missing);
  }
  return {
    role: e.ROLE,
    port: e.PORT,
    dataDir: resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: tlsGiven
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: e.TEMPORAL_API_KEY,
      grpcCompression: e.TEMPORAL_GRPC_COMPRESSION,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      metricsBind: e.TEMPORAL_METRICS_BIND,
      workflowStackTraces: e.WORKFLOW_STACK_TRACES === 'on',
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    },
    databaseUrl: e.DATABASE_URL,
    calendar: { invitationCutoff: e.INVITATION_CUTOFF },
    regions,
    notify: { smtpUrl: e.SMTP_URL, from: e.NOTIFY_FROM },
    pseudonymKey: e.PSEUDONYM_KEY,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    auth: {
      issuer: e.AUTH_ISSUER ?? DEV_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      devKeyFile: resolve(e.AUTH_DEV_KEY_FILE ?? `${e.DATA_DIR}/auth/dev-signing-key.json`),
      regions,
      maxLifetimeHours: e.AUTH_MAX_TOKEN_LIFETIME_HOURS,
    },
    payloadKeys: e.PAYLOAD_KEYS,
    indicators: { suppressBelow: e.INDICATOR_SUPPRESSION_THRESHOLD },
    temporalUiOrigins: e.TEMPORAL_UI_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean) ?? [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`],
  };
}
