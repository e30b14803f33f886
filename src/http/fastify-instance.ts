/**
 * The Fastify instance of a node: its logger (redacting anything that may carry a key), request
 * ids (the caller's well-formed `X-Request-Id`, else one of its own), framework errors as
 * problems, whose forwarded addresses to believe, and the body limit.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { DestinationStream } from 'pino';
import { trustProxyOption, type Config } from './config.js';
import { logSerializers } from './log-redaction.js';
import { clientErrorHandler, frameworkErrors } from './plugins/framework-errors.js';
import { serverAskingFirst, type FastPathSlot } from './node-server.js';
import { requestIdFrom } from './request-id.js';

export interface FastifyParts {
  /** Makes request ids: Fastify's, and the fast path's, from one sequence. */
  readonly nextRequestId: () => string;
  /** Where verify's fast path is set once its route is built (node-server.ts). */
  readonly fastPath: FastPathSlot;
}

export function createFastify(config: Config, logStream: DestinationStream | undefined, parts: FastifyParts) {
  const { nextRequestId, fastPath } = parts;
  const app = Fastify<Server, IncomingMessage, ServerResponse>({
    serverFactory: serverAskingFirst(fastPath),
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.body.key', 'res.body.key'], censor: '[redacted]' },
      serializers: logSerializers,
      ...(logStream === undefined ? {} : { stream: logStream }),
    },
    // Fastify's two lines per request are an access log nobody asked for, on the hot path:
    // KEYWARD_ACCESS_LOG opts in to one line per answered request (plugins/access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFrom(nextRequestId),
    frameworkErrors,
    clientErrorHandler: clientErrorHandler(nextRequestId),
    // Read by genReqId above, with its checks; Fastify's own would take any value.
    requestIdHeader: false,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A closing node answers through Fastify, which refuses new requests with 503.
  app.addHook('preClose', (done) => {
    fastPath.taker = null;
    done();
  });
  return app;
}
