/**
 * Migration 0023 (issue 26): usage recorded before the tenant rollups existed is copied into them,
 * so a dashboard's history does not start at the upgrade: daily by code and by key from the
 * per-key day counts, hourly and daily by tag from the per-key tag counts, each in its tenant and
 * environment.
 */
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertEnvironment } from '../../src/modules/environments/environments.repository.js';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import * as rollup from '../../src/storage/migrations/0023-analytics-rollup.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';
import { environmentRowWith, keyRowWith, tenantRowWith } from '../support/rows.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MAY_4 = Date.UTC(2026, 4, 4);

describe.each(testDatabases())('the analytics rollup migration on $name', (testDb) => {
  let database: IsolatedDatabase;
  beforeEach(async () => {
    database = await testDb.open();
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('copies the usage recorded before it into the rollups, per tenant and environment', async () => {
    const db = database.storage.db;
    // Back to the schema before 0023, with usage recorded there.
    await rollup.down(database.storage.migrationDb as unknown as Kysely<unknown>);
    await insertTenant(db, tenantRowWith({ id: 'ten_a' }));
    await insertTenant(db, tenantRowWith({ id: 'ten_b' }));
    await insertEnvironment(db, environmentRowWith({ id: 'env_a', tenant_id: 'ten_a' }));
    await insertKey(db, keyRowWith({ id: 'key_a1', key_hash: 'h1', tenant_id: 'ten_a', environment_id: 'env_a' }));
    await insertKey(db, keyRowWith({ id: 'key_a2', key_hash: 'h2', tenant_id: 'ten_a', environment_id: 'env_a' }));
    await insertKey(db, keyRowWith({ id: 'key_b1', key_hash: 'h3', tenant_id: 'ten_b' }));
    await db
      .insertInto('key_usage_days')
      .values([
        { key_id: 'key_a1', day: '2026-05-04', code: 'VALID', count: 3 },
        { key_id: 'key_a2', day: '2026-05-04', code: 'VALID', count: 4 },
        { key_id: 'key_a2', day: '2026-05-05', code: 'FORBIDDEN', count: 1 },
        { key_id: 'key_b1', day: '2026-05-04', code: 'VALID', count: 9 },
      ])
      .execute();
    await db
      .insertInto('key_usage_tags')
      .values([
        { key_id: 'key_a1', hour: MAY_4 + 9 * HOUR, tag: 'region=eu', count: 2 },
        { key_id: 'key_a2', hour: MAY_4 + 10 * HOUR, tag: 'region=eu', count: 5 },
      ])
      .execute();

    await rollup.up(database.storage.migrationDb as unknown as Kysely<unknown>);

    const rows = await db
      .selectFrom('usage_rollups')
      .selectAll()
      .orderBy(sql`tenant_id, dimension, granularity, bucket, group_name`)
      .execute();
    const a = (dimension: string, granularity: string, bucket: number, group: string, count: number) => ({
      tenant_id: 'ten_a',
      dimension,
      granularity,
      bucket,
      environment_id: 'env_a',
      group_name: group,
      count,
    });
    expect(rows.map((row) => ({ ...row, bucket: Number(row.bucket), count: Number(row.count) }))).toEqual([
      a('code', 'day', MAY_4, 'VALID', 7),
      a('code', 'day', MAY_4 + DAY, 'FORBIDDEN', 1),
      a('key', 'day', MAY_4, 'key_a1', 3),
      a('key', 'day', MAY_4, 'key_a2', 4),
      a('key', 'day', MAY_4 + DAY, 'key_a2', 1),
      a('tag', 'day', MAY_4, 'region=eu', 7),
      a('tag', 'hour', MAY_4 + 9 * HOUR, 'region=eu', 2),
      a('tag', 'hour', MAY_4 + 10 * HOUR, 'region=eu', 5),
      // A key without an environment counts under ''.
      { ...a('code', 'day', MAY_4, 'VALID', 9), tenant_id: 'ten_b', environment_id: '' },
      { ...a('key', 'day', MAY_4, 'key_b1', 9), tenant_id: 'ten_b', environment_id: '' },
    ]);
  });
});
