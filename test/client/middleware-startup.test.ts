/**
 * Issue 29 item 4, middleware that fits its framework, for Fastify, Express and Hono alike: the
 * names in the options are checked against Keyward's model when the middleware is made (`ready`
 * rejects naming the typo and the name meant; requests then go to the framework's error
 * handling with it, never to a verify); while Keyward cannot be reached each refused request
 * tells `onUnavailable`, and the log says so once, then once when Keyward answers again; other
 * failures tell `onError`. The answer carries who is calling.
 */
import Fastify, { type FastifyRequest } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, KeywardUnavailableError, type Verifier } from '../../src/client/index.js';
import type { KeywardMiddlewareOptions } from '../../src/middleware/core.js';
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

/** A logger that keeps its lines. */
function lines(): { warn: (m: string) => void; error: (m: string) => void; info: (m: string) => void; all: string[] } {
  const all: string[] = [];
  return {
    all,
    warn: (message) => all.push(`warn ${message}`),
    error: (message) => all.push(`error ${message}`),
    info: (message) => all.push(`info ${message}`),
  };
}

/** One request through each framework's middleware: what it answered, or the error its framework got. */
type Outcome = { status: number; body?: unknown; error?: unknown; keyward?: Record<string, unknown> };
// The options used here read nothing of the request, so one options type serves every framework.
type AnyOptions = KeywardMiddlewareOptions<never>;
type Adapter = (
  verifier: Verifier,
  options: AnyOptions,
) => {
  ready: Promise<void>;
  request(key: string): Promise<Outcome>;
};

