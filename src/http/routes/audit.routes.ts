/** `/v1/audit`: the log (tenant.manage; root: every tenant) and its MAC chains' check. */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AuditCheck,
  AuditEvent,
  AuditPage,
  ExportAuditQuery,
  ListAuditQuery,
  VerifyAuditQuery,
} from '../../api/audit.js';
import { exportAudit } from '../../modules/audit/audit-export.js';
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
  app.get('/v1/audit/export', {
    config: { requires: manage, action: 'audit.export' },
    schema: {
      tags,
      operationId: 'exportAudit',
      summary: 'Every event a filtered audit view lists, as one CSV or JSON file, streamed page by page',
      querystring: ExportAuditQuery,
      response: {
        200: {
          description: 'the events, oldest first unless order=desc',
          content: {
            'text/csv': { schema: Type.String() },
            'application/json': { schema: Type.Array(AuditEvent) },
          },
        },
        ...PROBLEM_RESPONSES,
      },
    },
    handler: async (request, reply) => {
      const made = await exportAudit(deps, callerOf(request), request.query);
      if (!made.ok) return sendResult(request, reply, made);
      return reply
        .type(made.value.contentType)
        .header('content-disposition', `attachment; filename="${made.value.fileName}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(made.value.chunks));
    },
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
