/**
 * The OpenAPI document is generated from the same zod schemas that validate requests,
 * so documentation and validation cannot drift apart.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  return new OpenAPIRegistry();
}

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Trygg och effektiv utskrivning — API',
      version: '0.1.0',
      description:
        'Coordinated discharge (Lag 2017:612), home health care and payment liability. ' +
        'Each operation shows the Swedish term staff use beside the English one.',
    },
    servers: [{ url: '/' }],
  });
}
