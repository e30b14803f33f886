/**
 * Floods (SPEC §5), wired for one node: the per-source throttle of failed authentications and
 * NOT_FOUND verifies, the per-source-minute audit of refusals that name no key, and the 429 they
 * answer with.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Problem } from '../core/error-codes.js';
import type { Db } from '../storage/database.js';
import type { Config } from './config.js';
import { createFloodGuard, sourceOf, type FloodGuard } from './flood-guard.js';
import { sendProblem } from './problem.js';
import { createRefusalTally, type RefusalTally } from './refusal-tally.js';

export interface FloodControl {
  readonly guard: FloodGuard;
  readonly refusals: RefusalTally;
  /**
   * A management call that named no valid key: counted against its source and in the audit
   * tally; answered with `problem`, or 429 once the source is past its budget.
   */
  refuseKeyless(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply;
  /** A verify from `ip` answered NOT_FOUND: counted against its source; 0 to send it, or the seconds to wait (send 429). */
  notFoundWait(ip: string): number;
  /**
   * A leaked-key report costing `cost` against its source's own budget (`leakReportLimit`, kept
   * apart from failed authentications): null to take it, or the 429 sent instead.
   */
  throttleLeakReport(request: FastifyRequest, reply: FastifyReply, cost: number): FastifyReply | null;
}

/** The 429 for a source past its budget of failed authentications. */
export function tooManyFailures(wait: number): Problem {
  return {
    code: 'RATE_LIMITED',
    detail: `too many failed authentications from this address; retry in ${wait} s, or send a valid key`,
    status: 429,
  };
}

export function createFloodControl(
  config: Config,
  db: Db,
  clock: Clock,
  onError: (error: unknown) => void,
): FloodControl {
  const guard = createFloodGuard({
    limit: config.authFailureLimit,
    windowMs: config.authFailureWindowMs,
    maxSources: config.throttleMaxSources,
  });
  const leakReports = createFloodGuard({
    limit: config.leakReportLimit,
    windowMs: config.authFailureWindowMs,
    maxSources: config.throttleMaxSources,
  });
  const refusals = createRefusalTally({ db, now: () => clock.now(), maxSources: config.throttleMaxSources, onError });
  const rateLimited = (request: FastifyRequest, reply: FastifyReply, wait: number): FastifyReply =>
    sendProblem(request, reply.header('retry-after', String(wait)), tooManyFailures(wait));
  return {
    guard,
    refusals,
    refuseKeyless(request, reply, problem) {
      const source = sourceOf(request.ip);
      const now = clock.now();
      const wait = guard.failed(source, now);
      refusals.count(source, wait > 0 ? 'RATE_LIMITED' : problem.code, now);
      return wait > 0 ? rateLimited(request, reply, wait) : sendProblem(request, reply, problem);
    },
    notFoundWait: (ip) => guard.failed(sourceOf(ip), clock.now()),
    throttleLeakReport(request, reply, cost) {
      const [source, now] = [sourceOf(request.ip), clock.now()];
      let wait = 0;
      for (let n = 0; n < cost; n++) wait = leakReports.failed(source, now);
      if (wait === 0) return null;
      return sendProblem(request, reply.header('retry-after', String(wait)), {
        code: 'RATE_LIMITED',
        detail: `too many leaked-key reports from this address; retry in ${wait} s`,
        status: 429,
      });
    },
  };
}
