/**
 * The one place expected failures become HTTP: RFC 9457 problem details with `code` and
 * `requestId`, status from the error-code table unless the problem overrides it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, problemType } from '../api/errors.js';
import type { Problem, Result } from '../core/error-codes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The `code` of the problem this request was answered with, for the hooks that run after (the audit of refusals). */
    problemCode: string | null;
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemStatus(problem: Problem): number {
  return problem.status ?? ERROR_CODES[problem.code].status;
}

export function problemBody(problem: Problem, requestId: string): Record<string, unknown> {
  return {
    ...problem.extra,
    type: problemType(problem.code),
    title: ERROR_CODES[problem.code].title,
    status: problemStatus(problem),
    detail: problem.detail,
    code: problem.code,
    requestId,
  };
}

/** Also sets x-request-id: a problem may come from a route without the hook that does (plugins/route-hooks.ts), or from none. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  request.problemCode = problem.code;
  return reply
    .code(problemStatus(problem))
    .type(PROBLEM_CONTENT_TYPE)
    .header('x-request-id', request.id)
    .send(problemBody(problem, request.id));
}

/** Sends a service result: its value with `status`, or its problem. */
export function sendResult<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  result: Result<T>,
  status = 200,
): FastifyReply {
  return result.ok ? reply.code(status).send(result.value) : sendProblem(request, reply, result.problem);
}
