/**
 * `keyward_http_request_duration_seconds`: every answered request but verify's (which has its own
 * histogram, kept off the hooks), by the route's pattern (`/v1/keys/:id`, never the raw URL, so
 * ids do not make a series each), method and status class.
 */
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import { addOffHotPath } from './route-hooks.js';

export function measureRequests(app: FastifyInstance, metrics: Metrics): void {
  addOffHotPath(app, {
    onResponse: (request, reply, done) => {
      metrics.observeRequest(
        request.routeOptions.url ?? 'unmatched',
        request.method,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    },
  });
}
