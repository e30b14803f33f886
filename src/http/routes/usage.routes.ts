/** `GET /v1/keys/{id}/usage`: a key's verifies per UTC day and verdict code, and its last use. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { KeyUsage, KeyUsageQuery } from '../../api/usage.js';
import { getKeyUsage } from '../../modules/usage/usage.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const usageRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.get('/v1/keys/:id/usage', {
    config: { requires: { permission: 'users.manage', orSelfParam: 'id' }, action: 'key.usage.read' },
    schema: {
      tags: ['keys'],
      operationId: 'getKeyUsage',
      summary:
        "A key's verifies per UTC day and verdict code (stored and this node's pending counts), and its last use",
      params: IdParams('key'),
      querystring: KeyUsageQuery,
      response: { 200: KeyUsage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getKeyUsage(deps, callerOf(request), request.params.id, request.query)),
  });
};
