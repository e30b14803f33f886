/**
 * The node's HTTP server, made for Fastify (its `serverFactory`) so that verify's fast path
 * (verify-fast-path.ts) is asked about each request before Fastify's router. Until the fast path
 * is set, and once the node is closing (Fastify then answers 503 and closes connections), every
 * request goes to Fastify.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyServerFactoryHandler } from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import type { RequestTaker } from './verify-fast-path.js';

export interface FastPathSlot {
  taker: RequestTaker | null;
}

/** One of the options Fastify hands a factory (its own defaults filled in), when it is a number. */
function numberOption(options: Record<string, unknown>, name: string): number | undefined {
  const value = options[name];
  return typeof value === 'number' ? value : undefined;
}

export function serverAskingFirst(slot: FastPathSlot) {
  return (handler: FastifyServerFactoryHandler, options: Record<string, unknown>): Server => {
    const server = createServer(
      (options['http'] as object | undefined) ?? {},
      (request: IncomingMessage, response: ServerResponse) => {
        const taker = slot.taker;
        if (taker === null || !taker(request, response)) handler(request, response);
      },
    );
    // What Fastify does to a server it makes itself (fastify/lib/server.js), which a factory must do for it.
    const keepAliveTimeout = numberOption(options, 'keepAliveTimeout');
    const requestTimeout = numberOption(options, 'requestTimeout');
    const connectionTimeout = numberOption(options, 'connectionTimeout');
    const maxRequestsPerSocket = numberOption(options, 'maxRequestsPerSocket');
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout;
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout;
    if (connectionTimeout !== undefined) server.setTimeout(connectionTimeout);
    if (maxRequestsPerSocket !== undefined && maxRequestsPerSocket > 0)
      server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}

/**
 * Fastify's `request.ip` for a raw request (fastify/lib/request.js): the socket's address, or
 * with `trustProxy` the last address the trusted proxies forwarded.
 */
export function requestIpOf(
  trustProxy: false | string | ((address: string, hop: number) => boolean),
): (request: IncomingMessage) => string {
  if (trustProxy === false) return (request) => request.socket.remoteAddress ?? '';
  const trust =
    typeof trustProxy === 'function' ? trustProxy : proxyAddr.compile(trustProxy.split(',').map((it) => it.trim()));
  return (request) => {
    const addresses = proxyAddr.all(request, trust);
    return addresses[addresses.length - 1] ?? '';
  };
}

/** Headers of an injected answer that belong to its own (absent) connection, not to this one. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

/**
 * Answers a request whose body was already read, through Fastify (`inject`, with the caller's
 * headers and address): what the fast path does with a body it does not recognise, so Fastify's
 * parser and schema judge it as they would have.
 */
export function replayThrough(app: FastifyInstance) {
  return (request: IncomingMessage, response: ServerResponse, body: Buffer): void => {
    app
      .inject({
        method: 'POST',
        url: request.url ?? '/',
        headers: request.headers,
        payload: body,
        ...(request.socket.remoteAddress === undefined ? {} : { remoteAddress: request.socket.remoteAddress }),
      })
      .then(
        (injected) => {
          const headers: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(injected.headers))
            if (value !== undefined && !HOP_BY_HOP.has(name))
              headers[name] = typeof value === 'number' ? String(value) : value;
          response.writeHead(injected.statusCode, headers);
          response.end(injected.rawPayload);
        },
        (error: unknown) => response.destroy(error instanceof Error ? error : undefined),
      );
  };
}
