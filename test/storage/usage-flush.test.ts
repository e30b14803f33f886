/**
 * The usage recorder's flush against real storage: a buffer of more keys than one statement
 * takes is written a slice at a time, every count and last use arriving, and several days and
 * codes per key kept apart; two recorders (two nodes) flushing at once add up, not overwrite;
 * a slice that fails goes back with the ones after it, and the slices stored are not counted twice.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { defaultModel } from '../../src/core/model/load-model.js';
import { createVerifyStore } from '../../src/modules/verify-store/verify-store.js';
import { createUsageRecorder, USAGE_SLICE, type UsageRecorder } from '../../src/verify/usage-recorder.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

const DAY_MS = 86_400_000;
const MONDAY = Date.UTC(2026, 10, 23, 12);
const KEYS = 2 * USAGE_SLICE + 37;
const keyId = (i: number) => `key_${String(i).padStart(26, '0')}`;
const usageKey = (i: number) => ({ id: keyId(i), tenantId: 'ten_flush', environmentId: 'env_flush' });

describe.each(testDatabases())('usage flush on $name', (testDb) => {
  const database = freshDatabaseEachTest(testDb);
  const recorder = (): UsageRecorder =>
    createUsageRecorder({
      store: createVerifyStore(database().storage.db, defaultModel()),
      intervalMs: 3_600_000,
      maxEntries: 1_000_000,
      onError: () => undefined,
    });

  it(`writes ${KEYS} keys' counts over several statements, each day and code apart, with each key's last use`, async () => {
    const usage = recorder();
    for (let i = 0; i < KEYS; i++) {
      usage.record(usageKey(i), 'VALID', '203.0.113.1', MONDAY);
      usage.record(usageKey(i), 'VALID', '203.0.113.1', MONDAY + 1);
      usage.record(usageKey(i), 'RATE_LIMITED', '203.0.113.2', MONDAY + 2);
      usage.record(usageKey(i), 'VALID', '203.0.113.3', MONDAY + DAY_MS);
    }
    await usage.close();

    const db = database().storage.db;
    const days = await db.selectFrom('key_usage_days').selectAll().execute();
    expect(days).toHaveLength(KEYS * 3);
    const of = (i: number) =>
      days.filter((row) => row.key_id === keyId(i)).map((row) => [row.day, row.code, Number(row.count)]);
    for (const i of [0, USAGE_SLICE - 1, USAGE_SLICE, KEYS - 1]) {
      expect(of(i).sort()).toEqual([
        ['2026-11-23', 'RATE_LIMITED', 1],
        ['2026-11-23', 'VALID', 2],
        ['2026-11-24', 'VALID', 1],
      ]);
    }
    const lastUses = await db.selectFrom('key_usage').selectAll().execute();
    expect(lastUses).toHaveLength(KEYS);
    expect(
      lastUses.every((row) => Number(row.last_used_at) === MONDAY + DAY_MS && row.last_used_ip === '203.0.113.3'),
    ).toBe(true);
  });

  it('adds up the flushes of two nodes writing the same keys at the same time', async () => {
    const [first, second] = [recorder(), recorder()];
    for (let i = 0; i < KEYS; i++) {
      first.record(usageKey(i), 'VALID', null, MONDAY);
      second.record(usageKey(KEYS - 1 - i), 'VALID', null, MONDAY);
      second.record(usageKey(KEYS - 1 - i), 'VALID', null, MONDAY);
    }
    await Promise.all([first.close(), second.close()]);

    const counts = await database().storage.db.selectFrom('key_usage_days').select(['count']).execute();
    expect(counts).toHaveLength(KEYS);
    expect(counts.every((row) => Number(row.count) === 3)).toBe(true);
  });

  it('puts back only the slices a failed flush did not store, so the next flush counts each verify once', async () => {
    const { storage, databaseUrl } = database();
    const refused = keyId(USAGE_SLICE + 3);
    // A trigger refuses one key of the second slice: the first slice commits, the rest fail.
    if (databaseUrl === undefined) {
      await sql
        .raw(
          `create trigger refuse before insert on key_usage_days when new.key_id = '${refused}' begin select raise(abort, 'refused'); end`,
        )
        .execute(storage.db);
    } else {
      await sql
        .raw(
          `create function refuse_usage() returns trigger language plpgsql as $$ begin if new.key_id = '${refused}' then raise exception 'refused'; end if; return new; end $$`,
        )
        .execute(storage.db);
      await sql
        .raw('create trigger refuse before insert on key_usage_days for each row execute function refuse_usage()')
        .execute(storage.db);
    }
    const usage = recorder();
    for (let i = 0; i < KEYS; i++) usage.record(usageKey(i), 'VALID', null, MONDAY);
    await expect(usage.flush()).rejects.toThrow(/refused/);
    expect(usage.pendingEntries()).toBe(KEYS - USAGE_SLICE);

    await sql
      .raw(databaseUrl === undefined ? 'drop trigger refuse' : 'drop trigger refuse on key_usage_days')
      .execute(storage.db);
    await usage.close();
    const counts = await storage.db.selectFrom('key_usage_days').select(['count']).execute();
    expect(counts).toHaveLength(KEYS);
    expect(counts.every((row) => Number(row.count) === 1)).toBe(true);
    // The failed slice's rollups went back with its day counts: each verify is in them once.
    const byCode = await storage.db
      .selectFrom('usage_rollups')
      .select(['granularity', 'count'])
      .where('dimension', '=', 'code')
      .execute();
    expect(byCode.map((row) => [row.granularity, Number(row.count)]).sort()).toEqual([
      ['day', KEYS],
      ['hour', KEYS],
    ]);
  });

  it("adds each key's verifies to its own tenant's and environment's rollups", async () => {
    const usage = recorder();
    const keys = [
      { id: 'key_a1', tenantId: 'ten_a', environmentId: 'env_a' },
      { id: 'key_a2', tenantId: 'ten_a', environmentId: 'env_a' },
      { id: 'key_a3', tenantId: 'ten_a', environmentId: null },
      { id: 'key_b1', tenantId: 'ten_b', environmentId: 'env_b' },
      { id: 'key_root', tenantId: null, environmentId: null },
    ];
    for (const [index, key] of keys.entries())
      for (let n = 0; n <= index; n++) usage.record(key, 'VALID', null, MONDAY);
    await usage.close();

    const rollups = await database()
      .storage.db.selectFrom('usage_rollups')
      .select(['tenant_id', 'environment_id', 'group_name', 'count'])
      .where('dimension', '=', 'code')
      .where('granularity', '=', 'hour')
      .execute();
    expect(rollups.map((row) => [row.tenant_id, row.environment_id, row.group_name, Number(row.count)]).sort()).toEqual(
      [
        ['ten_a', '', 'VALID', 3],
        ['ten_a', 'env_a', 'VALID', 1 + 2],
        ['ten_b', 'env_b', 'VALID', 4],
      ],
    );
  });
});
