/**
 * `POST /v1/sso/token`: the CLI (`keyward login --sso`) trades the code its loopback address was
 * handed, with the PKCE verifier only it holds, for its session token (cli-handoff.ts). No key is
 * needed: the code and the verifier together are the proof.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CreateSsoTokenBody, SsoToken } from '../../api/sessions.js';
import { createSsoToken } from '../../modules/sso/sso-token.js';
import { sendProblem } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const ssoCliRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/sso/token', {
    config: { requires: { public: true }, action: 'sso.token.create' },
    schema: {
      tags: ['sso'],
      operationId: 'createSsoToken',
      summary: "The CLI's session token, for the code of its sign-in and the PKCE verifier only it holds",
      body: CreateSsoTokenBody,
      response: { 200: SsoToken, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const actor = { keyId: null, requestId: request.id, sourceIp: request.ip };
      const result = await createSsoToken(deps, actor, request.body);
      reply.header('cache-control', 'no-store');
      return result.ok ? reply.send(result.value) : sendProblem(request, reply, result.problem);
    },
  });
};
