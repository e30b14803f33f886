/**
 * Keyward verify for Fastify (`keyward/fastify`): a `preHandler` hook that lets a request through
 * only with a VALID key, attaching the answer as `request.keyward`.
 *
 * ```ts
 * app.get('/run', { preHandler: keywardFastify(verifier, { permission: 'functions.execute' }) }, (request) => request.keyward?.keyId);
 * ```
 *
 * Imports nothing of Fastify at run time (types only).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Verifier, VerifyAnswer } from '../client/index.js';
import { createGuard, firstHeader, PROBLEM_CONTENT_TYPE, type KeywardMiddlewareOptions } from './core.js';

export { KeywardConfigError } from './core.js';
export type { KeywardLogger, KeywardMiddlewareOptions, ProblemBody } from './core.js';
export type { Verifier, VerifyAnswer } from '../client/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The VALID verify answer, set by the Keyward preHandler on the routes it guards. */
    keyward?: VerifyAnswer;
  }
}

export interface KeywardFastifyHook {
  (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /** Resolves once the options' names are checked against Keyward's model; rejects naming a typo (await it at start). */
  readonly ready: Promise<void>;
}

export function keywardFastify(
  verifier: Verifier,
  options: KeywardMiddlewareOptions<FastifyRequest> = {},
): KeywardFastifyHook {
  const guard = createGuard<FastifyRequest>(verifier, options, {
    header: (request, name) => firstHeader(request.headers[name]),
    ip: (request) => request.ip,
  });
  const keywardPreHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const decision = await guard(request);
    if (decision.kind === 'allow') {
      request.keyward = decision.answer;
      return undefined;
    }
    if (decision.kind === 'error') throw decision.error;
    // An async hook that answered returns the reply, so Fastify stops the chain here.
    return reply.code(decision.status).headers(decision.headers).type(PROBLEM_CONTENT_TYPE).send(decision.body);
  };
  return Object.assign(keywardPreHandler, { ready: guard.ready });
}
