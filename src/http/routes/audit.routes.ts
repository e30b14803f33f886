/** `/v1/audit`: the log (tenant.manage; root: every tenant) and its MAC chains' check. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditCheck, AuditPage, ListAuditQuery, VerifyAuditQuery } from '../../api/audit.js';
import { listAuditEvents, verifyAudit } from '../../modules/audit/audit.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['audit'];
const manage = { permission: 'tenant.manage' } as const;

export const auditRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.get('/v1/audit', {
    config: { requires: manage, action: 'audit.list' },
    schema: {
      tags,
      operationId: 'listAuditEvents',
      summary:
        'Audit events by actor, target, action, outcome and time: every change and every refused management call',
      querystring: ListAuditQuery,
      response: { 200: AuditPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listAuditEvents(deps, callerOf(request), request.query)),
  });
  app.get('/v1/audit/verify', {
    config: { requires: manage, action: 'audit.verify' },
    schema: {
      tags,
      operationId: 'verifyAudit',
      summary: 'Walk the MAC chain(s): ok, or the first event edited, deleted or out of order, or a head moved',
      querystring: VerifyAuditQuery,
      response: { 200: AuditCheck, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await verifyAudit(deps, callerOf(request), request.query.tenantId)),
  });
};
