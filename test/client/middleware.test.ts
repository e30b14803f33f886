/**
 * The verify middlewares against a real Keyward on a port: a real Fastify app with the
 * `preHandler`, and the Express and Hono middlewares driven with minimal fake request/response
 * and context objects (neither framework is installed). Each: 200 with the answer attached, 401
 * without a key (and for a key Keyward does not know), 403 for a key lacking the permission, 503
 * when Keyward is down; a request Keyward rejects (400) goes to the framework's error handling.
 */
import { deadPort } from '../support/ports.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/error-codes.js';
import { generateKey } from '../../src/core/key-format.js';
import { createVerifier, KeywardRequestError, type Verifier, type VerifyAnswer } from '../../src/client/index.js';
import { MIDDLEWARE_PROBLEMS } from '../../src/middleware/core.js';
import {
  KeywardConfigError,
  keywardExpress,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
} from '../../src/middleware/express.js';
import { keywardFastify } from '../../src/middleware/fastify.js';
import { keywardHono, type HonoLikeContext } from '../../src/middleware/hono.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

/** The problem+json shape Keyward itself answers with, for a middleware refusal. */
function expectProblemBody(body: unknown, status: number, code: keyof typeof ERROR_CODES): void {
  expect(body).toMatchObject({
    type: `urn:keyward:problem:${code.toLowerCase()}`,
    title: ERROR_CODES[code].title,
    status,
    code,
  });
  expect(typeof (body as { detail?: unknown }).detail).toBe('string');
}

/** Records the verify requests a verifier is asked. */
function recording(verifier: Verifier): { verifier: Verifier; asked: Parameters<Verifier['verify']>[0][] } {
  const asked: Parameters<Verifier['verify']>[0][] = [];
  return {
    verifier: {
      verify: (request) => {
        asked.push(request);
        return verifier.verify(request);
      },
    },
    asked,
  };
}

