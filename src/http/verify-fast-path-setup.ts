/**
 * Verify's fast path set on the node's server (verify-fast-path.ts), once its route is built.
 * Not with the access log on: that log is a line per answered request written by a Fastify hook,
 * which a verify answered beside Fastify would skip, and a node that logs every request has
 * chosen to pay more per request than the fast path saves.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { trustProxyOption } from './config.js';
import type { FastifyParts } from './fastify-instance.js';
import { replayThrough, requestIpOf } from './node-server.js';
import { requestIdFrom } from './request-id.js';
import { verifyFastPath, type VerifyFastPathDeps } from './verify-fast-path.js';

export function answerVerifiesFirst(
  app: FastifyInstance,
  config: Pick<Config, 'accessLog' | 'trustProxy'>,
  parts: FastifyParts,
  verify: Pick<VerifyFastPathDeps, 'verify' | 'replies'>,
): void {
  if (config.accessLog > 0) return;
  parts.fastPath.taker = verifyFastPath({
    ...verify,
    requestId: requestIdFrom(parts.nextRequestId),
    ipOf: requestIpOf(trustProxyOption(config.trustProxy)),
    bodyLimit: app.initialConfig.bodyLimit ?? 0,
    replay: replayThrough(app),
  });
}
