/** `GET /v1/analytics/verifications`: verifications over time, by code, key or verify tag (SPEC §5, issue 29). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Verifications, VerificationsQuery } from '../../api/analytics.js';
import { getAnalyticsVerifications } from '../../modules/usage/analytics.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const analyticsRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.get('/v1/analytics/verifications', {
    // SPEC §5: tenant.manage, or users.manage for its keys (every key of the tenant it manages).
    config: {
      requires: { anyOf: [{ permission: 'tenant.manage' }, { permission: 'users.manage' }] },
      action: 'analytics.verifications.read',
    },
    schema: {
      tags: ['analytics'],
      operationId: 'getAnalyticsVerifications',
      summary:
        'Verifications over time by verdict code, key (the busiest) or verify tag, per UTC hour or day, for dashboards',
      querystring: VerificationsQuery,
      response: { 200: Verifications, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getAnalyticsVerifications(deps, callerOf(request), request.query)),
  });
};
