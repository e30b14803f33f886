/**
 * Two nodes flushing usage at once (issue 26's rollups): each flush slice adds its keys' day counts
 * and the tenant's hourly and daily rollups in one transaction, and every node's slice touches the
 * same rollup rows (the tenant's code of the hour). Sent at the same instant, over and over, the
 * slices must neither deadlock nor lose a count: the rollups read exactly the sum of both, as the
 * per-key day counts do. On PostgreSQL the two transactions really overlap (two connections).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEnvironment } from '../../src/modules/environments/environments.repository.js';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import { writeUsageSlice, type UsageDayRow, type UsageHourRow } from '../../src/modules/usage/usage.repository.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';
import { environmentRowWith, keyRowWith, tenantRowWith } from '../support/rows.js';

const NINE = Date.UTC(2026, 4, 4, 9);
const KEYS = Array.from({ length: 40 }, (_, index) => `key_${String(index).padStart(3, '0')}`);
const ROUNDS = 12;
/** Each key's tenant and environment, as verify hands them to the recorder with the key. */
const OWNERS = new Map(KEYS.map((key) => [key, { tenantId: 'ten_race', environmentId: 'env_race' }]));

/** One node's slice, as the usage recorder hands it over: every key, in key order, `count` verifies each. */
function slice(count: number): { days: UsageDayRow[]; hours: UsageHourRow[] } {
  return {
    days: KEYS.map((key_id) => ({ key_id, day: '2026-05-04', code: 'VALID', count })),
    hours: KEYS.map((key_id) => ({ key_id, hour: NINE, code: 'VALID', count })),
  };
}

describe.each(testDatabases())('usage flushes of two nodes at once on $name', (testDb) => {
  let database: IsolatedDatabase;
  beforeAll(async () => {
    database = await testDb.open();
    const db = database.storage.db;
    await insertTenant(db, tenantRowWith({ id: 'ten_race' }));
    await insertEnvironment(db, environmentRowWith({ id: 'env_race', tenant_id: 'ten_race' }));
    for (const [index, id] of KEYS.entries())
      await insertKey(
        db,
        keyRowWith({ id, key_hash: `hash-${index}`, tenant_id: 'ten_race', environment_id: 'env_race' }),
      );
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('neither deadlock nor lose a count: rollups and day counts are the sum of both', async () => {
    const db = database.storage.db;
    const first = slice(1);
    const second = slice(2);
    for (let round = 0; round < ROUNDS; round++) {
      const settled = await Promise.allSettled([
        writeUsageSlice(db, first.days, [], [], first.hours, OWNERS),
        writeUsageSlice(db, second.days, [], [], second.hours, OWNERS),
      ]);
      expect(settled.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual([
        'ok',
        'ok',
      ]);
    }
    const perRound = 1 + 2;
    const rollups = await db
      .selectFrom('usage_rollups')
      .select(['dimension', 'granularity', 'group_name', 'count'])
      .where('tenant_id', '=', 'ten_race')
      .execute();
    const byCode = rollups.filter((row) => row.dimension === 'code').map((row) => [row.granularity, row.count]);
    expect(byCode.sort()).toEqual([
      ['day', KEYS.length * perRound * ROUNDS],
      ['hour', KEYS.length * perRound * ROUNDS],
    ]);
    const byKey = rollups.filter((row) => row.dimension === 'key');
    expect(byKey).toHaveLength(KEYS.length * 2);
    expect(new Set(byKey.map((row) => row.count))).toEqual(new Set([perRound * ROUNDS]));
    const days = await db.selectFrom('key_usage_days').select(['count']).execute();
    expect(days.map((row) => row.count)).toEqual(KEYS.map(() => perRound * ROUNDS));
  });
});
