/** Liveness and readiness: `/healthz` says the process serves; `/readyz` that storage answers. */
import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { RouteContext } from './context.js';
import { sendProblem } from '../problem.js';

export const healthRoutes: FastifyPluginAsync<RouteContext> = async (app, { deps }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: storage answers' } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'storage not ready');
      return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'storage does not answer' });
    }
  });
};
