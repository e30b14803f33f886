/**
 * What `POST /v1/verify` answers, as bytes: a verdict's JSON, or a problem's, with its status and
 * the headers it needs, and the metrics, log lines and throttling that go with it. One place for
 * both ways a verify arrives (issue 27): Fastify's route (verify.routes.ts) and the fast path
 * beside Fastify's router (verify-fast-path.ts) send the same reply for the same result, so the
 * two can never answer differently. Bodies are serialised with the route's own response schemas
 * by the library Fastify uses for them (fast-json-stringify), so a reply sent as a string here is
 * byte for byte what Fastify would have written from the object.
 */
import fastJsonStringify from 'fast-json-stringify';
import type { FastifyBaseLogger } from 'fastify';
import { ProblemSchema } from '../api/common.js';
import { VerifyAnswer } from '../api/verify.js';
import type { Problem } from '../core/error-codes.js';
import { CorruptColumnError } from '../storage/corrupt-column.js';
import { answerJson, verdictCode, type VerifyResult } from '../verify/verify.js';
import { tooManyFailures, type FloodControl } from './flood-control.js';
import type { Metrics } from './metrics.js';
import type { OutageLog } from './outage-log.js';
import { PROBLEM_CONTENT_TYPE, problemBody, problemStatus } from './problem.js';

export const VERDICT_CONTENT_TYPE = 'application/json; charset=utf-8';
/** As Fastify writes a problem's type for a body it serialised: with the charset. */
const PROBLEM_TYPE = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;

export interface VerifyReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Seconds, for a 429. */
  readonly retryAfter?: string;
}

export interface VerifyReplyDeps {
  readonly metrics: Metrics;
  readonly floods: Pick<FloodControl, 'notFoundWait'>;
  readonly storageOutage: OutageLog;
  /** The request's logger, made only when a line is written. */
  readonly log: (requestId: string) => FastifyBaseLogger;
}

export interface VerifyReplies {
  /** The reply to a verify that settled; `elapsedMs` since the request arrived. */
  settled(result: VerifyResult, ip: string, requestId: string, elapsedMs: number): VerifyReply;
  /** The reply to a verify that threw or rejected: storage did not answer, or answered a corrupt row. */
  failed(error: unknown, requestId: string, elapsedMs: number): VerifyReply;
}

const serializeAnswer = fastJsonStringify(VerifyAnswer);
const serializeProblem = fastJsonStringify(ProblemSchema);

export function problemReply(problem: Problem, requestId: string, retryAfter?: number): VerifyReply {
  return {
    status: problemStatus(problem),
    contentType: PROBLEM_TYPE,
    body: serializeProblem(problemBody(problem, requestId)),
    ...(retryAfter === undefined ? {} : { retryAfter: String(retryAfter) }),
  };
}

export function verifyReplies(deps: VerifyReplyDeps): VerifyReplies {
  const { metrics, storageOutage } = deps;

  const corrupt = (error: CorruptColumnError, requestId: string, elapsedMs: number): VerifyReply => {
    // Storage answered, with a row its columns cannot hold (a hand edit, a bug): not an outage, and
    // no other node would answer better, so not 503. A server-side fault, said with the row to repair.
    metrics.countVerify('INTERNAL');
    metrics.observeVerify('error', elapsedMs / 1000);
    const keyId = error.rowId ?? 'unknown';
    deps
      .log(requestId)
      .error(
        { keyId, column: error.column, reason: error.reason },
        `verify: key ${keyId} has corrupt stored data (${error.column}: ${error.reason}); it answers 500 until the row is repaired`,
      );
    return problemReply({ code: 'INTERNAL', detail: 'an unexpected error occurred' }, requestId);
  };

  const unavailable = (error: unknown, requestId: string, elapsedMs: number): VerifyReply => {
    metrics.countVerify('UNAVAILABLE');
    metrics.observeVerify('unavailable', elapsedMs / 1000);
    // Storage did not answer a lookup the cache could not (or, stale, would not) serve: the node
    // cannot vouch for the key, so it says so rather than guess (SPEC §5). Said once per outage,
    // with the request id of the first; the rest are counted until the change follower or the
    // storage probe hears from storage again (outage-log.ts).
    storageOutage.failed('verify', error, `verify could not reach storage (request ${requestId})`);
    return problemReply(
      { code: 'UNAVAILABLE', detail: 'this node cannot vouch for the key right now; retry, or ask another node' },
      requestId,
    );
  };

  return {
    settled(result, ip, requestId, elapsedMs) {
      if (!result.ok) {
        metrics.countVerify(result.problem.code);
        metrics.observeVerify(result.problem.code === 'UNAVAILABLE' ? 'unavailable' : 'invalid', elapsedMs / 1000);
        return problemReply(result.problem, requestId);
      }
      const code = verdictCode(result);
      metrics.countVerify(code);
      metrics.observeVerify(code === 'VALID' ? 'valid' : 'denied', elapsedMs / 1000);
      // Only an unknown key is counted against its source: a valid key's verify does nothing more.
      if (code === 'NOT_FOUND') {
        const wait = deps.floods.notFoundWait(ip);
        if (wait > 0) return problemReply(tooManyFailures(wait), requestId, wait);
      }
      // A reused answer goes out as the JSON written for it once.
      return {
        status: 200,
        contentType: VERDICT_CONTENT_TYPE,
        body: answerJson(result) ?? serializeAnswer(result.value),
      };
    },
    failed(error, requestId, elapsedMs) {
      return error instanceof CorruptColumnError
        ? corrupt(error, requestId, elapsedMs)
        : unavailable(error, requestId, elapsedMs);
    },
  };
}
