/** Liveness and readiness: `/healthz` says the process serves; `/readyz` that storage answers and the node is not stale. */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { RouteContext } from './context.js';
import { sendProblem } from '../problem.js';

export const healthRoutes: FastifyPluginAsync<RouteContext> = async (app, { deps, fresh }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: storage answers and the node is caught up with the change log' } }, async (request, reply) => {
    if (!fresh()) return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'this node has not caught up with the change log lately' });
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'storage not ready');
      return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'storage does not answer' });
    }
  });
};
