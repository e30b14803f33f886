/**
 * OpenTelemetry traces of management requests (`KEYWARD_OTEL_TRACES=on`; off by default, and then
 * this module is never loaded). One server span per request, named by method and route pattern
 * (`GET /v1/keys/:id`), child of the caller's trace when it sends a W3C `traceparent`, exported
 * in batches over OTLP/HTTP through the OpenTelemetry SDK; where to is the SDK's own business
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`, …). Verify is never traced: a
 * span each would cost more than the verify, and its histogram is the tool there.
 */
import { context, SpanKind, SpanStatusCode, type Span, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addOffHotPath } from './plugins/route-hooks.js';

export interface Tracing {
  /** Adds a span to every route registered from now on, except the hot path. */
  traceRoutes(app: FastifyInstance): void;
  /** Sends what is pending, within `SHUTDOWN_MS`. */
  shutdown(): Promise<void>;
}

/** The longest a shutdown waits for the last spans to be sent: a collector away must not hold a drain. */
const SHUTDOWN_MS = 2000;

const headers: TextMapGetter<FastifyRequest['headers']> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** `exporter`: where spans go (default OTLP/HTTP as the OTEL_* variables say); tests pass their own. */
export function startTracing(options: { version: string; exporter?: SpanExporter }): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': process.env['OTEL_SERVICE_NAME'] ?? 'keyward',
      'service.version': options.version,
    }),
    spanProcessors: [new BatchSpanProcessor(options.exporter ?? new OTLPTraceExporter())],
  });
  // Not registered as the API's global provider: a host application embedding Keyward keeps its own.
  const tracer = provider.getTracer('keyward', options.version);
  const propagator = new W3CTraceContextPropagator();
  const spans = new WeakMap<FastifyRequest, Span>();
  return {
    traceRoutes(app) {
      addOffHotPath(app, {
        onRequest: (request, _reply, done) => {
          const route = request.routeOptions.url ?? 'unmatched';
          const parent = propagator.extract(context.active(), request.headers, headers);
          const span = tracer.startSpan(
            `${request.method} ${route}`,
            {
              kind: SpanKind.SERVER,
              attributes: {
                'http.request.method': request.method,
                'http.route': route,
                'keyward.request_id': request.id,
              },
            },
            parent,
          );
          spans.set(request, span);
          done();
        },
        onResponse: (request, reply, done) => {
          const span = spans.get(request);
          if (span !== undefined) {
            span.setAttribute('http.response.status_code', reply.statusCode);
            if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
          }
          done();
        },
      });
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_MS);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch(() => undefined), bound]);
      clearTimeout(timer);
    },
  };
}
