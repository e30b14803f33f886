/**
 * The verify client (`keyward/client`) against a real Keyward listening on a port: verdicts,
 * the cache of VALID answers for the server's `cacheTtlMs` (and never of a denial), 400 as
 * `KeywardRequestError`, and no answer as `KeywardUnavailableError`.
 */
import { deadPort } from '../support/ports.js';
import { createServer, type Server, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/core/key-format.js';
import {
  createVerifier,
  KeywardRequestError,
  KeywardUnavailableError,
  type VerifyAnswer,
} from '../../src/client/index.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const TTL = 60_000;

/** A fetch that counts the requests it passes on and keeps their bodies. */
function countingFetch(): { fetch: typeof fetch; calls: () => number; bodies: Record<string, unknown>[] } {
  let calls = 0;
  const bodies: Record<string, unknown>[] = [];
  return {
    fetch: async (input, init) => {
      calls += 1;
      bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(input, init);
    },
    calls: () => calls,
    bodies,
  };
}

describe.each(sqliteOnly())('the verify client against Keyward on $name', (db) => {
  let baseUrl: string;
  let seeded: Seeded;
  const kw = keywardForSuite(db, { config: { clientCacheTtlMs: TTL } });
  beforeAll(async () => {
    baseUrl = await kw.keyward.app.listen({ port: 0, host: '127.0.0.1' });
    seeded = await seedTenant(kw, 'Client');
  });

  async function appKey(
    extra: Record<string, unknown> = { permissions: ['functions.execute'] },
  ): Promise<{ id: string; key: string }> {
    const created = await seeded.admin.post('/v1/keys', { name: 'svc', kind: 'application', ...extra });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { id: created.body.id, key: created.body.key };
  }

  it('answers VALID with the key, tenant, environment, who is calling and the server’s cacheTtlMs', async () => {
    const { id, key } = await appKey({ permissions: ['functions.execute'], metadata: { plan: 'pro' } });
    const answer = await createVerifier({ baseUrl }).verify({ key, permission: 'functions.execute' });
    expect(answer).toEqual<VerifyAnswer>({
      valid: true,
      code: 'VALID',
      keyId: id,
      tenantId: seeded.tenantId,
      environmentId: seeded.environmentId,
      name: 'svc',
      userId: null,
      externalId: null,
      metadata: { plan: 'pro' },
      expiresAt: null,
      cacheTtlMs: TTL,
    });
  });

  it('sends the cost, and answers RATE_LIMITED and USAGE_EXCEEDED as verdicts, with the limits and the balance', async () => {
    const { key } = await appKey({
      ratelimits: [{ name: 'per-hour', limit: 5, durationMs: 3_600_000 }],
      credits: { remaining: 3 },
    });
    const verifier = createVerifier({ baseUrl });
    const spent = await verifier.verify({ key, cost: 3 });
    expect(spent).toMatchObject({
      valid: true,
      code: 'VALID',
      cacheTtlMs: 0,
      credits: { remaining: 0 },
      ratelimits: [{ name: 'per-hour', limit: 5, remaining: 2 }],
    });
    expect(await verifier.verify({ key })).toMatchObject({
      valid: false,
      code: 'USAGE_EXCEEDED',
      credits: { remaining: 0 },
    });
    expect(await verifier.verify({ key, cost: 0 })).toMatchObject({ valid: true, code: 'VALID' });
    expect(await verifier.verify({ key, cost: 3 })).toMatchObject({
      valid: false,
      code: 'RATE_LIMITED',
      ratelimits: [{ name: 'per-hour', remaining: 2 }],
    });
  });

  it('answers FORBIDDEN naming the missing permission, and NOT_FOUND for a key never issued', async () => {
    const { id, key } = await appKey();
    const verifier = createVerifier({ baseUrl: `${baseUrl}/` });
    expect(await verifier.verify({ key, permission: 'secrets.manage' })).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      keyId: id,
      cacheTtlMs: 0,
      missing: { permission: 'secrets.manage' },
    });
    expect(await verifier.verify({ key: generateKey('kw') })).toMatchObject({
      valid: false,
      code: 'NOT_FOUND',
      keyId: null,
    });
    expect(await verifier.verify({ key: 'not a key' })).toMatchObject({ valid: false, code: 'NOT_FOUND' });
  });

  it('asks an action on a resource, type-wide', async () => {
    const { key } = await appKey();
    const verifier = createVerifier({ baseUrl });
    expect((await verifier.verify({ key, action: 'run', resource: { type: 'serverFunction' } })).code).toBe('VALID');
    expect(await verifier.verify({ key, action: 'delete', resource: { type: 'serverFunction' } })).toMatchObject({
      code: 'FORBIDDEN',
      missing: { action: 'delete', resource: { type: 'serverFunction' } },
    });
  });

  it('reuses a VALID answer for its cacheTtlMs without asking again, per exact request', async () => {
    const { key } = await appKey();
    const counter = countingFetch();
    const verifier = createVerifier({ baseUrl, fetch: counter.fetch });
    const first = await verifier.verify({ key, permission: 'functions.execute', clientIp: '203.0.113.7' });
    expect(first.code).toBe('VALID');
    expect(counter.calls()).toBe(1);
    expect(counter.bodies[0]).toEqual({ key, permission: 'functions.execute', clientIp: '203.0.113.7' });

    expect(await verifier.verify({ key, permission: 'functions.execute', clientIp: '203.0.113.7' })).toEqual(first);
    expect(counter.calls()).toBe(1);

    // Another question about the same key is another entry: another address, cost, permission or action.
    expect((await verifier.verify({ key, permission: 'functions.execute', clientIp: '198.51.100.1' })).code).toBe(
      'VALID',
    );
    expect(counter.calls()).toBe(2);
    expect(
      (await verifier.verify({ key, permission: 'functions.execute', clientIp: '203.0.113.7', cost: 0 })).code,
    ).toBe('VALID');
    expect(counter.calls()).toBe(3);
    expect((await verifier.verify({ key })).code).toBe('VALID');
    expect(counter.calls()).toBe(4);
    expect((await verifier.verify({ key, action: 'run', resource: { type: 'serverFunction' } })).code).toBe('VALID');
    expect((await verifier.verify({ key, action: 'run', resource: { type: 'serverFunction' } })).code).toBe('VALID');
    expect(counter.calls()).toBe(5);
  });

  it('never serves a key with an IP allowlist to another address from its cache', async () => {
    const { id, key } = await appKey({ permissions: ['functions.execute'], ipAllowlist: ['203.0.113.0/24'] });
    const verifier = createVerifier({ baseUrl });
    expect((await verifier.verify({ key, permission: 'functions.execute', clientIp: '203.0.113.7' })).code).toBe(
      'VALID',
    );
    expect(await verifier.verify({ key, permission: 'functions.execute', clientIp: '198.51.100.1' })).toMatchObject({
      valid: false,
      code: 'FORBIDDEN',
      keyId: id,
      missing: { ip: '198.51.100.1' },
    });
  });

  it('never answers a spending request with a cached check-only VALID (cost 0)', async () => {
    const { key } = await appKey({ permissions: ['functions.execute'], credits: { remaining: 1 } });
    const verifier = createVerifier({ baseUrl });
    expect(await verifier.verify({ key, cost: 0 })).toMatchObject({ valid: true, code: 'VALID' });
    expect(await verifier.verify({ key, cost: 1 })).toMatchObject({
      valid: true,
      code: 'VALID',
      credits: { remaining: 0 },
    });
    expect(await verifier.verify({ key, cost: 1 })).toMatchObject({
      valid: false,
      code: 'USAGE_EXCEEDED',
      credits: { remaining: 0 },
    });
    expect(await verifier.verify({ key, cost: 0 })).toMatchObject({ valid: true, code: 'VALID' });
  });

  it('never caches a denial', async () => {
    const { key } = await appKey();
    const counter = countingFetch();
    const verifier = createVerifier({ baseUrl, fetch: counter.fetch });
    for (let round = 1; round <= 3; round += 1) {
      expect((await verifier.verify({ key, permission: 'secrets.manage' })).code).toBe('FORBIDDEN');
      expect((await verifier.verify({ key: generateKey('kw') })).code).toBe('NOT_FOUND');
      expect(counter.calls()).toBe(2 * round);
    }
  });

  it('answers REVOKED for a revoked key once its cached VALID has lived its cacheTtlMs', async () => {
    const { id, key } = await appKey();
    let now = Date.now();
    const counter = countingFetch();
    const verifier = createVerifier({ baseUrl, fetch: counter.fetch, now: () => now });
    expect((await verifier.verify({ key, permission: 'functions.execute' })).code).toBe('VALID');
    expect((await seeded.admin.post(`/v1/keys/${id}/revoke`)).status).toBe(200);

    // Inside the TTL the client vouches from its cache: that is what cacheTtlMs allows.
    now += TTL - 1;
    expect((await verifier.verify({ key, permission: 'functions.execute' })).code).toBe('VALID');
    expect(counter.calls()).toBe(1);

    now += 1;
    expect(await verifier.verify({ key, permission: 'functions.execute' })).toMatchObject({
      valid: false,
      code: 'REVOKED',
      keyId: id,
    });
    expect(counter.calls()).toBe(2);
  });

  it('never reuses a VALID past the key’s own expiry', async () => {
    const { key } = await appKey({ permissions: ['functions.execute'], expiresInDays: 1 });
    const counter = countingFetch();
    const first = await createVerifier({ baseUrl, fetch: counter.fetch }).verify({ key });
    expect(first.expiresAt).not.toBeNull();
    let now = Date.parse(first.expiresAt as string) - 10;
    const verifier = createVerifier({ baseUrl, fetch: counter.fetch, now: () => now });
    await verifier.verify({ key });
    await verifier.verify({ key });
    expect(counter.calls()).toBe(2);
    now += 10;
    await verifier.verify({ key });
    expect(counter.calls()).toBe(3);
  });

  it('keeps at most maxEntries answers, evicting the oldest', async () => {
    const { key } = await appKey();
    const counter = countingFetch();
    const verifier = createVerifier({ baseUrl, fetch: counter.fetch, cache: { maxEntries: 1 } });
    await verifier.verify({ key, permission: 'functions.execute' });
    await verifier.verify({ key });
    await verifier.verify({ key, permission: 'functions.execute' });
    expect(counter.calls()).toBe(3);
    const uncached = createVerifier({ baseUrl, fetch: counter.fetch, cache: false });
    await uncached.verify({ key });
    await uncached.verify({ key });
    expect(counter.calls()).toBe(5);
  });

  it('throws KeywardRequestError carrying the problem for an unknown permission (400)', async () => {
    const { key } = await appKey();
    const error = await createVerifier({ baseUrl })
      .verify({ key, permission: 'time.travel' })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(KeywardRequestError);
    const requestError = error as KeywardRequestError;
    expect(requestError.httpStatus).toBe(400);
    expect(requestError.problem).toMatchObject({
      type: 'urn:keyward:problem:validation',
      status: 400,
      code: 'VALIDATION',
      field: 'permission',
    });
    expect(requestError.problem.detail).toContain('time.travel');
    expect(requestError.message).not.toContain(key);
  });

  it('throws KeywardUnavailableError when nothing listens', async () => {
    const verifier = createVerifier({ baseUrl: `http://127.0.0.1:${await deadPort()}` });
    await expect(verifier.verify({ key: generateKey('kw') })).rejects.toBeInstanceOf(KeywardUnavailableError);
  });

  it('throws KeywardUnavailableError when the server does not answer within timeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const address = silent.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const started = Date.now();
      const error = await createVerifier({ baseUrl: `http://127.0.0.1:${address.port}`, timeoutMs: 150 })
        .verify({ key: generateKey('kw') })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(KeywardUnavailableError);
      expect((error as Error).message).toMatch(/150 ms/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('throws KeywardUnavailableError on a 5xx, a 429 and an unreadable 200, and never caches them', async () => {
    const replies = [
      new Response(
        JSON.stringify({
          type: 'urn:keyward:problem:unavailable',
          title: 't',
          status: 503,
          detail: 'stale',
          code: 'UNAVAILABLE',
        }),
        {
          status: 503,
          headers: { 'content-type': 'application/problem+json' },
        },
      ),
      new Response('{"code":"RATE_LIMITED"}', { status: 429 }),
      new Response('<html>proxy</html>', { status: 200 }),
      new Response(JSON.stringify({ valid: true, code: 'FORBIDDEN', cacheTtlMs: 1 }), { status: 200 }),
    ];
    let calls = 0;
    const verifier = createVerifier({
      baseUrl: 'http://keyward.invalid',
      fetch: async () => {
        const reply = replies[calls];
        calls += 1;
        if (reply === undefined) throw new Error('no more replies');
        return reply;
      },
    });
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < replies.length; i += 1) {
      const error = await verifier.verify({ key: 'kw_x' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(KeywardUnavailableError);
      statuses.push((error as KeywardUnavailableError).httpStatus);
    }
    expect(statuses).toEqual([503, 429, 200, 200]);
    expect(calls).toBe(4);
  });
});
