/** `/v1/sessions`: SSO sessions, listed and ended (a person their own; `users.manage` the tenant's). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { ListSessionsQuery, Session, SessionPage } from '../../api/sessions.js';
import { deleteSession, getSession, listSessions } from '../../modules/sessions/sessions.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { clearSessionCookies } from '../session-cookies.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['sessions'];
// Whose sessions the caller may see and end is decided by the service: its own person's, or users.manage's.
const anyKey = { anyKey: true } as const;

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.get('/v1/sessions', {
    config: { requires: anyKey, action: 'session.list' },
    schema: {
      tags,
      operationId: 'listSessions',
      summary: "List live sessions: the caller's own person's, or with users.manage the tenant's",
      querystring: ListSessionsQuery,
      response: { 200: SessionPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listSessions(deps, callerOf(request), request.query)),
  });
  app.get('/v1/sessions/:id', {
    config: { requires: anyKey, action: 'session.read' },
    schema: {
      tags,
      operationId: 'getSession',
      summary: 'Read a session',
      params: IdParams('session'),
      response: { 200: Session, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getSession(deps, callerOf(request), request.params.id)),
  });
  app.delete('/v1/sessions/:id', {
    config: { requires: anyKey, action: 'session.delete' },
    schema: {
      tags,
      operationId: 'deleteSession',
      summary: 'End a session (signing out, when it is the caller’s own)',
      params: IdParams('session'),
      response: { 200: Session, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const caller = callerOf(request);
      const result = await deleteSession(deps, caller, request.params.id);
      if (result.ok && request.params.id === caller.sessionId) clearSessionCookies(request, reply);
      return sendResult(request, reply, result);
    },
  });
};
