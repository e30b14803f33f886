/**
 * The replica's routes (SPEC §4, replica; docs/replica.md): `GET /v1/changes/stream`, server-sent
 * events naming whose verdicts changed in the caller's environment, and `POST /v1/replica/usage`,
 * the verifies a replica answered itself. Both need `verify.replicate`.
 */
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChangeStreamQuery, ReplicaUsage, ReplicaUsageBody, type ChangeStreamEvent } from '../../api/replica.js';
import { addReplicaUsage, getChangeStream, type StreamScope } from '../../modules/changes/changes.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

/** A replica that reads slower than this much piles up is cut off: it reconnects and starts afresh. */
const MAX_BUFFERED_BYTES = 1 << 20;

function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  context: RouteContext,
  scope: StreamScope,
  ownKey: string | undefined,
) {
  const { changes, config } = context;
  reply
    .type('text/event-stream; charset=utf-8')
    .header('cache-control', 'no-store')
    // Proxies that buffer (nginx) would hold every event back.
    .header('x-accel-buffering', 'no');
  if (request.method === 'HEAD') return reply.send('');
  const stream = new PassThrough();
  let ended = false;
  const send = (event: ChangeStreamEvent): void => {
    if (ended) return;
    stream.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    if (stream.writableLength > MAX_BUFFERED_BYTES) end();
  };
  const end = (): void => {
    if (ended) return;
    send({ event: 'end', data: {} });
    ended = true;
    clearTimeout(lifetime);
    unsubscribe();
    stream.end();
  };
  const unsubscribe = changes.subscribe({
    tenantId: scope.tenantId,
    environmentId: scope.environmentId,
    evict: (data) => {
      send({ event: 'evict', data });
      // A change that may reach the stream's own key (the key itself; a policy, user, environment
      // or tenant change, which names no key) ends the stream: the replica reconnects, and its
      // key is checked again then, instead of a revoked key streaming until the bounded life ends.
      if ('all' in data || ('keys' in data && ownKey !== undefined && data.keys.includes(ownKey))) end();
    },
    fresh: (stalenessMs) => send({ event: 'fresh', data: { stalenessMs } }),
    end,
  });
  // The key is checked when a stream opens, again when a change may reach it (above), and by
  // a bounded life at the latest.
  const lifetime = setTimeout(end, config.changeStreamMaxMs);
  lifetime.unref();
  reply.raw.on('close', end);
  send({
    event: 'ready',
    data: { ...scope, maxStalenessMs: config.maxStalenessMs, heartbeatMs: config.changeStreamHeartbeatMs },
  });
  const staleness = changes.staleness();
  if (staleness !== null) send({ event: 'fresh', data: { stalenessMs: staleness } });
  return reply.send(stream);
}

export const changeRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  app.get('/v1/changes/stream', {
    config: { requires: { permission: 'verify.replicate' }, action: 'change.stream.read' },
    schema: {
      tags: ['replica'],
      operationId: 'getChangeStream',
      summary:
        "Server-sent events naming whose verdicts changed in the caller's environment, and that the node is fresh, for replicas",
      querystring: ChangeStreamQuery,
      response: {
        200: {
          description: 'event: ready | evict | fresh | end, each with JSON data (docs/replica.md)',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...PROBLEM_RESPONSES,
      },
    },
    handler: async (request, reply) => {
      const scope = await getChangeStream(context.deps, callerOf(request), request.query);
      if (!scope.ok) return sendResult(request, reply, scope);
      return openStream(request, reply, context, scope.value, callerOf(request).key.id);
    },
  });

  app.post('/v1/replica/usage', {
    config: { requires: { permission: 'verify.replicate' }, action: 'replica.usage.add' },
    // A replica sends up to 1000 items at once, each up to about 200 bytes: more than the 64 KiB other calls may send.
    bodyLimit: 256 * 1024,
    schema: {
      tags: ['replica'],
      operationId: 'addReplicaUsage',
      summary: "Count the verifies a replica answered itself, as the node's own (in batches)",
      body: ReplicaUsageBody,
      response: { 200: ReplicaUsage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await addReplicaUsage(context.deps, callerOf(request), request.body, context.usage)),
  });
};
