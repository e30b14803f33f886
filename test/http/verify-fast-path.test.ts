/**
 * Verify answered beside Fastify's router (issue 27, src/http/verify-fast-path.ts), over real HTTP:
 * each request is sent to the listening node and, the same, through Fastify (`inject`, which never
 * meets the fast path). The two answers must be the same (status, content type, body but the
 * request id); and the requests of the usual shape must not have reached Fastify's route at all,
 * while anything else (bad JSON, a body the schema refuses, another content type) did.
 */
import { request as httpRequest } from 'node:http';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/core/key-format.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfter: string | undefined;
  readonly body: Record<string, unknown>;
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe.each(sqliteOnly())('verify beside the router on $name', (db) => {
  let kw: TestKeyward;
  let url: string;
  let seeded: Seeded;
  let meteredKey: string;
  /** Verifies that reached Fastify's route handler. */
  let routed = 0;

  const countRouted = (route: RouteOptions): void => {
    if (route.url !== '/v1/verify' || route.method !== 'POST') return;
    const handler = route.handler;
    route.handler = function (this: unknown, request, reply) {
      routed++;
      return handler.call(this as never, request, reply);
    };
  };

  beforeAll(async () => {
    kw = await startKeyward(db, { config: { accessLog: 0, authFailureLimit: 1_000 }, onRoute: countRouted });
    url = await kw.keyward.app.listen({ host: '127.0.0.1', port: 0 });
    seeded = await seedTenant(kw, 'Fast');
    const metered = await kw.root.post('/v1/keys', {
      environmentId: seeded.environmentId,
      name: 'metered',
      kind: 'application',
      permissions: ['functions.execute'],
      credits: { remaining: 100 },
    });
    meteredKey = metered.body.key;
  });
  afterAll(() => kw.close());

  const parse = (text: string): Record<string, unknown> => {
    const body = JSON.parse(text) as Record<string, unknown>;
    delete body['requestId'];
    return body;
  };

  const overHttp = async (payload: string, headers: Record<string, string> = JSON_TYPE): Promise<Answer> => {
    const response = await fetch(`${url}/v1/verify`, { method: 'POST', headers, body: payload });
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      requestId: response.headers.get('x-request-id') ?? undefined,
      retryAfter: response.headers.get('retry-after') ?? undefined,
      body: parse(await response.text()),
    };
  };

  const throughFastify = async (payload: string, headers: Record<string, string> = JSON_TYPE): Promise<Answer> => {
    const response = await kw.keyward.app.inject({ method: 'POST', url: '/v1/verify', headers, payload });
    const header = (name: string) => response.headers[name] as string | undefined;
    return {
      status: response.statusCode,
      contentType: header('content-type'),
      requestId: header('x-request-id'),
      retryAfter: header('retry-after'),
      body: parse(response.body),
    };
  };

  /** The answer over HTTP, checked against Fastify's, and whether it reached the route. */
  const both = async (payload: string, headers?: Record<string, string>) => {
    const before = routed;
    const fast = await overHttp(payload, headers);
    const reachedRoute = routed > before;
    const routedAnswer = await throughFastify(payload, headers);
    expect(fast).toEqual({ ...routedAnswer, requestId: fast.requestId });
    expect(fast.requestId).toMatch(/^req_/);
    return { answer: fast, reachedRoute };
  };

  it('answers a valid key, a denied permission and an unknown key as the route does, without the route', async () => {
    const valid = await both(JSON.stringify({ key: seeded.adminKey }));
    expect(valid.answer.body).toMatchObject({ valid: true, code: 'VALID', keyId: seeded.adminKeyId });
    expect(valid.reachedRoute).toBe(false);

    const denied = await both(JSON.stringify({ key: meteredKey, permission: 'users.manage' }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(denied.answer.body).toMatchObject({ valid: false, code: 'FORBIDDEN' });
    expect(denied.reachedRoute).toBe(false);

    const unknown = await both(JSON.stringify({ key: generateKey('kw') }));
    expect(unknown.answer.body).toMatchObject({ valid: false, code: 'NOT_FOUND', keyId: null });
    expect(unknown.reachedRoute).toBe(false);
  });

  it('spends a credit once per request and says what remains, as the route does', async () => {
    const first = await overHttp(JSON.stringify({ key: meteredKey }));
    const second = await throughFastify(JSON.stringify({ key: meteredKey }));
    expect(first.body).toMatchObject({ code: 'VALID', credits: { remaining: 99 } });
    expect(second.body).toEqual({ ...first.body, credits: { remaining: 98 } });
  });

  it('answers a request the model does not know with the same 400 problem', async () => {
    const problem = await both(JSON.stringify({ key: seeded.adminKey, permission: 'no.such' }));
    expect(problem.answer).toMatchObject({ status: 400, contentType: 'application/problem+json; charset=utf-8' });
    expect(problem.answer.body).toMatchObject({ code: 'VALIDATION', field: 'permission' });
    expect(problem.reachedRoute).toBe(false);
  });

  it.each([
    ['JSON cut short', '{"key":'],
    ['a key that is not a string', '{"key":5}'],
    ['a field verify does not take', '{"key":"kw_x","colour":"red"}'],
    ['a __proto__ key', '{"key":"kw_x","__proto__":{"admin":true}}'],
  ])('leaves %s to Fastify, which refuses it as it always did', async (_name, payload) => {
    const refused = await both(payload);
    expect(refused.answer.status).toBe(400);
    expect(refused.answer.body['code']).toBeTypeOf('string');
    expect(refused.reachedRoute).toBe(false); // refused by Fastify's parser or schema, before the route
  });

  it('leaves another content type to Fastify', async () => {
    const refused = await both(JSON.stringify({ key: seeded.adminKey }), { 'content-type': 'text/plain' });
    expect(refused.answer.status).toBe(400);
    expect(refused.answer.contentType).toContain('application/problem+json');
  });

  /** A body sent in two writes, the second after the first has been read: two chunks at the server. */
  const inTwoParts = (body: Buffer, splitAt: number) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = httpRequest(`${url}/v1/verify`, {
        method: 'POST',
        headers: { ...JSON_TYPE, 'content-length': String(body.length) },
      });
      outgoing.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      outgoing.on('error', reject);
      outgoing.write(body.subarray(0, splitAt));
      setTimeout(() => outgoing.end(body.subarray(splitAt)), 50);
    });

  it('reads a body that arrives in parts, a character split between them', async () => {
    const valid = await inTwoParts(Buffer.from(JSON.stringify({ key: seeded.adminKey })), 10);
    expect(valid.status).toBe(200);
    expect(JSON.parse(valid.text)).toMatchObject({ code: 'VALID', keyId: seeded.adminKeyId });
    // "é" is two bytes in UTF-8: the split falls between them. The permission is refused (not a
    // model name) by Fastify, handed the bytes as they came: the same problem as one piece.
    const payload = JSON.stringify({ key: seeded.adminKey, permission: 'café' });
    const bytes = Buffer.from(payload);
    const split = await inTwoParts(bytes, bytes.indexOf(Buffer.from('é')) + 1);
    const whole = await throughFastify(payload);
    expect(split.status).toBe(400);
    expect(parse(split.text)).toEqual(whole.body);
  });

  it('shrugs off a caller that leaves mid-body, and answers the next one', async () => {
    await new Promise<void>((resolve) => {
      const outgoing = httpRequest(`${url}/v1/verify`, {
        method: 'POST',
        headers: { ...JSON_TYPE, 'content-length': '200' },
      });
      outgoing.on('error', () => resolve());
      outgoing.write('{"key":"kw_');
      setTimeout(() => {
        outgoing.destroy();
        resolve();
      }, 50);
    });
    const after = await overHttp(JSON.stringify({ key: seeded.adminKey }));
    expect(after.body).toMatchObject({ code: 'VALID' });
  });

  it("keeps the caller's well-formed X-Request-Id", async () => {
    const answer = await overHttp(JSON.stringify({ key: seeded.adminKey }), {
      ...JSON_TYPE,
      'x-request-id': 'trace-42',
    });
    expect(answer.requestId).toBe('trace-42');
  });
});

describe.each(sqliteOnly())('NOT_FOUND floods answered beside the router on $name', (db) => {
  let kw: TestKeyward;
  let url: string;
  beforeAll(async () => {
    kw = await startKeyward(db, { config: { accessLog: 0, authFailureLimit: 3, trustProxy: '127.0.0.1' } });
    url = await kw.keyward.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => kw.close());

  const codeFrom = async (address: string): Promise<unknown> =>
    ((await (await unknownFrom(address)).json()) as { code: unknown }).code;
  const unknownFrom = (address: string) =>
    fetch(`${url}/v1/verify`, {
      method: 'POST',
      headers: { ...JSON_TYPE, 'x-forwarded-for': address },
      body: JSON.stringify({ key: generateKey('kw') }),
    });

  it('throttles the address a trusted proxy forwarded, not the proxy, with a 429 and Retry-After', async () => {
    for (let n = 0; n < 3; n++) expect(await codeFrom('203.0.113.1')).toBe('NOT_FOUND');
    const throttled = await unknownFrom('203.0.113.1');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(await throttled.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    // Another forwarded address behind the same proxy still gets its verdicts.
    expect(await codeFrom('203.0.113.2')).toBe('NOT_FOUND');
  });
});
