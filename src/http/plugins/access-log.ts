/**
 * The opt-in access log (`KEYWARD_ACCESS_LOG`): one `info` line per answered request, or per
 * sampled request, with the request id, method, URL, status and time taken. Never a body or an
 * Authorization header; the logger's redaction holds for anything else that carries a key.
 */
import type { FastifyInstance } from 'fastify';

/** `rate`: the share of requests logged, above 0 and up to 1. */
export function logAccess(app: FastifyInstance, rate: number): void {
  app.addHook('onResponse', (request, reply, done) => {
    if (rate >= 1 || Math.random() < rate) {
      request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
    done();
  });
}
