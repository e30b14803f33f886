/**
 * Key usage (SPEC §4, issue 7): verifies are counted in memory per key, UTC day and verdict code,
 * with the key's last use and IP, and written in batches: never a storage write per verify (the
 * tests count the statements), every `KEYWARD_USAGE_FLUSH_MS`, as soon as
 * `KEYWARD_USAGE_FLUSH_SIZE` counters are pending, and on close. Reads add this node's pending
 * counts to the stored ones.
 */
import { describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { buildApp } from '../../src/http/app.js';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

/** A statement that writes (what the verify path must never issue per request). */
const isWrite = (sql: string): boolean => /^\s*(insert|update|delete|replace|upsert)\b/i.test(sql);
/** No flush on the timer while a test counts statements. */
const NO_TIMER = { usageFlushMs: 3_600_000 };

async function storedCounts(kw: TestKeyward, keyId: string): Promise<Record<string, number>> {
  const rows = await kw.database.storage.db
    .selectFrom('key_usage_days')
    .selectAll()
    .where('key_id', '=', keyId)
    .execute();
  const counts: Record<string, number> = {};
  for (const row of rows) counts[`${row.day} ${row.code}`] = Number(row.count);
  return counts;
}

describe('usage flush settings', () => {
  it('default to every 5 s or 1000 pending counters, and refuse what is out of range', () => {
    expect(loadConfig({})).toMatchObject({ usageFlushMs: 5000, usageFlushSize: 20_000 });
    expect(loadConfig({ KEYWARD_USAGE_FLUSH_MS: '250', KEYWARD_USAGE_FLUSH_SIZE: '10' })).toMatchObject({
      usageFlushMs: 250,
      usageFlushSize: 10,
    });
    for (const env of [
      { KEYWARD_USAGE_FLUSH_MS: '0' },
      { KEYWARD_USAGE_FLUSH_MS: '1.5' },
      { KEYWARD_USAGE_FLUSH_SIZE: '0' },
      { KEYWARD_USAGE_FLUSH_SIZE: 'many' },
    ]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
    }
    expect(() => loadConfig({ KEYWARD_USAGE_FLUSH_SIZE: '0' })).toThrow(/KEYWARD_USAGE_FLUSH_SIZE/);
  });
});

describe.each(testDatabases())('key usage on $name', (db: TestDatabase) => {
  let statements: string[] | null = null;
  const clock = manualClock(Date.UTC(2026, 2, 1, 12));
  const kw = keywardForSuite(db, { clock, config: NO_TIMER, onQuery: (sql) => statements?.push(sql) });
  const seeded = tenantForSuite(kw, 'Usage');

  /** The statements the storage ran while `body` ran. */
  async function statementsDuring(body: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    statements = seen;
    try {
      await body();
    } finally {
      statements = null;
    }
    return seen;
  }
  const newKey = async (body: Record<string, unknown> = {}) =>
    created(await seeded.admin.post('/v1/keys', { name: 'k', kind: 'application', ...body }));
  const verify = async (key: string, body: Record<string, unknown> = {}) => {
    const result = await kw.keyward.verify({ key, ...body });
    if (!result.ok) throw new Error(JSON.stringify(result.problem));
    return result.value.code;
  };
  const usageOf = async (keyId: string, query = '') => {
    const reply = await seeded.admin.get(`/v1/keys/${keyId}/usage${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  it('counts 10 000 verifies of one key with no storage write per verify, and writes them in one bounded flush', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const key = await newKey({ permissions: ['functions.execute'] });
    await kw.keyward.usage.flush();

    /** `n` verifies, then a flush: the statements each ran. */
    async function run(n: number): Promise<{ duringWrites: number; flush: string[] }> {
      let valid = 0;
      const during = await statementsDuring(async () => {
        for (let i = 0; i < n; i++)
          if ((await verify(key.key, { permission: 'functions.execute', clientIp: '198.51.100.7' })) === 'VALID')
            valid++;
      });
      expect(valid).toBe(n);
      const flush = await statementsDuring(() => kw.keyward.usage.flush());
      return { duringWrites: during.filter(isWrite).length, flush };
    }

    const big = await run(10_000);
    expect(big.duringWrites).toBe(0);
    // One upsert into key_usage_days, one into the tenant's rollups (after reading the key's
    // tenant), one into key_usage, inside one transaction.
    expect(big.flush.filter(isWrite)).toHaveLength(3);
    expect(big.flush.length).toBeLessThanOrEqual(6);
    const usage = await usageOf(key.id);
    expect(usage).toMatchObject({
      keyId: key.id,
      total: 10_000,
      days: [{ day: '2026-03-01', count: 10_000, byCode: { VALID: 10_000 } }],
      lastUsedIp: '198.51.100.7',
    });
    expect(await storedCounts(kw, key.id)).toEqual({ '2026-03-01 VALID': 10_000 });

    // The flush's size does not grow with the number of verifies: 10 cost what 10 000 did.
    const small = await run(10);
    expect(small.duringWrites).toBe(0);
    expect(small.flush.length).toBe(big.flush.length);
    expect((await usageOf(key.id)).total).toBe(10_010);

    // Over HTTP too, the verify route writes nothing per request.
    const http = await statementsDuring(async () => {
      for (let i = 0; i < 50; i++)
        expect((await kw.client().post('/v1/verify', { key: key.key })).body.code).toBe('VALID');
    });
    expect(http.filter(isWrite)).toEqual([]);
    expect((await usageOf(key.id)).total).toBe(10_060);
  });

  it('counts per UTC day and per verdict code across midnight, FORBIDDEN, DISABLED, REVOKED and EXPIRED included', async () => {
    clock.set(Date.UTC(2026, 2, 10, 23, 59));
    const key = await newKey({ permissions: ['functions.execute'], expiresInDays: 2 });
    const revoked = await newKey();
    const disabled = await newKey();
    for (let i = 0; i < 3; i++) expect(await verify(key.key, { permission: 'functions.execute' })).toBe('VALID');
    for (let i = 0; i < 2; i++) expect(await verify(key.key, { permission: 'users.manage' })).toBe('FORBIDDEN');
    expect(await verify(revoked.key)).toBe('VALID');
    expect((await seeded.admin.post(`/v1/keys/${revoked.id}/revoke`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect(await verify(revoked.key)).toBe('REVOKED');
    expect((await seeded.admin.patch(`/v1/keys/${disabled.id}`, { enabled: false })).status).toBe(200);
    expect(await verify(disabled.key)).toBe('DISABLED');
    // The first day is stored; what follows stays pending, and reads add the two.
    await kw.keyward.usage.flush();

    clock.set(Date.UTC(2026, 2, 11, 0, 0, 30));
    expect(await verify(key.key, { permission: 'functions.execute' })).toBe('VALID');
    expect(await verify(key.key, { action: 'delete', resource: { type: 'agent' } })).toBe('FORBIDDEN');
    clock.set(Date.UTC(2026, 2, 13, 0, 0, 1));
    for (let i = 0; i < 2; i++) expect(await verify(key.key)).toBe('EXPIRED');

    const expected = {
      keyId: key.id,
      total: 9,
      days: [
        { day: '2026-03-10', count: 5, byCode: { FORBIDDEN: 2, VALID: 3 } },
        { day: '2026-03-11', count: 2, byCode: { FORBIDDEN: 1, VALID: 1 } },
        { day: '2026-03-13', count: 2, byCode: { EXPIRED: 2 } },
      ],
      lastUsedAt: '2026-03-13T00:00:01.000Z',
      lastUsedIp: null,
    };
    expect(await usageOf(key.id, '?from=2026-03-10&to=2026-03-13')).toEqual(expected);
    // The default range is the last 30 days up to today.
    expect(await usageOf(key.id)).toEqual(expected);
    expect(await storedCounts(kw, key.id)).toEqual({ '2026-03-10 FORBIDDEN': 2, '2026-03-10 VALID': 3 });
    await kw.keyward.usage.flush();
    expect(await usageOf(key.id, '?from=2026-03-10&to=2026-03-13')).toEqual(expected);
    expect(await storedCounts(kw, key.id)).toEqual({
      '2026-03-10 FORBIDDEN': 2,
      '2026-03-10 VALID': 3,
      '2026-03-11 FORBIDDEN': 1,
      '2026-03-11 VALID': 1,
      '2026-03-13 EXPIRED': 2,
    });

    expect(await usageOf(key.id, '?from=2026-03-11&to=2026-03-11')).toMatchObject({
      total: 2,
      days: [{ day: '2026-03-11', count: 2 }],
    });
    expect(await usageOf(key.id, '?from=2026-03-12&to=2026-03-12')).toMatchObject({ total: 0, days: [] });
    expect(await usageOf(key.id, '?to=2026-03-10')).toMatchObject({ total: 5 });
    expect(await usageOf(revoked.id)).toMatchObject({
      total: 3,
      days: [{ day: '2026-03-10', count: 3, byCode: { REVOKED: 2, VALID: 1 } }],
    });
    expect(await usageOf(disabled.id)).toMatchObject({
      total: 1,
      days: [{ day: '2026-03-10', byCode: { DISABLED: 1 } }],
    });
  });

  it('shows the last use and its IP: clientIp when given, else the address the verify came from', async () => {
    clock.set(Date.UTC(2026, 3, 1, 8));
    const key = await newKey();
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.lastUsedAt).toBeNull();
    expect(await usageOf(key.id)).toEqual({ keyId: key.id, total: 0, days: [], lastUsedAt: null, lastUsedIp: null });

    const post = (body: Record<string, unknown>) =>
      kw.keyward.app.inject({
        method: 'POST',
        url: '/v1/verify',
        remoteAddress: '203.0.113.5',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect((await post({ key: key.key, clientIp: '198.51.100.23' })).json().code).toBe('VALID');
    const first = new Date(clock.now()).toISOString();
    // Not flushed yet: the key object and the usage show this node's pending use.
    expect((await seeded.admin.get(`/v1/keys/${key.id}`)).body.lastUsedAt).toBe(first);
    expect(await usageOf(key.id)).toMatchObject({ total: 1, lastUsedAt: first, lastUsedIp: '198.51.100.23' });

    clock.advance(60_000);
    expect((await post({ key: key.key })).json().code).toBe('VALID');
    const second = new Date(clock.now()).toISOString();
    expect(await usageOf(key.id)).toMatchObject({ total: 2, lastUsedAt: second, lastUsedIp: '203.0.113.5' });

    // A management call made with the key is not a verify: neither counted nor a use.
    clock.advance(60_000);
    expect((await kw.client(key.key).get('/v1/me')).body.key.lastUsedAt).toBe(second);
    await kw.keyward.usage.flush();
    expect(await usageOf(key.id)).toMatchObject({ total: 2, lastUsedAt: second, lastUsedIp: '203.0.113.5' });
    const listed = (await seeded.admin.get('/v1/keys?limit=100')).body.items.find(
      (item: { id: string }) => item.id === key.id,
    );
    expect(listed.lastUsedAt).toBe(second);
    const stored = await kw.database.storage.db
      .selectFrom('key_usage')
      .selectAll()
      .where('key_id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect({ at: Number(stored.last_used_at), ip: stored.last_used_ip }).toEqual({
      at: Date.parse(second),
      ip: '203.0.113.5',
    });

    // In process, the caller says where the verify came from.
    clock.advance(60_000);
    expect(await verify(key.key)).toBe('VALID');
    expect(await usageOf(key.id)).toMatchObject({ total: 3, lastUsedIp: null });
    expect((await kw.keyward.verify({ key: key.key }, '192.0.2.44')).ok).toBe(true);
    expect(await usageOf(key.id)).toMatchObject({ total: 4, lastUsedIp: '192.0.2.44' });
    // Unknown and malformed keys are no key's usage.
    expect(await verify(key.key.slice(0, -8) + 'AAAAAAAA')).toBe('NOT_FOUND');
    expect(await usageOf(key.id)).toMatchObject({ total: 4 });
  });

  it('keeps verifies that arrive during a flush, and puts back the counts of a flush that failed', async () => {
    clock.set(Date.UTC(2026, 4, 1, 12));
    const key = await newKey();
    for (let i = 0; i < 5; i++) await verify(key.key);
    const flushing = kw.keyward.usage.flush();
    for (let i = 0; i < 3; i++) await verify(key.key);
    await flushing;
    expect((await usageOf(key.id)).total).toBe(8);

    const storage = kw.database.storage.db;
    await storage.schema.alterTable('key_usage_days').renameTo('key_usage_days_away').execute();
    try {
      await expect(kw.keyward.usage.flush()).rejects.toThrow();
      for (let i = 0; i < 2; i++) await verify(key.key);
    } finally {
      await storage.schema.alterTable('key_usage_days_away').renameTo('key_usage_days').execute();
    }
    expect(kw.keyward.usage.pendingEntries()).toBeGreaterThan(0);
    expect((await usageOf(key.id)).total).toBe(10);
    await kw.keyward.usage.flush();
    expect(kw.keyward.usage.pendingEntries()).toBe(0);
    expect(await storedCounts(kw, key.id)).toEqual({ '2026-05-01 VALID': 10 });
    expect((await usageOf(key.id)).total).toBe(10);
  });

  it('refuses from after to (400 naming from) and a malformed day; hides another tenant’s key (404)', async () => {
    const key = await newKey();
    const backwards = await seeded.admin.get(`/v1/keys/${key.id}/usage?from=2026-03-02&to=2026-03-01`);
    expectProblem(backwards, 400, 'VALIDATION');
    expect(backwards.body.field).toBe('from');
    const impossible = await seeded.admin.get(`/v1/keys/${key.id}/usage?from=2026-02-30`);
    expectProblem(impossible, 400, 'VALIDATION');
    expect(impossible.body.field).toBe('from');
    expect((await seeded.admin.get(`/v1/keys/${key.id}/usage?to=yesterday`)).body.field).toBe('to');
    expectProblem(await seeded.admin.get(`/v1/keys/${key.id}/usage?since=2026-01-01`), 400, 'VALIDATION');

    const elsewhere = await seedTenant(kw, 'Elsewhere');
    expectProblem(await elsewhere.admin.get(`/v1/keys/${key.id}/usage`), 404, 'NOT_FOUND');
    expectProblem(await seeded.admin.get(`/v1/keys/${elsewhere.adminKeyId}/usage`), 404, 'NOT_FOUND');
    expectProblem(await seeded.admin.get('/v1/keys/key_00000000000000000000000000/usage'), 404, 'NOT_FOUND');
    expect((await kw.root.get(`/v1/keys/${key.id}/usage`)).status).toBe(200);
  });

  it('lets a key read its own usage without users.manage, but not another key’s', async () => {
    clock.set(Date.UTC(2026, 5, 1, 12));
    const self = await newKey();
    const other = await newKey();
    for (let i = 0; i < 2; i++) await verify(self.key);
    const client = kw.client(self.key);
    const own = await client.get(`/v1/keys/${self.id}/usage`);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ keyId: self.id, total: 2, days: [{ day: '2026-06-01', byCode: { VALID: 2 } }] });
    // Its own management calls were not counted.
    expect((await client.get(`/v1/keys/${self.id}/usage`)).body.total).toBe(2);
    expectProblem(await client.get(`/v1/keys/${other.id}/usage`), 403, 'FORBIDDEN');
  });

  describe('flushing on its own', () => {
    async function seededKeyward(config: Record<string, number>): Promise<{ kw: TestKeyward; seeded: Seeded }> {
      const instance = await startKeyward(db, { config });
      return { kw: instance, seeded: await seedTenant(instance, 'Flushing') };
    }

    it('writes as soon as KEYWARD_USAGE_FLUSH_SIZE counters are pending', async () => {
      const { kw: small, seeded: tenant } = await seededKeyward({ ...NO_TIMER, usageFlushSize: 3 });
      try {
        const newKey = async () => created(await tenant.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
        const [first, second, third] = [await newKey(), await newKey(), await newKey()];
        await small.keyward.verify({ key: first.key });
        await small.keyward.verify({ key: second.key });
        await small.keyward.verify({ key: second.key });
        expect(small.keyward.usage.pendingEntries()).toBe(2);
        expect(await storedCounts(small, second.id)).toEqual({});
        // The third distinct key/hour/code counter reaches the size: written without being asked.
        await small.keyward.verify({ key: third.key });
        await vi.waitFor(async () => expect(Object.values(await storedCounts(small, second.id))).toEqual([2]), {
          timeout: 5000,
          interval: 20,
        });
        expect(small.keyward.usage.pendingEntries()).toBe(0);
      } finally {
        await small.close();
      }
    });

    it('writes every KEYWARD_USAGE_FLUSH_MS', async () => {
      const { kw: quick, seeded: tenant } = await seededKeyward({ usageFlushMs: 50 });
      try {
        const key = created(await tenant.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
        for (let i = 0; i < 4; i++) await quick.keyward.verify({ key: key.key });
        await vi.waitFor(async () => expect(Object.values(await storedCounts(quick, key.id))).toEqual([4]), {
          timeout: 5000,
          interval: 20,
        });
      } finally {
        await quick.close();
      }
    });

    it('writes what is pending on close, where a second node reads it', async () => {
      const { kw: closing, seeded: tenant } = await seededKeyward(NO_TIMER);
      try {
        const key = created(await tenant.admin.post('/v1/keys', { name: 'k', kind: 'application' }));
        for (let i = 0; i < 7; i++) await closing.keyward.verify({ key: key.key, clientIp: '198.51.100.99' });
        expect(await storedCounts(closing, key.id)).toEqual({});
        await closing.keyward.close();
        expect(Object.values(await storedCounts(closing, key.id))).toEqual([7]);

        const config = loadConfig({}, { dataDir: closing.database.dataDir, logLevel: 'silent', changePollMs: 60_000 });
        const second = await buildApp({ config, storage: closing.database.storage });
        try {
          const reply = await second.app.inject({
            method: 'GET',
            url: `/v1/keys/${key.id}/usage`,
            headers: { authorization: `Bearer ${tenant.adminKey}` },
          });
          expect(reply.statusCode, reply.body).toBe(200);
          expect(reply.json()).toMatchObject({ total: 7, lastUsedIp: '198.51.100.99' });
        } finally {
          await second.close();
        }
      } finally {
        await closing.close();
      }
    });
  });
});
