/** Liveness and readiness: `/healthz` says the process serves; `/readyz` that storage answers and the node is not stale. */
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { RouteContext } from './context.js';
import { sendProblem } from '../problem.js';

const tags = ['health'];
const notReady = { $ref: 'Problem#', description: 'Not ready: storage does not answer, or the node has not caught up with the change log lately (`UNAVAILABLE`)' };

export const healthRoutes: FastifyPluginAsync<RouteContext> = async (app, { deps, fresh }) => {
  app.get(
    '/healthz',
    { schema: { tags, operationId: 'getLiveness', summary: 'Liveness: the process serves requests', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        operationId: 'getReadiness',
        summary: 'Readiness: storage answers and the node is caught up with the change log; 503 otherwise',
        response: { 200: Type.Object({ status: Type.Literal('ready') }), 503: notReady },
      },
    },
    async (request, reply) => {
      if (!fresh()) return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'this node has not caught up with the change log lately' });
      try {
        await sql`select 1`.execute(deps.db);
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'storage not ready');
        return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'storage does not answer' });
      }
    },
  );
};
