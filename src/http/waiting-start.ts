/**
 * A node whose PostgreSQL is not reachable yet (started with it, or before it) waits for it
 * instead of exiting: it retries with backoff for up to `KEYWARD_DATABASE_WAIT_MS`, and meanwhile
 * answers on its port — `/healthz` 200 (alive: do not restart it), `/readyz` 503 saying
 * `database: waiting` and why, anything else 503 — so an orchestrator sees why it is not ready.
 * When the database answers, the node is built and takes over the port (closed for the
 * moment between the two). Only an unreachable database is waited for: a wrong pepper or a
 * failed migration stops the start at once, as before.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { requestIdGenerator } from '../core/ids.js';
import { DatabaseUnreachableError } from '../storage/open-storage.js';
import type { Config } from './config.js';
import type { Keyward } from './keyward.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';

/** The first retry after 250 ms, doubling to 5 s, each with jitter so that nodes do not retry in step. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(5000, 250 * 2 ** attempt) * (0.5 + random() / 2));
}

interface Waiting {
  readonly server: Server;
  readonly port: number;
  reason: string;
}

async function answerWhileWaiting(config: Config, reason: string): Promise<Waiting> {
  const nextId = requestIdGenerator();
  const waiting = { reason } as Waiting;
  const server = createServer((request, response) => {
    const id = nextId();
    if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': id }).end('{"status":"ok"}');
      return;
    }
    const detail = request.url === '/readyz' ? waiting.reason : `this node is starting: ${waiting.reason}`;
    response
      .writeHead(503, { 'content-type': PROBLEM_CONTENT_TYPE, 'x-request-id': id, 'retry-after': '1' })
      .end(JSON.stringify(problemBody({ code: 'UNAVAILABLE', detail }, id)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  Object.assign(waiting, { server, port: (server.address() as AddressInfo).port });
  return waiting;
}

async function stopAnswering(waiting: Waiting): Promise<void> {
  const closed = new Promise<void>((resolve) => waiting.server.close(() => resolve()));
  waiting.server.closeAllConnections();
  await closed;
}

/**
 * Builds the node with `build`, waiting for the database as above. Returns it and the port to
 * listen on (the waiting server's, when the configured port was 0).
 */
export async function buildWhenDatabaseAnswers(
  config: Config,
  build: () => Promise<Keyward>,
): Promise<{ keyward: Keyward; port: number }> {
  const log = pino({ level: config.logLevel });
  const deadline = Date.now() + config.databaseWaitMs;
  let waiting: Waiting | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      const keyward = await build();
      if (waiting === null) return { keyward, port: config.port };
      log.info({ attempts: attempt + 1 }, 'database reachable: starting');
      await stopAnswering(waiting);
      return { keyward, port: waiting.port };
    } catch (error) {
      if (!(error instanceof DatabaseUnreachableError) || Date.now() >= deadline) {
        if (waiting !== null) await stopAnswering(waiting);
        throw error;
      }
      const delay = backoffMs(attempt);
      const reason = `database: waiting (attempt ${attempt + 1}): ${error.message}`;
      if (waiting === null) {
        waiting = await answerWhileWaiting(config, reason);
        // Once, not once per attempt (the reason, which may vary, is at /readyz and at debug).
        const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${waiting.port}`;
        log.warn(
          { url, waitMs: config.databaseWaitMs, reason: error.message },
          `database not reachable yet: retrying with backoff for up to KEYWARD_DATABASE_WAIT_MS; ${url}/readyz says why meanwhile`,
        );
      } else log.debug({ reason: error.message, attempt: attempt + 1 }, 'database still not reachable');
      waiting.reason = reason;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    }
  }
}
