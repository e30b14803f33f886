/**
 * A key in use is read again late in its cache TTL, off the request's path, so its verifies keep
 * hitting the cache past the TTL instead of one of them waiting on storage; a key not used then
 * simply expires, and a change made meanwhile still wins over the refresh.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { manualClock, type ManualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';

const TTL = 60_000;

describe.each(testDatabases())('verify cache refresh on $name', (db) => {
  let kw: TestKeyward;
  let clock: ManualClock;
  let seeded: Seeded;
  let statements: string[] | null = null;
  /** Background refreshes handed out, and those that have stored what they read. */
  const refreshes = { started: 0, stored: 0 };
  beforeAll(async () => {
    clock = manualClock(Date.UTC(2026, 4, 1));
    kw = await startKeyward(db, {
      clock,
      config: { keyCacheTtlMs: TTL, usageFlushMs: 3_600_000 },
      onQuery: (sql) => statements?.push(sql),
    });
    seeded = await seedTenant(kw, 'Refreshed');
    // A refresh runs off the request's path: the test waits for it to store what it read (its
    // lookup has run by then) rather than sleep. A refresh is handed out only on a cache hit,
    // which stores nothing itself, so the next store is the refresh's.
    const cache = kw.keyward.cache;
    const refreshDue = cache.refreshDue.bind(cache);
    const set = cache.set.bind(cache);
    cache.refreshDue = (hash, now) => {
      const due = refreshDue(hash, now);
      if (due) refreshes.started++;
      return due;
    };
    cache.set = (...args) => {
      if (refreshes.stored < refreshes.started) refreshes.stored++;
      set(...args);
    };
  });
  afterAll(async () => {
    await kw.close();
  });

  /** The verify's code, and the key lookups storage ran for it (a refresh's included, once it has stored what it read). */
  async function verify(key: string): Promise<{ code: string; lookups: number }> {
    const seen: string[] = [];
    statements = seen;
    try {
      const { body } = await kw.client().post('/v1/verify', { key });
      await vi.waitFor(
        () => expect(refreshes.stored, 'a background refresh never stored what it read').toBe(refreshes.started),
        { timeout: 5_000, interval: 5 },
      );
      return {
        code: body.code as string,
        lookups: seen.filter((sql) => /from "api_keys"/.test(sql) && sql.includes('key_hash')).length,
      };
    } finally {
      statements = null;
    }
  }

  async function newKey(): Promise<{ id: string; key: string }> {
    const created = await seeded.admin.post('/v1/keys', { name: 'busy', kind: 'application' });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, key: created.body.key as string };
  }

  it('reads a key used late in its TTL once, in the background, and keeps answering it from the cache past the TTL', async () => {
    const { key } = await newKey();
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 1 });
    clock.advance(TTL / 2);
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 0 });
    // Past 0.95 of the TTL, the latest a refresh comes due (key-cache.ts spreads them by hash).
    clock.advance(TTL * 0.46);
    // Due: answered from the cache, and read again once for the next ones.
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 1 });
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 0 });
    clock.advance(TTL / 2);
    // Past the first read's TTL, within the refresh's: still a hit.
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 0 });
  });

  it('lets a key nobody used late in its TTL expire, so the next verify reads it', async () => {
    const { key } = await newKey();
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 1 });
    clock.advance(TTL);
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 1 });
  });

  it('answers REVOKED after a revocation made while the refresh was due', async () => {
    const { id, key } = await newKey();
    expect((await verify(key)).code).toBe('VALID');
    clock.advance(TTL * 0.96);
    expect(await verify(key)).toEqual({ code: 'VALID', lookups: 1 });
    expect((await seeded.admin.post(`/v1/keys/${id}/revoke`, {})).status).toBe(200);
    expect((await verify(key)).code).toBe('REVOKED');
  });
});
