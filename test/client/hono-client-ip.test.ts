/**
 * The Hono middleware sends the request's client address as `clientIp`, as the Fastify and
 * Express ones send their framework's `request.ip` (issue 21): Hono has no such property, so it
 * reads what each runtime adapter passes as the context's `env` (Node, Bun, Deno, AWS Lambda)
 * or, on Cloudflare Workers alone, the header the edge sets. Without an address it sends none
 * (and Keyward refuses a key under an IP allowlist). Driven with fake contexts and a verifier
 * that records what it was asked; the middleware against a live Keyward is in middleware.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Verifier, VerifyAnswer, VerifyRequest } from '../../src/client/index.js';
import { keywardHono, type HonoLikeContext, type KeywardMiddlewareOptions } from '../../src/middleware/hono.js';

const KEY = 'kw_abc';
const VALID: VerifyAnswer = {
  valid: true,
  code: 'VALID',
  keyId: 'key_1',
  tenantId: 'ten_1',
  environmentId: 'env_1',
  name: 'svc',
  userId: null,
  externalId: null,
  metadata: {},
  expiresAt: null,
  cacheTtlMs: 0,
};

/** The verify request the middleware built for a context with these bindings, headers and raw request. */
async function askedWith(
  env: unknown,
  headers: Record<string, string> = {},
  raw?: Request,
  options: KeywardMiddlewareOptions<HonoLikeContext> = {},
): Promise<VerifyRequest | undefined> {
  const asked: VerifyRequest[] = [];
  const verifier: Verifier = {
    verify: async (request) => {
      asked.push(request);
      return VALID;
    },
  };
  const all: Record<string, string> = { authorization: `Bearer ${KEY}`, ...headers };
  const c: HonoLikeContext = {
    req: { header: (name) => all[name.toLowerCase()], ...(raw === undefined ? {} : { raw }) },
    env,
    json: (body, status) => new Response(JSON.stringify(body), { status }),
    set: () => undefined,
  };
  let passed = false;
  await keywardHono(verifier, options)(c, async () => {
    passed = true;
  });
  expect(passed).toBe(true);
  return asked[0];
}

describe('the Hono middleware’s client address', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it.each([
    ['@hono/node-server', { incoming: { socket: { remoteAddress: '192.0.2.10' } } }, '192.0.2.10'],
    [
      '@hono/node-server mounted in another server',
      { server: { incoming: { socket: { remoteAddress: '192.0.2.11' } } } },
      '192.0.2.11',
    ],
    ['Deno.serve', { remoteAddr: { transport: 'tcp', hostname: '192.0.2.12', port: 50_000 } }, '192.0.2.12'],
    ['AWS Lambda behind an HTTP API', { requestContext: { http: { sourceIp: '192.0.2.13' } } }, '192.0.2.13'],
    ['AWS Lambda behind a REST API', { requestContext: { identity: { sourceIp: '192.0.2.14' } } }, '192.0.2.14'],
  ] as const)('is sent on %s', async (_runtime, env, address) => {
    expect(await askedWith(env)).toEqual({ key: KEY, clientIp: address });
  });

  it('is sent on Bun.serve, asking the server about the raw request', async () => {
    const raw = new Request('http://service.example/run');
    const server = {
      requestIP: (request: Request) =>
        request === raw ? { address: '192.0.2.15', family: 'IPv4', port: 50_000 } : null,
    };
    expect(await askedWith(server, {}, raw)).toEqual({ key: KEY, clientIp: '192.0.2.15' });
  });

  it('is CF-Connecting-IP on Cloudflare Workers, where the edge sets it', async () => {
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
    expect(await askedWith({ KV: {} }, { 'cf-connecting-ip': '192.0.2.16' })).toEqual({
      key: KEY,
      clientIp: '192.0.2.16',
    });
  });

  it('believes no CF-Connecting-IP elsewhere, and is not sent where the runtime gives none', async () => {
    expect(await askedWith(undefined, { 'cf-connecting-ip': '203.0.113.66' })).toEqual({ key: KEY });
    expect(await askedWith({ KV: {} })).toEqual({ key: KEY });
  });

  it('is what the clientIp option returns, where given', async () => {
    const env = { incoming: { socket: { remoteAddress: '10.0.0.1' } } };
    const options = { clientIp: (c: HonoLikeContext) => c.req.header('x-real-ip') };
    expect(await askedWith(env, { 'x-real-ip': '192.0.2.17' }, undefined, options)).toEqual({
      key: KEY,
      clientIp: '192.0.2.17',
    });
  });
});