describe.each(sqliteOnly())('the verify middlewares against Keyward on $name', (db) => {
  let seeded: Seeded;
  let live: Verifier;
  let down: Verifier;
  let allowed: { id: string; key: string };
  let lacking: { id: string; key: string };
  const kw = keywardForSuite(db, { config: { clientCacheTtlMs: 60_000 } });
  beforeAll(async () => {
    const baseUrl = await kw.keyward.app.listen({ port: 0, host: '127.0.0.1' });
    seeded = await seedTenant(kw, 'Middleware');
    live = createVerifier({ baseUrl });
    down = createVerifier({ baseUrl: `http://127.0.0.1:${await deadPort()}`, timeoutMs: 500 });
    const key = async (extra: Record<string, unknown>) => {
      const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...extra });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return { id: created.body.id as string, key: created.body.key as string };
    };
    allowed = await key({ permissions: ['functions.execute'] });
    lacking = await key({});
  });

  it('refuses with the titles Keyward itself uses', () => {
    for (const [code, { status, title }] of Object.entries(MIDDLEWARE_PROBLEMS)) {
      expect(title).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].title);
      if (code !== 'NOT_FOUND') expect(status).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].status);
    }
  });

  it('refuses options with an action but no resource at once', () => {
    expect(() => keywardFastify(live, { action: 'run' })).toThrow(/action.*resource/);
  });

  describe('Fastify', () => {
    let app: FastifyInstance;
    let asked: Parameters<Verifier['verify']>[0][];
    beforeAll(async () => {
      const recorded = recording(live);
      asked = recorded.asked;
      app = Fastify();
      app.get(
        '/run',
        { preHandler: keywardFastify(recorded.verifier, { permission: 'functions.execute' }) },
        async (request) => ({
          keyId: request.keyward?.keyId,
          tenantId: request.keyward?.tenantId,
        }),
      );
      app.get<{ Params: { kind: string } }>(
        '/functions/:kind',
        {
          preHandler: keywardFastify(live, {
            action: 'run',
            resource: (request) => ({ type: (request.params as { kind: string }).kind }),
          }),
        },
        async (request) => ({ code: request.keyward?.code }),
      );
      app.get('/down', { preHandler: keywardFastify(down, { permission: 'functions.execute' }) }, async () => ({
        reached: true,
      }));
      app.get(
        '/expensive',
        {
          preHandler: keywardFastify(recorded.verifier, {
            cost: (request) => Number((request.query as { units?: string }).units ?? 2),
          }),
        },
        async (request) => ({
          ratelimits: request.keyward?.ratelimits,
        }),
      );
      app.get(
        '/misconfigured',
        { preHandler: keywardFastify(live, { permission: 'time.travel', logger: false }) },
        async () => ({
          reached: true,
        }),
      );
      app.get(
        '/custom-header',
        {
          preHandler: keywardFastify(live, {
            header: 'X-Api-Key',
            permission: (request) => (request.query as { p?: string }).p ?? 'functions.execute',
          }),
        },
        async (request) => ({ keyId: request.keyward?.keyId }),
      );
      await app.ready();
    });
    afterAll(async () => {
      await app.close();
    });

    it('lets a key holding the permission through, with request.keyward, passing the client IP', async () => {
      const reply = await app.inject({
        method: 'GET',
        url: '/run',
        headers: { authorization: `Bearer ${allowed.key}` },
        remoteAddress: '203.0.113.5',
      });
      expect(reply.statusCode, reply.body).toBe(200);
      expect(reply.json()).toEqual({ keyId: allowed.id, tenantId: seeded.tenantId });
      expect(asked.at(-1)).toEqual({ key: allowed.key, permission: 'functions.execute', clientIp: '203.0.113.5' });
    });

    it('answers 401 UNAUTHENTICATED without a key or with another scheme, with a Bearer challenge', async () => {
      for (const headers of [
        {},
        { authorization: `Basic ${allowed.key}` },
        { authorization: 'Bearer ' },
        { authorization: `Bearer ${'k'.repeat(513)}` },
      ]) {
        const reply = await app.inject({ method: 'GET', url: '/run', headers });
        expect(reply.statusCode).toBe(401);
        expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(reply.headers['www-authenticate']).toBe('Bearer');
        expectProblemBody(reply.json(), 401, 'UNAUTHENTICATED');
      }
    });

    it('answers 401 with the verdict for a key Keyward does not know or has revoked', async () => {
      const unknown = await app.inject({
        method: 'GET',
        url: '/run',
        headers: { authorization: `Bearer ${generateKey('kw')}` },
      });
      expect(unknown.statusCode).toBe(401);
      expectProblemBody(unknown.json(), 401, 'NOT_FOUND');
      const created = await seeded.admin.post('/v1/keys', {
        name: 'gone',
        kind: 'application',
        permissions: ['functions.execute'],
      });
      await seeded.admin.post(`/v1/keys/${created.body.id}/revoke`);
      const revoked = await app.inject({
        method: 'GET',
        url: '/run',
        headers: { authorization: `bearer ${created.body.key}` },
      });
      expect(revoked.statusCode).toBe(401);
      expectProblemBody(revoked.json(), 401, 'REVOKED');
    });

    it('seed 002: answers 401 MFA_REQUIRED for a user key whose user must pass MFA again', async () => {
      const env = await seeded.admin.post('/v1/environments', { name: 'periodic-mfa', mfaReverifyDays: 30 });
      const user = await seeded.admin.post('/v1/users', { name: 'Due', email: 'due@middleware.example' });
      const created = await seeded.admin.post('/v1/keys', {
        environmentId: env.body.id,
        name: 'due',
        kind: 'user',
        userId: user.body.id,
        permissions: ['functions.execute'],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const reply = await app.inject({
        method: 'GET',
        url: '/run',
        headers: { authorization: `Bearer ${created.body.key}` },
      });
      expect(reply.statusCode).toBe(401);
      expectProblemBody(reply.json(), 401, 'MFA_REQUIRED');
    });

    it('answers 403 FORBIDDEN naming the missing permission for a key lacking it', async () => {
      const reply = await app.inject({
        method: 'GET',
        url: '/run',
        headers: { authorization: `Bearer ${lacking.key}` },
      });
      expect(reply.statusCode).toBe(403);
      expectProblemBody(reply.json(), 403, 'FORBIDDEN');
      expect(reply.json()).toMatchObject({
        missing: { permission: 'functions.execute' },
        detail: expect.stringContaining('functions.execute'),
      });
      expect(reply.body).not.toContain(lacking.key);
    });

    it('lets a key with an IP allowlist through from inside it and never, from its cache, from elsewhere', async () => {
      const created = await seeded.admin.post('/v1/keys', {
        name: 'fenced',
        kind: 'application',
        permissions: ['functions.execute'],
        ipAllowlist: ['203.0.113.0/24'],
      });
      expect(created.status).toBe(201);
      const headers = { authorization: `Bearer ${created.body.key as string}` };
      expect((await app.inject({ method: 'GET', url: '/run', headers, remoteAddress: '203.0.113.5' })).statusCode).toBe(
        200,
      );
      const elsewhere = await app.inject({ method: 'GET', url: '/run', headers, remoteAddress: '198.51.100.1' });
      expect(elsewhere.statusCode).toBe(403);
      expect(elsewhere.json()).toMatchObject({ code: 'FORBIDDEN', missing: { ip: '198.51.100.1' } });
    });

    it('asks an action on the resource the request names', async () => {
      const headers = { authorization: `Bearer ${allowed.key}` };
      expect((await app.inject({ method: 'GET', url: '/functions/serverFunction', headers })).json()).toEqual({
        code: 'VALID',
      });
      const refused = await app.inject({
        method: 'GET',
        url: '/functions/serverFunction',
        headers: { authorization: `Bearer ${lacking.key}` },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ missing: { action: 'run', resource: { type: 'serverFunction' } } });
    });

    it('spends the cost the route names, and answers 429 RATE_LIMITED with Retry-After once the limit is spent', async () => {
      const created = await seeded.admin.post('/v1/keys', {
        name: 'metered',
        kind: 'application',
        ratelimits: [{ name: 'per-hour', limit: 3, durationMs: 3_600_000 }],
      });
      const headers = { authorization: `Bearer ${created.body.key as string}` };
      const first = await app.inject({ method: 'GET', url: '/expensive', headers });
      expect(first.statusCode).toBe(200);
      expect(asked.at(-1)).toMatchObject({ cost: 2 });
      expect(first.json()).toMatchObject({ ratelimits: [{ name: 'per-hour', limit: 3, remaining: 1 }] });

      const refused = await app.inject({ method: 'GET', url: '/expensive', headers });
      expect(refused.statusCode).toBe(429);
      expectProblemBody(refused.json(), 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      const resetAt = Date.parse((first.json() as { ratelimits: { resetAt: string }[] }).ratelimits[0]?.resetAt ?? '');
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(Math.ceil((resetAt - Date.now()) / 1000) + 1);
      // The unit left still serves a request that costs one.
      expect((await app.inject({ method: 'GET', url: '/expensive?units=1', headers })).statusCode).toBe(200);
    });

    it('answers 429 USAGE_EXCEEDED, with no Retry-After, for a key out of credits', async () => {
      const created = await seeded.admin.post('/v1/keys', {
        name: 'spent',
        kind: 'application',
        credits: { remaining: 0 },
      });
      const refused = await app.inject({
        method: 'GET',
        url: '/expensive',
        headers: { authorization: `Bearer ${created.body.key as string}` },
      });
      expect(refused.statusCode).toBe(429);
      expectProblemBody(refused.json(), 429, 'USAGE_EXCEEDED');
      expect(refused.headers['retry-after']).toBeUndefined();
    });

    it('answers 503 UNAVAILABLE when Keyward is down, never reaching the handler', async () => {
      const reply = await app.inject({
        method: 'GET',
        url: '/down',
        headers: { authorization: `Bearer ${allowed.key}` },
      });
      expect(reply.statusCode).toBe(503);
      expectProblemBody(reply.json(), 503, 'UNAVAILABLE');
      expect(reply.body).not.toContain('reached');
    });

    it('hands a request Keyward rejects (unknown permission) to Fastify’s error handling', async () => {
      const reply = await app.inject({
        method: 'GET',
        url: '/misconfigured',
        headers: { authorization: `Bearer ${allowed.key}` },
      });
      expect(reply.statusCode).toBe(500);
      expect(reply.body).not.toContain('reached');
    });

    it('reads the key from a configured header and the permission from the request', async () => {
      const ok = await app.inject({ method: 'GET', url: '/custom-header', headers: { 'x-api-key': allowed.key } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ keyId: allowed.id });
      expect(
        (
          await app.inject({
            method: 'GET',
            url: '/custom-header?p=secrets.manage',
            headers: { 'x-api-key': allowed.key },
          })
        ).statusCode,
      ).toBe(403);
      const missing = await app.inject({
        method: 'GET',
        url: '/custom-header',
        headers: { authorization: `Bearer ${allowed.key}` },
      });
      expect(missing.statusCode).toBe(401);
      expect(missing.headers['www-authenticate']).toBeUndefined();
    });
  });

  describe('Express (fake req/res/next)', () => {
    interface Sent {
      status: number;
      headers: Record<string, string>;
      body: unknown;
      nextCalls: unknown[][];
      req: ExpressLikeRequest;
    }
    async function run(
      verifier: Verifier,
      authorization: string | undefined,
      permission = 'functions.execute',
    ): Promise<Sent> {
      const req: ExpressLikeRequest = {
        headers: authorization === undefined ? {} : { authorization },
        ip: '198.51.100.4',
      };
      const sent: Sent = { status: 0, headers: {}, body: undefined, nextCalls: [], req };
      const res: ExpressLikeResponse = {
        statusCode: 200,
        setHeader(name, value) {
          sent.headers[name.toLowerCase()] = value;
        },
        end(body) {
          sent.status = res.statusCode;
          sent.body = JSON.parse(body);
        },
      };
      const middleware = keywardExpress(verifier, { permission, logger: false });
      // A typo in the options is found at creation; the request after it goes to next(error) with it.
      await middleware.ready.catch(() => undefined);
      await middleware(req, res, (...args: unknown[]) => {
        sent.nextCalls.push(args);
      });
      return sent;
    }

    it('calls next() with req.keyward for a key holding the permission, passing req.ip', async () => {
      const recorded = recording(live);
      const sent = await run(recorded.verifier, `Bearer ${allowed.key}`);
      expect(sent.nextCalls).toEqual([[]]);
      expect(sent.status).toBe(0);
      expect(sent.req.keyward).toMatchObject({ valid: true, code: 'VALID', keyId: allowed.id });
      expect(recorded.asked[0]?.clientIp).toBe('198.51.100.4');
    });

    it('answers 401 without a key', async () => {
      const sent = await run(live, undefined);
      expect(sent.status).toBe(401);
      expect(sent.headers['content-type']).toBe('application/problem+json');
      expectProblemBody(sent.body, 401, 'UNAUTHENTICATED');
      expect(sent.nextCalls).toEqual([]);
    });

    it('answers 403 for a key lacking the permission', async () => {
      const sent = await run(live, `Bearer ${lacking.key}`);
      expect(sent.status).toBe(403);
      expectProblemBody(sent.body, 403, 'FORBIDDEN');
      expect(sent.nextCalls).toEqual([]);
      expect(sent.req.keyward).toBeUndefined();
    });

    it('answers 503 when Keyward is down', async () => {
      const sent = await run(down, `Bearer ${allowed.key}`);
      expect(sent.status).toBe(503);
      expectProblemBody(sent.body, 503, 'UNAVAILABLE');
      expect(sent.nextCalls).toEqual([]);
    });

    it('calls next(error) naming the typo when Keyward does not know the permission', async () => {
      const sent = await run(live, `Bearer ${allowed.key}`, 'time.travel');
      expect(sent.status).toBe(0);
      expect(sent.nextCalls).toHaveLength(1);
      const error = sent.nextCalls[0]?.[0];
      expect(error).toBeInstanceOf(KeywardConfigError);
      expect((error as KeywardConfigError).cause).toBeInstanceOf(KeywardRequestError);
      expect((error as Error).message).toContain('time.travel');
    });
  });

  describe('Hono (fake context)', () => {
    interface Ran {
      response: Response | undefined;
      vars: Record<string, VerifyAnswer>;
      nextCalled: boolean;
    }
    async function run(verifier: Verifier, authorization: string | undefined): Promise<Ran> {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const ran: Ran = { response: undefined, vars: {}, nextCalled: false };
      const c: HonoLikeContext = {
        req: { header: (name) => headers[name.toLowerCase()] },
        env: { incoming: { socket: { remoteAddress: '192.0.2.8' } } },
        json: (body, status, responseHeaders) =>
          new Response(JSON.stringify(body), {
            status,
            headers: { 'Content-Type': 'application/json', ...responseHeaders },
          }),
        set: (key, value) => {
          ran.vars[key] = value;
        },
      };
      ran.response = await keywardHono(verifier, { permission: 'functions.execute' })(c, async () => {
        ran.nextCalled = true;
      });
      return ran;
    }

    it('sets keyward and calls next for a key holding the permission, passing the node-server IP', async () => {
      const recorded = recording(live);
      const ran = await run(recorded.verifier, `Bearer ${allowed.key}`);
      expect(ran.response).toBeUndefined();
      expect(ran.nextCalled).toBe(true);
      expect(ran.vars.keyward).toMatchObject({ valid: true, code: 'VALID', keyId: allowed.id });
      expect(recorded.asked[0]?.clientIp).toBe('192.0.2.8');
    });

    it.each([
      ['no key', undefined, 401, 'UNAUTHENTICATED'],
      ['a key lacking the permission', 'lacking', 403, 'FORBIDDEN'],
      ['Keyward down', 'down', 503, 'UNAVAILABLE'],
    ] as const)('answers %s with problem+json', async (_name, which, status, code) => {
      const ran = await run(
        which === 'down' ? down : live,
        which === undefined ? undefined : `Bearer ${which === 'lacking' ? lacking.key : allowed.key}`,
      );
      expect(ran.nextCalled).toBe(false);
      expect(ran.vars).toEqual({});
      const response = ran.response as Response;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expectProblemBody(await response.json(), status, code);
    });
  });
});
