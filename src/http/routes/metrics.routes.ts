/** `GET /metrics`: Prometheus text format, no key needed (SPEC §5); put it behind your network's scrape rules. */
import type { FastifyPluginAsync } from 'fastify';
import type { RouteContext } from './context.js';

// Documentation only: the body is the registry's text, sent as it is (strings are not serialized).
const prometheusText = {
  description: 'Prometheus text exposition format',
  content: { 'text/plain': { schema: { type: 'string' } } },
};

export const metricsRoutes: FastifyPluginAsync<RouteContext> = async (app, { metrics }) => {
  app.get(
    '/metrics',
    {
      config: { requires: { public: true } },
      schema: {
        tags: ['health'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics of this node',
        response: { 200: prometheusText },
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
};
