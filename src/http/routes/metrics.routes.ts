/** `GET /metrics`: Prometheus text format, no key needed (SPEC §5); put it behind your network's scrape rules. */
import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.js';

export const metricsRoutes: FastifyPluginAsync<RouteContext> = async (app, { metrics }) => {
  app.get('/metrics', { config: { requires: { public: true } }, schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
