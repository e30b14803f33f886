/**
 * Operators sign in as the instance (SPEC §6): `GET /v1/sso/operator` redirects to the operators'
 * provider (`KEYWARD_OPERATOR_OIDC_*`); its answer comes back to the one callback, `/v1/sso/callback`.
 * `GET /v1/sso/options` tells the console's sign-in page whether to offer it. Neither needs a key.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SsoOperatorStartQuery, SsoOptions } from '../../api/sessions.js';
import { checkCliStart } from '../../modules/sso/cli-handoff.js';
import { createSsoOperatorSignIn, getSsoOptions } from '../../modules/sso/operator-sign-in.js';
import { sendProblem } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';
import { redirectToProvider, startOptions } from './sso-handoff.js';

const tags = ['sso'];
const open = { requires: { public: true } } as const;

export const ssoOperatorRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps, config, sso }) => {
  app.get('/v1/sso/operator', {
    config: { ...open, action: 'sso.operatorSignIn.create' },
    schema: {
      tags,
      operationId: 'createSsoOperatorSignIn',
      summary: "Operators' sign-in: redirects to the operators' provider; the session acts as the instance",
      querystring: SsoOperatorStartQuery,
      response: { ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      const { client = 'console', redirect, challenge } = request.query;
      const cli = checkCliStart(client, redirect, challenge);
      if (!cli.ok) return sendProblem(request, reply, cli.problem);
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      const started = await createSsoOperatorSignIn(sso, {
        ...startOptions(client, redirect, challenge),
        redirectUri: `${base}/v1/sso/callback`,
      });
      return redirectToProvider(request, reply, deps, started);
    },
  });

  app.get('/v1/sso/options', {
    config: { ...open, action: 'sso.options.read' },
    schema: {
      tags,
      operationId: 'getSsoOptions',
      summary: 'What the sign-in page may offer: whether operators sign in with their provider here',
      response: { 200: SsoOptions, ...PROBLEM_RESPONSES },
    },
    handler: async (_request, reply) => reply.header('cache-control', 'no-store').send(getSsoOptions(sso)),
  });
};
