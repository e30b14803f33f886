/**
 * OpenAPI 3.1 generated from the route schemas, at `/openapi.json`, and human docs at `/docs`.
 * Each operation's error answers are documented per status from what the route declares (see
 * openapi-responses.ts), so client generators get typed problem responses, and the routes that
 * need no key (verify, health, metrics) carry no security requirement.
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { documentedSchema } from './openapi-responses.js';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    // Shared schemas keep their $id as their component name (`Problem`, not `def-0`).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`,
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keyward',
        version,
        description:
          'API keys and permissions. Errors are RFC 9457 problem details (`application/problem+json`) with `code` and `requestId`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a Keyward API key' } } },
      security: [{ bearer: [] }],
    },
    // Only the document changes: the route's own schema (validation, serialization) stays as it is.
    transform: ({ schema, url, route }) => ({ schema: documentedSchema(schema, route), url }),
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The docs page gets the headers /ui has: its own scripts only, and never inside a frame.
    staticCSP: true,
    transformStaticCSP: (header) =>
      header.replace("frame-ancestors 'self'", "frame-ancestors 'none'").replace(/\s*upgrade-insecure-requests;?/, ''),
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.header('x-frame-options', 'DENY');
        reply.header('x-content-type-options', 'nosniff');
        reply.header('referrer-policy', 'no-referrer');
        done();
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
