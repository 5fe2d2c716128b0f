/**
 * The OpenAPI document is generated from the same zod schemas that validate requests,
 * so documentation and validation cannot drift apart.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { CONFIGURED_REGIONS } from './schemas/common';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT from the configured identity provider (claims: sub, role, organisation, region); locally: `npm run token`.',
  });
  return registry;
}

/** `regions`: the configured region ids, the document's enum of `RegionId`. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, opts: { regions?: readonly string[] } = {}) {
  const doc = completed(new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Trygg och effektiv utskrivning — API',
      version: '0.1.0',
      description:
        'Coordinated discharge (Lag 2017:612), home health care and payment liability. ' +
        'Each operation shows the Swedish term staff use beside the English one. ' +
        'Every operation but /health needs a bearer token (401 without one); a role that may not do something gets 403 ' +
        'ROLE_NOT_PERMITTED, and a process that is not the caller\'s gets 403 NOT_ACCESSIBLE, the same answer as one that does not exist.',
    },
    security: [{ bearerAuth: [] }],
    servers: [{ url: '/' }],
  }));
  if (opts.regions?.length) withRegionEnum(doc, opts.regions);
  return doc;
}

/** Every schema marked as a region id (schemas/common.ts `RegionIdSchema`) lists the configured regions. */
function withRegionEnum(node: unknown, regions: readonly string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) withRegionEnum(n, regions);
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o[CONFIGURED_REGIONS] === true) {
      delete o[CONFIGURED_REGIONS];
      o.enum = [...regions];
    }
    for (const v of Object.values(o)) withRegionEnum(v, regions);
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
type Doc = ReturnType<OpenApiGeneratorV31['generateDocument']>;
type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: { required?: string[] } }> }; parameters?: { name: string; in: string }[]; security?: unknown[] };

/**
 * What the generator leaves to us (issue 17, "the contract says what the API does"): a request
 * body with required fields is `required`; every `{param}` of a path is declared as a path
 * parameter; `/health` needs no token (`security: []`).
 */
function completed(doc: Doc): Doc {
  const errorContent = firstErrorContent(doc);
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      if (op.requestBody && requiresFields(doc, op.requestBody.content?.['application/json']?.schema as JsonSchemaLike | undefined)) op.requestBody.required = true;
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!(op.parameters ?? []).some((p) => p.in === 'path' && p.name === name)) {
          op.parameters = [...(op.parameters ?? []), { name: name!, in: 'path', required: true, schema: { type: 'string' } } as never];
        }
      }
      if (path === '/health') op.security = [];
      else if (errorContent) documentCommonStatuses(path, op as Operation & { responses?: Record<string, unknown> }, errorContent);
    }
  }
  return doc;
}

type JsonSchemaLike = { required?: string[]; $ref?: string; oneOf?: JsonSchemaLike[]; anyOf?: JsonSchemaLike[] };
/** A body schema with fields it requires: directly, or in every form of a oneOf/anyOf (e.g. the admin reset). */
function requiresFields(doc: Doc, schema: JsonSchemaLike | undefined): boolean {
  if (schema?.$ref) schema = (doc.components?.schemas as Record<string, JsonSchemaLike> | undefined)?.[schema.$ref.split('/').pop()!];
  if (!schema) return false;
  if ((schema.required?.length ?? 0) > 0) return true;
  const forms = schema.oneOf ?? schema.anyOf;
  return !!forms?.length && forms.every((f) => requiresFields(doc, f));
}

/** The error body every refusal has ({ error: { code, message, details? } }), as the document has it. */
function firstErrorContent(doc: Doc): unknown {
  for (const item of Object.values(doc.paths ?? {})) {
    for (const method of METHODS) {
      const responses = ((item as Record<string, { responses?: Record<string, { content?: unknown }> } | undefined>)[method])?.responses ?? {};
      for (const code of ['400', '403', '409']) if (responses[code]?.content) return responses[code]!.content;
    }
  }
  return undefined;
}

/**
 * Statuses every protected operation can answer, documented where a route did not list them
 * (Schemathesis found 15 such answers, issue 17): 401 without a valid token, 403 for a role or a
 * process not the caller's, 429 over the rate limit; 400 for a malformed path, query or body;
 * 413 for a body above the limit; 422 for a reused Idempotency-Key where the operation takes one.
 */
function documentCommonStatuses(path: string, op: Operation & { responses?: Record<string, unknown> }, content: unknown): void {
  const responses = (op.responses ??= {});
  const add = (code: string, description: string) => {
    if (!responses[code]) responses[code] = { description, content };
  };
  const isPublic = op.security !== undefined && (op.security as unknown[]).length === 0;
  if (!isPublic) {
    add('401', 'No valid bearer token (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED)');
    add('403', 'Your role may not do this (ROLE_NOT_PERMITTED), or the process is not yours (NOT_ACCESSIBLE)');
  }
  if (path.startsWith('/api')) add('429', 'Too many requests from one client (RATE_LIMITED)');
  if (/\{/.test(path) || (op.parameters ?? []).some((p) => p.in === 'query') || op.requestBody) add('400', 'Malformed input: the fields are named (VALIDATION_FAILED)');
  if (op.requestBody) add('413', 'The body is larger than the limit (256 kB)');
  // only where the operation takes the key: a POST that reads (a simulation, a search) never answers 422
  const takesKey = (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
  if (takesKey) add('422', 'The Idempotency-Key was already used for a different request (IDEMPOTENCY_KEY_REUSED)');
}

/**
 * The methods the document has for a concrete request path, or undefined when no path matches:
 * a known path asked with another method answers 405 with `Allow` (issue 17), not 404.
 */
export function methodsOf(doc: Doc): (path: string) => string[] | undefined {
  const table = Object.entries(doc.paths ?? {}).map(([template, item]) => ({
    re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
    methods: METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((m) => m.toUpperCase()),
  }));
  return (path) => {
    const hits = table.filter((t) => t.re.test(path));
    return hits.length ? [...new Set(hits.flatMap((h) => h.methods))] : undefined;
  };
}
