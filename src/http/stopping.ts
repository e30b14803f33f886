/**
 * Stopping like a service. On SIGTERM or SIGINT, for `KEYWARD_SHUTDOWN_DELAY_MS` (0 by default:
 * Kubernetes' preStop hook waits before the signal instead), the node keeps answering, new
 * connections included, while `/readyz` answers 503 and every answer closes its connection, so
 * load balancers and keep-alive clients move to other nodes without a failed request. Then it
 * stops accepting, lets in-flight requests finish and exits 0 within KEYWARD_SHUTDOWN_TIMEOUT_MS,
 * even when PostgreSQL or Redis has gone silent (else it exits 1 at that bound).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config.js';
import type { Keyward } from './keyward.js';

export function stopOnSignals(keyward: Keyward, config: Pick<Config, 'shutdownDelayMs' | 'shutdownTimeoutMs'>): void {
  let stopping = false;
  const drain = (signal: string): void => {
    keyward.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    // A keep-alive connection whose request was in flight at the signal would otherwise hold the
    // process open after answering, until the client (a proxy, often) closes it: close each one
    // as soon as it is idle.
    const sweep = setInterval(() => keyward.app.server.closeIdleConnections(), 100);
    // Every wait of a drain is bounded on its own (requests, flushes and goodbyes to PostgreSQL
    // and Redis); this is the bound on them all, whatever was missed.
    const bound = setTimeout(() => {
      keyward.app.log.error(
        { signal, timeoutMs: config.shutdownTimeoutMs },
        'shutdown did not finish within KEYWARD_SHUTDOWN_TIMEOUT_MS: exiting now',
      );
      process.exit(1);
    }, config.shutdownTimeoutMs);
    bound.unref();
    keyward
      .close()
      .finally(() => clearInterval(sweep))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        keyward.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    if (config.shutdownDelayMs === 0) {
      drain(signal);
      return;
    }
    keyward.markStopping();
    // Before Fastify's own listener: the answer is not written yet, so it can still say "close".
    const closeEach = (_request: IncomingMessage, response: ServerResponse): void => {
      response.shouldKeepAlive = false;
    };
    keyward.app.server.prependListener('request', closeEach);
    keyward.app.server.closeIdleConnections();
    keyward.app.log.info(
      { signal, delayMs: config.shutdownDelayMs },
      'stopping: still answering, not ready, until KEYWARD_SHUTDOWN_DELAY_MS has passed',
    );
    setTimeout(() => drain(signal), config.shutdownDelayMs);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
