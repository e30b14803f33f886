/** `POST /v1/verify` and `GET /v1/me`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me } from '../../api/me.js';
import { VerifyAnswer, VerifyBody } from '../../api/verify.js';
import { describeCaller } from '../../modules/keys/me.service.js';
import { verifyKey } from '../../verify/verify.js';
import { callerOf } from '../plugins/auth.js';
import { sendProblem, sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const verifyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  app.post('/v1/verify', {
    config: { requires: { public: true }, action: 'verify' },
    schema: {
      tags: ['verify'],
      operationId: 'verifyKey',
      summary: 'May this key do this? 200 with a verdict for every key, permission and resource outcome',
      body: VerifyBody,
      response: { 200: VerifyAnswer, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => {
      try {
        const result = await verifyKey(context.verify, request.body, request.ip);
        context.metrics.countVerify(result.ok ? result.value.code : result.problem.code);
        // Only an unknown key is counted against its source: a valid key's verify does nothing more.
        if (result.ok && result.value.code === 'NOT_FOUND') return context.floods.throttleNotFound(request, reply) ?? sendResult(request, reply, result);
        return sendResult(request, reply, result);
      } catch (error) {
        context.metrics.countVerify('UNAVAILABLE');
        // Storage did not answer a lookup the cache could not (or, stale, would not) serve:
        // the node cannot vouch for the key, so it says so rather than guess (SPEC §5).
        request.log.error({ err: error }, 'verify could not reach storage');
        return sendProblem(request, reply, { code: 'UNAVAILABLE', detail: 'this node cannot vouch for the key right now; retry, or ask another node' });
      }
    },
  });
  app.get('/v1/me', {
    config: { requires: { anyKey: true }, action: 'me.read', mayCallWhileMfaDue: true },
    schema: { tags: ['verify'], operationId: 'getMe', summary: 'The calling key and its effective grants', response: { 200: Me, ...PROBLEM_RESPONSES } },
    handler: async (request, reply) => sendResult(request, reply, await describeCaller(context.deps, callerOf(request))),
  });
};
