/**
 * `KEYWARD_OTEL_TRACES`: off by default (no span, the SDK not loaded); on, one server span per
 * management request named by its route pattern, child of an incoming `traceparent`, exported
 * over OTLP/HTTP where `OTEL_EXPORTER_OTLP_ENDPOINT` says; verify is never traced.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { sqliteOnly } from '../support/databases.js';
import { startKeyward, type TestKeyward } from '../support/keyward.js';

/** Keeps its spans after the app's shutdown (the SDK's in-memory exporter forgets them then). */
class KeptSpans extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

describe('KEYWARD_OTEL_TRACES', () => {
  it('is off by default and takes on or off only', () => {
    expect(loadConfig({}).otelTraces).toBe(false);
    expect(loadConfig({ KEYWARD_OTEL_TRACES: 'on' }).otelTraces).toBe(true);
    expect(() => loadConfig({ KEYWARD_OTEL_TRACES: 'yes' })).toThrow(ConfigError);
  });
});

describe.each(sqliteOnly())('traces of management requests on $name', (db) => {
  let kw: TestKeyward | undefined;
  afterEach(async () => {
    await kw?.close();
    kw = undefined;
  });

  it('makes one span per management request, named by route pattern, in the caller’s trace, and none for verify', async () => {
    const exporter = new KeptSpans();
    kw = await startKeyward(db, { config: { otelTraces: true }, spanExporter: exporter });
    const created = await kw.root.raw({
      method: 'POST',
      path: '/v1/tenants',
      headers: { traceparent: PARENT, 'content-type': 'application/json', 'x-request-id': 'trace-me-1' },
      payload: '{"name":"Traced"}',
    });
    expect(created.status).toBe(201);
    await kw.root.get(`/v1/tenants/${created.body.id as string}`);
    await kw.client().post('/v1/verify', { key: 'kw_nosuchkey' });
    await kw.close();
    kw = undefined;

    const spans = exporter.getFinishedSpans();
    const names = spans.map((span) => span.name);
    expect(names).toContain('POST /v1/tenants');
    expect(names).toContain('GET /v1/tenants/:id');
    expect(names.some((name) => name.includes('verify'))).toBe(false);
    const post = spans.find((span) => span.name === 'POST /v1/tenants');
    expect(post?.spanContext().traceId).toBe(TRACE_ID);
    expect(post?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(post?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/tenants',
      'http.response.status_code': 201,
      'keyward.request_id': 'trace-me-1',
    });
    expect(post?.resource.attributes['service.name']).toBe('keyward');
  });

  it('makes none when off', async () => {
    const exporter = new KeptSpans();
    kw = await startKeyward(db, { spanExporter: exporter });
    await kw.root.get('/v1/tenants');
    await kw.close();
    kw = undefined;
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  describe('exported over OTLP/HTTP', () => {
    let collector: Server;
    const received: { url: string; body: string }[] = [];
    afterEach(async () => {
      delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
      await new Promise((resolve) => collector?.close(resolve));
    });

    it('sends the spans to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
      collector = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          received.push({ url: request.url ?? '', body });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
      process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
      kw = await startKeyward(db, { config: { otelTraces: true } });
      await kw.root.get('/v1/tenants');
      await kw.close(); // flushes the batch
      kw = undefined;
      expect(received.map((request) => request.url)).toContain('/v1/traces');
      expect(received.map((request) => request.body).join('')).toContain('GET /v1/tenants');
    });
  });
});
