/**
 * Hourly analytics buckets are kept KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS, then pruned (every
 * node, hourly; `pruneRollups()` runs a pass now): an hour older than that is gone from the hourly
 * answers by code, key and tag, while the hours inside it and the daily buckets stay.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { hourlyPruneQuery } from '../../src/modules/usage/rollup-retention.js';
import { testDatabases } from '../support/databases.js';
import { created } from '../support/problem.js';
import { planOf } from '../support/query-plan.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 10, 10, 15);
const RETENTION_DAYS = 40;

describe.each(testDatabases())('hourly analytics retention on $name', (db) => {
  const clock = manualClock(START);
  const kw = keywardForSuite(db, {
    clock,
    config: { usageFlushMs: 3_600_000, analyticsHourlyRetentionDays: RETENTION_DAYS },
  });
  const tenant = tenantForSuite(kw, 'Retained');

  const buckets = async (query: string) => {
    const reply = await tenant.admin.get(`/v1/analytics/verifications?${query}&from=2026-01-10&to=2026-01-11`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body.buckets as { time: string; count: number }[]).map(({ time, count }) => `${time} ${count}`);
  };

  it('prunes the hours past the retention, by code, key and tag, and keeps later hours and the days', async () => {
    const key = created(
      await tenant.admin.post('/v1/keys', { name: 'counted', kind: 'application', permissions: ['functions.execute'] }),
    );
    const verify = () => kw.client().post('/v1/verify', { key: key.key, tags: ['region=eu'] });
    clock.set(START);
    await verify();
    await verify();
    clock.set(START + HOUR);
    await verify();
    await kw.keyward.usage.flush();

    const hours = ['2026-01-10T10:00:00.000Z 2', '2026-01-10T11:00:00.000Z 1'];
    for (const groupBy of ['code', 'key', 'tag'])
      expect(await buckets(`groupBy=${groupBy}&granularity=hour`)).toEqual(hours);

    // 11:30 on the retention's last day: the 10:00 hour began more than the retention before, 11:00 did not.
    clock.set(START + RETENTION_DAYS * DAY + HOUR + 15 * 60_000);
    // One row a dimension: the first hour by code, by key and by tag.
    expect(await kw.keyward.pruneRollups()).toBe(3);
    expect(await kw.keyward.pruneRollups()).toBe(0);

    for (const groupBy of ['code', 'key', 'tag'])
      expect(await buckets(`groupBy=${groupBy}&granularity=hour`)).toEqual(['2026-01-10T11:00:00.000Z 1']);
    for (const groupBy of ['code', 'key', 'tag'])
      expect(await buckets(`groupBy=${groupBy}&granularity=day`)).toEqual(['2026-01-10T00:00:00.000Z 3']);
  });

  it('finds the rows it removes on the primary key and deletes them by row id, not by reading the table', async () => {
    const plan = await planOf(kw.keyward.storage.db, hourlyPruneQuery(kw.keyward.storage.db, 'tnt_x', 'key', START));
    if (db.name === 'sqlite') {
      expect(plan).not.toMatch(/^SCAN usage_rollups\b/m);
      expect(plan).toMatch(/SEARCH old USING (COVERING )?INDEX sqlite_autoindex_usage_rollups_1 \(.*bucket<\?\)/);
      expect(plan).toMatch(/SEARCH usage_rollups USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    } else {
      expect(plan).not.toMatch(/Seq Scan/);
      // The batch's rows found by id, the batch read once: never a join that runs it per row.
      expect(plan).toMatch(/Tid Scan on usage_rollups/);
      expect(plan).not.toMatch(/Nested Loop/);
    }
  });
});

describe('KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS', () => {
  it('is 90 days unless set, and never below the widest hourly range analytics answers (31 days)', () => {
    expect(loadConfig({}).analyticsHourlyRetentionDays).toBe(90);
    expect(loadConfig({ KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS: '31' }).analyticsHourlyRetentionDays).toBe(31);
    expect(() => loadConfig({ KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS: '30' })).toThrow(ConfigError);
  });
});
