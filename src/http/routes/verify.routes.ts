/** `POST /v1/verify` and `GET /v1/me`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Me } from '../../api/me.js';
import { VerifyAnswer, VerifyBody } from '../../api/verify.js';
import { getMe } from '../../modules/keys/me.service.js';
import type { VerifyResult } from '../../verify/verify.js';
import { callerOf } from '../plugins/auth.js';
import { lazyChildLogger } from '../lazy-logger.js';
import { sendResult } from '../problem.js';
import type { VerifyReply } from '../verify-replies.js';
import { verifyBodyCompiler } from '../verify-body.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const verifyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const replies = context.verifyReplies;
  /** The reply the fast path would send (verify-replies.ts), through Fastify: a string it sends as it is. */
  const sent = (request: FastifyRequest, reply: FastifyReply, answer: VerifyReply): string => {
    reply.code(answer.status).type(answer.contentType).header('x-request-id', request.id);
    if (answer.retryAfter !== undefined) reply.header('retry-after', answer.retryAfter);
    return answer.body;
  };
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown): string =>
    sent(request, reply, replies.failed(error, request.id, reply.elapsedTime));

  app.post('/v1/verify', {
    // The hot path: no shared hooks (it sets its own request id), no access log unless asked.
    config: { requires: { public: true }, action: 'verify', hotPath: true },
    // A well-formed body is recognised by hand, the schema judging any other (verify-body.ts);
    // the request's logger is made only if it writes a line (lazy-logger.ts).
    validatorCompiler: verifyBodyCompiler(() => app.validatorCompiler),
    childLoggerFactory: lazyChildLogger,
    schema: {
      tags: ['verify'],
      operationId: 'verifyKey',
      summary: 'May this key do this? 200 with a verdict for every key, permission and resource outcome',
      body: VerifyBody,
      response: { 200: VerifyAnswer, ...PROBLEM_RESPONSES },
    },
    // Not async: a cache hit is answered in this turn, and only a storage read makes a promise.
    // Most verifies never get here: the fast path beside the router answers them (verify-fast-path.ts).
    handler: (request, reply) => {
      const ip = request.ip;
      let result: VerifyResult | Promise<VerifyResult>;
      try {
        result = context.verify(request.body, ip);
      } catch (error) {
        return failed(request, reply, error);
      }
      if (result instanceof Promise) {
        return result.then(
          (settled) => sent(request, reply, replies.settled(settled, ip, request.id, reply.elapsedTime)),
          (error: unknown) => failed(request, reply, error),
        );
      }
      return sent(request, reply, replies.settled(result, ip, request.id, reply.elapsedTime));
    },
  });
  app.get('/v1/me', {
    config: { requires: { anyKey: true }, action: 'me.read', mayCallWhileMfaDue: true, rotatedOutSecretMayCall: true },
    schema: {
      tags: ['verify'],
      operationId: 'getMe',
      summary: 'The calling key and its effective grants',
      response: { 200: Me, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) => sendResult(request, reply, await getMe(context.deps, callerOf(request))),
  });
};