const adapters: Record<string, Adapter> = {
  express: (verifier, options) => {
    const middleware = keywardExpress(verifier, options as KeywardMiddlewareOptions<ExpressLikeRequest>);
    return {
      ready: middleware.ready,
      async request(key) {
        const req: ExpressLikeRequest = { headers: { authorization: `Bearer ${key}` }, ip: '198.51.100.4' };
        const outcome: Outcome = { status: 0 };
        const res: ExpressLikeResponse = {
          statusCode: 200,
          setHeader: () => undefined,
          end(body) {
            outcome.status = res.statusCode;
            outcome.body = JSON.parse(body);
          },
        };
        await middleware(req, res, (error?: unknown) => {
          if (error !== undefined) outcome.error = error;
          else [outcome.status, outcome.keyward] = [200, req.keyward as unknown as Record<string, unknown>];
        });
        return outcome;
      },
    };
  },
  fastify: (verifier, options) => {
    const hook = keywardFastify(verifier, options as KeywardMiddlewareOptions<FastifyRequest>);
    const app = Fastify();
    let failure: unknown;
    app.setErrorHandler((error, _request, reply) => {
      failure = error;
      return reply.code(500).send({ failed: true });
    });
    app.get('/', { preHandler: hook }, async (request) => ({ keyward: request.keyward }));
    return {
      ready: hook.ready,
      async request(key) {
        failure = undefined;
        const reply = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${key}` } });
        const body = reply.json();
        return { status: reply.statusCode, body, error: failure, keyward: body.keyward };
      },
    };
  },
  hono: (verifier, options) => {
    const middleware = keywardHono(verifier, options as KeywardMiddlewareOptions<HonoLikeContext>);
    return {
      ready: middleware.ready,
      async request(key) {
        const outcome: Outcome = { status: 0 };
        const c: HonoLikeContext = {
          req: { header: (name) => (name === 'authorization' ? `Bearer ${key}` : undefined) },
          json: (body, status) => new Response(JSON.stringify(body), { status }),
          set: (_name, value) => {
            outcome.keyward = value as unknown as Record<string, unknown>;
          },
        };
        try {
          const response = await middleware(c, async () => {
            outcome.status = 200;
          });
          if (response !== undefined) [outcome.status, outcome.body] = [response.status, await response.json()];
        } catch (error) {
          outcome.error = error;
        }
        return outcome;
      },
    };
  },
};

describe.each(sqliteOnly())('middleware start-up checks and outages on $name', (db) => {
  let seeded: Seeded;
  let baseUrl: string;
  let key: { id: string; key: string };
  const kw = keywardForSuite(db);
  beforeAll(async () => {
    baseUrl = await kw.keyward.app.listen({ port: 0, host: '127.0.0.1' });
    seeded = await seedTenant(kw, 'Startup');
    const user = await seeded.admin.post('/v1/users', {
      name: 'Grace',
      email: 'grace@startup.example',
      externalId: 'acct-42',
    });
    const made = await seeded.admin.post('/v1/keys', {
      name: 'grace-cli',
      kind: 'user',
      userId: user.body.id,
      permissions: ['functions.execute'],
      metadata: { plan: 'pro' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    key = { id: made.body.id, key: made.body.key };
  });

  for (const [framework, adapter] of Object.entries(adapters)) {
    describe(framework, () => {
      it('rejects ready naming a misspelt permission and the one meant, read from GET /v1/model with a key', async () => {
        const log = lines();
        const verifier = createVerifier({ baseUrl, key: seeded.adminKey });
        const guarded = adapter(verifier, { permission: 'functions.exectue', logger: log });
        await expect(guarded.ready).rejects.toThrow(
          /unknown permission: functions\.exectue \(did you mean functions\.execute\?\)/,
        );
        expect(log.all.join('\n')).toMatch(/error keyward middleware options: unknown permission: functions\.exectue/);
        const outcome = await guarded.request(key.key);
        expect(outcome.error).toBeInstanceOf(KeywardConfigError);
        expect(outcome.keyward).toBeUndefined();
      });

      it('rejects ready naming a misspelt resource type, and, without a key, a misspelt permission', async () => {
        const withKey = createVerifier({ baseUrl, key: seeded.adminKey });
        await expect(
          adapter(withKey, { action: 'run', resource: { type: 'serverFuncion' }, logger: false }).ready,
        ).rejects.toThrow(/unknown resource type: serverFuncion \(did you mean serverFunction\?\)/);
        const keyless = createVerifier({ baseUrl });
        await expect(adapter(keyless, { permission: 'functions.exectue', logger: false }).ready).rejects.toThrow(
          /functions\.exectue/,
        );
      });

      it('resolves ready for names the model knows, and lets a VALID key through with who is calling', async () => {
        const guarded = adapter(createVerifier({ baseUrl }), { permission: 'functions.execute', logger: false });
        await expect(guarded.ready).resolves.toBeUndefined();
        const outcome = await guarded.request(key.key);
        expect(outcome.status).toBe(200);
        expect(outcome.keyward).toMatchObject({
          keyId: key.id,
          name: 'grace-cli',
          externalId: 'acct-42',
          metadata: { plan: 'pro' },
        });
        expect(typeof outcome.keyward?.['userId']).toBe('string');
      });

      it('tells onUnavailable of each refused request, logs the outage once and the recovery once', async () => {
        let down = false;
        const verifier = createVerifier({
          baseUrl,
          cache: false,
          fetch: (input, init) => (down ? Promise.reject(new TypeError('connect ECONNREFUSED')) : fetch(input, init)),
        });
        const log = lines();
        const told: unknown[] = [];
        const guarded = adapter(verifier, {
          permission: 'functions.execute',
          logger: log,
          onUnavailable: (error) => told.push(error),
        });
        await guarded.ready;
        down = true;
        expect((await guarded.request(key.key)).status).toBe(503);
        expect((await guarded.request(key.key)).status).toBe(503);
        expect(told).toHaveLength(2);
        expect(told[0]).toBeInstanceOf(KeywardUnavailableError);
        down = false;
        expect((await guarded.request(key.key)).status).toBe(200);
        expect(log.all.filter((line) => line.includes('cannot be reached'))).toHaveLength(1);
        expect(log.all.filter((line) => line.includes('answers again'))).toHaveLength(1);
      });

      it('says at start when the names could not be checked, Keyward not answering, and does not reject', async () => {
        const log = lines();
        const verifier = createVerifier({
          baseUrl,
          fetch: () => Promise.reject(new TypeError('connect ECONNREFUSED')),
        });
        await expect(
          adapter(verifier, { permission: 'functions.execute', logger: log }).ready,
        ).resolves.toBeUndefined();
        expect(log.all.join('\n')).toMatch(/warn keyward middleware: its names were not checked at start/);
      });

      it('tells onError of a failure that goes to the framework’s error handling', async () => {
        const told: unknown[] = [];
        const guarded = adapter(createVerifier({ baseUrl }), {
          logger: false,
          cost: () => {
            throw new Error('cost broke');
          },
          onError: (error) => told.push(error),
        });
        const outcome = await guarded.request(key.key);
        expect(outcome.error).toBeInstanceOf(Error);
        expect((outcome.error as Error).message).toBe('cost broke');
        expect(told).toEqual([outcome.error]);
      });
    });
  }
});
