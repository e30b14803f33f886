/**
 * Floods (SPEC §5): failed authentications and NOT_FOUND verifies are throttled per source (an
 * IPv4 address, an IPv6 /64) with 429 RATE_LIMITED and Retry-After, never slowing a valid key
 * from the same address; refusals that name no key are audited in aggregate, one event per
 * source and minute with a count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { generateKey } from '../../src/core/key-format.js';
import type { Config } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';
import { expectProblem } from '../support/problem.js';

describe.each(testDatabases())('floods on $name', (db) => {
  let kw: TestKeyward | undefined;
  afterEach(async () => {
    await kw?.close();
    kw = undefined;
  });
  const start = async (
    options: { config?: Partial<Config>; clock?: ReturnType<typeof manualClock> } = {},
  ): Promise<TestKeyward> => {
    kw = await startKeyward(db, options);
    return kw;
  };

  /** A management call with a bearer that is no key, from `remoteAddress`. */
  const badBearer = async (node: TestKeyward, remoteAddress = '127.0.0.1', bearer = generateKey('kw')) => {
    const reply = await node.keyward.app.inject({
      method: 'GET',
      url: '/v1/users',
      remoteAddress,
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: reply.statusCode, headers: reply.headers, body: reply.json() };
  };

  it('answers a thousand and more bad bearers from one source with 429 and Retry-After, and still serves a valid key from it', async () => {
    const node = await start();
    const seeded = await seedTenant(node, 'Flooded');
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++)
      statuses.push((await badBearer(node, '127.0.0.1', i % 2 === 0 ? generateKey('kw') : `junk-${i}`)).status);
    expect(statuses.slice(0, 300).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(300).every((status) => status === 429)).toBe(true);

    const limited = await node.client(generateKey('kw')).get('/v1/users');
    expectProblem(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await seeded.admin.get('/v1/me')).status).toBe(200);
    expect((await node.client().post('/v1/verify', { key: seeded.adminKey })).body.code).toBe('VALID');
    // A thousand requests in-process take a second on an idle machine; far more on a shared one.
  }, 120_000);

  it('throttles NOT_FOUND verifies per source, and still answers a valid key VALID', async () => {
    const node = await start({ config: { authFailureLimit: 20 } });
    const seeded = await seedTenant(node, 'Verifies');
    for (let i = 0; i < 20; i++)
      expect((await node.client().post('/v1/verify', { key: generateKey('kw') })).body.code).toBe('NOT_FOUND');
    const limited = await node.client().post('/v1/verify', { key: generateKey('kw') });
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await node.client().post('/v1/verify', { key: seeded.adminKey })).body.code).toBe('VALID');
  });

  it('counts an IPv6 /64 as one source, and leaves other sources alone', async () => {
    const node = await start({ config: { authFailureLimit: 5 } });
    for (let i = 1; i <= 5; i++) expect((await badBearer(node, `2001:db8:1:2::${i}`)).status).toBe(401);
    expect((await badBearer(node, '2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await badBearer(node, '2001:db8:1:3::1')).status).toBe(401);
    expect((await badBearer(node, '192.0.2.1')).status).toBe(401);
  });

  it('lets a source fail again once its window has passed', async () => {
    const clock = manualClock(Date.UTC(2026, 6, 1));
    const node = await start({ clock, config: { authFailureLimit: 3, authFailureWindowMs: 10_000 } });
    for (let i = 0; i < 3; i++) expect((await badBearer(node)).status).toBe(401);
    const limited = await badBearer(node);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    clock.advance(10_000);
    expect((await badBearer(node)).status).toBe(401);
  });

  it('audits refusals that name no key as one event per source and minute, with the count', async () => {
    const clock = manualClock(Date.UTC(2026, 6, 1, 12, 0, 5));
    const node = await start({ clock, config: { authFailureLimit: 30 } });
    const requestIds: string[] = [];
    for (let i = 0; i < 40; i++)
      requestIds.push((await badBearer(node, '198.51.100.7', i < 10 ? `junk-${i}` : generateKey('kw'))).body.requestId);
    await badBearer(node, '198.51.100.8');
    const perRequest = await node.keyward.storage.db
      .selectFrom('audit_events')
      .select('id')
      .where('request_id', 'in', requestIds)
      .execute();
    expect(perRequest).toEqual([]);

    clock.advance(60_000);
    await badBearer(node, '198.51.100.7');
    let events: any[] = [];
    for (let tries = 0; tries < 100 && events.length < 2; tries++) {
      events = (await node.root.get('/v1/audit?action=auth.refused')).body.items;
      if (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(events).toHaveLength(2);
    const flooded = events.find((event) => event.sourceIp === '198.51.100.7');
    expect(flooded).toMatchObject({
      outcome: 'denied',
      tenantId: null,
      actorKeyId: null,
      details: {
        count: 40,
        byCode: { UNAUTHENTICATED: 10, NOT_FOUND: 20, RATE_LIMITED: 10 },
        minute: '2026-07-01T12:00:00.000Z',
      },
    });
    expect(events.find((event) => event.sourceIp === '198.51.100.8')).toMatchObject({ details: { count: 1 } });
  });
});

describe.each(testDatabases())('the instance audit chain on $name', (db) => {
  it('keeps its events for KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS, and still verifies after pruning', async () => {
    const clock = manualClock(Date.UTC(2026, 6, 1));
    const kw = await startKeyward(db, { clock, config: { instanceAuditRetentionDays: 30 } });
    try {
      const instanceEvents = async () => (await kw.root.get('/v1/audit?action=instance.bootstrap')).body.items;
      expect(await instanceEvents()).toHaveLength(1);
      clock.advance(29 * 86_400_000);
      await kw.keyward.pruneAudit();
      expect(await instanceEvents()).toHaveLength(1);
      clock.advance(2 * 86_400_000);
      await kw.root.post('/v1/tenants', { name: 'Later' });
      await kw.keyward.pruneAudit();
      expect(await instanceEvents()).toEqual([]);
      expect((await kw.root.get('/v1/audit/verify')).body.ok).toBe(true);
    } finally {
      await kw.close();
    }
  });
});
