/**
 * The OpenAPI document is generated from the same zod schemas that validate requests,
 * so documentation and validation cannot drift apart.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

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

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
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
  });
}
