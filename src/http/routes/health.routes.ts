/**
 * Liveness and readiness: `/healthz` says the process serves; `/readyz` that storage answers and
 * the node is not stale, and, where Redis is configured, whether Redis answers. Redis does not
 * decide readiness: every node shares it, so a Redis outage would take every node out of the load
 * balancer at once, when rate limits have a documented fallback (docs/limits.md).
 */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { RouteContext } from './context.js';
import { sendProblem } from '../problem.js';

const tags = ['health'];
const notReady = {
  $ref: 'Problem#',
  description:
    'Not ready (`UNAVAILABLE`), `detail` says why: the node is stopping, storage does not answer, the node has not caught up with the change log lately, or (while starting) `database: waiting`',
};

const Ready = Type.Object({
  status: Type.Literal('ready'),
  redis: Type.Optional(
    Type.Union([Type.Literal('up'), Type.Literal('down')], {
      description: 'With KEYWARD_REDIS_URL: whether Redis answers this node; rate limits fall back while down',
    }),
  ),
});

export const healthRoutes: FastifyPluginAsync<RouteContext> = async (app, { fresh, ping, redis, stopping }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        operationId: 'getLiveness',
        summary: 'Liveness: the process serves requests',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        operationId: 'getReadiness',
        summary:
          'Readiness: storage answers and the node is caught up with the change log; 503 otherwise. Says whether Redis answers.',
        response: { 200: Ready, 503: notReady },
      },
    },
    async (request, reply) => {
      if (stopping()) return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'this node is stopping' });
      if (!fresh())
        return sendProblem(request, reply, {
          code: 'UNAVAILABLE',
          detail: 'this node has not caught up with the change log lately',
        });
      try {
        await ping();
        return redis === undefined
          ? { status: 'ready' }
          : { status: 'ready', redis: redis.state === 'up' ? 'up' : 'down' };
      } catch (error) {
        request.log.warn({ err: error }, 'storage not ready');
        return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'storage does not answer' });
      }
    },
  );
};
