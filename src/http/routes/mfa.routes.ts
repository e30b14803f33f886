/** TOTP MFA: `/v1/users/{id}/mfa` (the user's own key, or `users.manage`) and `/v1/me/mfa/verify` (any key of a user). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { MfaCodeBody, MfaEnrolment, MfaStatus, MfaVerified } from '../../api/mfa.js';
import {
  confirmUserMfa,
  getUserMfa,
  resetUserMfa,
  enrolUserMfa,
  verifyMfaCode,
} from '../../modules/mfa/mfa.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['mfa'];
const userOrManager = { permission: 'users.manage', orOwnUserParam: 'id' } as const;

export const mfaRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.get('/v1/users/:id/mfa', {
    config: { requires: userOrManager, action: 'user.mfa.read' },
    schema: {
      tags,
      operationId: 'getUserMfa',
      summary: "Whether a user's MFA is enrolled (never the seed)",
      params: IdParams('user'),
      response: { 200: MfaStatus, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getUserMfa(deps, callerOf(request), request.params.id)),
  });
  app.post('/v1/users/:id/mfa', {
    config: { requires: userOrManager, action: 'user.mfa.enrol' },
    schema: {
      tags,
      operationId: 'enrolUserMfa',
      summary: 'Start (or, while unconfirmed, restart) TOTP enrolment: the seed, shown once',
      params: IdParams('user'),
      response: { 201: MfaEnrolment, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      // The seed is in this body: no cache along the way may keep it.
      reply.header('cache-control', 'no-store');
      return sendResult(request, reply, await enrolUserMfa(deps, callerOf(request), request.params.id), 201);
    },
  });
  app.post('/v1/users/:id/mfa/confirm', {
    config: { requires: userOrManager, action: 'user.mfa.confirm' },
    schema: {
      tags,
      operationId: 'confirmUserMfa',
      summary: 'Confirm enrolment with a first code',
      params: IdParams('user'),
      body: MfaCodeBody,
      response: { 200: MfaStatus, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await confirmUserMfa(deps, callerOf(request), request.params.id, request.body.code)),
  });
  app.delete('/v1/users/:id/mfa', {
    config: { requires: userOrManager, action: 'user.mfa.reset' },
    schema: {
      tags,
      operationId: 'resetUserMfa',
      summary: "Reset a user's MFA (enrolled or pending)",
      params: IdParams('user'),
      response: { 200: MfaStatus, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await resetUserMfa(deps, callerOf(request), request.params.id)),
  });
  app.post('/v1/me/mfa/verify', {
    config: { requires: { anyKey: true }, action: 'me.mfa.verify', mayCallWhileMfaDue: true },
    schema: {
      tags,
      operationId: 'verifyMfaCode',
      summary: "Check a code of the calling key's user (UI sign-in)",
      body: MfaCodeBody,
      response: { 200: MfaVerified, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await verifyMfaCode(deps, callerOf(request), request.body.code)),
  });
};
