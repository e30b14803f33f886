/** `POST /v1/verify` and `GET /v1/me`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Me } from '../../api/me.js';
import { VerifyAnswer, VerifyBody, type VerifyAnswerObject } from '../../api/verify.js';
import { getMe } from '../../modules/keys/me.service.js';
import { CorruptColumnError } from '../../storage/corrupt-column.js';
import { answerJson, type VerifyResult } from '../../verify/verify.js';
import { callerOf } from '../plugins/auth.js';
import { lazyChildLogger } from '../lazy-logger.js';
import { sendProblem, sendResult } from '../problem.js';
import { verifyBodyCompiler } from '../verify-body.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

export const verifyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  /** The answer to send (Fastify serializes it), or undefined once a problem was sent. */
  const { metrics, storageOutage } = context;
  // Latency from the request's arrival (Fastify's own start time: one clock read here).
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    result: VerifyResult,
  ): VerifyAnswerObject | string | undefined => {
    if (result.ok) {
      const code = result.value.code;
      metrics.countVerify(code);
      metrics.observeVerify(code === 'VALID' ? 'valid' : 'denied', reply.elapsedTime / 1000);
      // Only an unknown key is counted against its source: a valid key's verify does nothing more.
      if (code === 'NOT_FOUND' && context.floods.throttleNotFound(request, reply) !== null) return undefined;
      // A reused answer goes out as the JSON written for it once: a string with a JSON type is not serialised again.
      const json = answerJson(result);
      if (json === undefined) return result.value;
      reply.type('application/json; charset=utf-8');
      return json;
    }
    metrics.countVerify(result.problem.code);
    metrics.observeVerify(result.problem.code === 'UNAVAILABLE' ? 'unavailable' : 'invalid', reply.elapsedTime / 1000);
    sendProblem(request, reply, result.problem);
    return undefined;
  };

  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown): undefined =>
    error instanceof CorruptColumnError ? corrupt(request, reply, error) : unavailable(request, reply, error);

  // Storage answered, with a row its columns cannot hold (a hand edit, a bug): not an outage, and
  // no other node would answer better, so not 503. A server-side fault, said with the row to repair.
  const corrupt = (request: FastifyRequest, reply: FastifyReply, error: CorruptColumnError): undefined => {
    metrics.countVerify('INTERNAL');
    const keyId = error.rowId ?? 'unknown';
    request.log.error(
      { keyId, column: error.column, reason: error.reason },
      `verify: key ${keyId} has corrupt stored data (${error.column}: ${error.reason}); it answers 500 until the row is repaired`,
    );
    sendProblem(request, reply, { code: 'INTERNAL', detail: 'an unexpected error occurred' });
    return undefined;
  };

  const unavailable = (request: FastifyRequest, reply: FastifyReply, error: unknown): undefined => {
    metrics.countVerify('UNAVAILABLE');
    metrics.observeVerify('unavailable', reply.elapsedTime / 1000);
    // Storage did not answer a lookup the cache could not (or, stale, would not) serve:
    // the node cannot vouch for the key, so it says so rather than guess (SPEC §5). Said once
    // per outage, with the request id of the first; the rest are counted until the change
    // follower or the storage probe hears from storage again (outage-log.ts).
    storageOutage.failed('verify', error, `verify could not reach storage (request ${request.id})`);
    sendProblem(request, reply, {
      code: 'UNAVAILABLE',
      detail: 'this node cannot vouch for the key right now; retry, or ask another node',
    });
    return undefined;
  };

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
    handler: (request, reply) => {
      reply.header('x-request-id', request.id);
      let result: VerifyResult | Promise<VerifyResult>;
      try {
        result = context.verify(request.body, request.ip);
      } catch (error) {
        return failed(request, reply, error);
      }
      if (result instanceof Promise) {
        return result.then(
          (settled) => answer(request, reply, settled),
          (error: unknown) => failed(request, reply, error),
        );
      }
      return answer(request, reply, result);
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
