/**
 * Issue 26, analytics at 100 000 keys: `GET /v1/analytics/verifications` for a tenant reads the
 * rollups the usage recorder writes (per tenant, environment, UTC hour and day, by code, key and
 * tag), so by code and by key it answers by hour too, by key only the busiest keys, and each of
 * its reads is an index range on both databases (the query plans say so).
 */
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { topKeys } from '../../src/modules/usage/analytics-top.js';
import {
  busiestInBucketQuery,
  rollupCountsQuery,
  topGroups,
  topGroupsQuery,
  type RollupRange,
} from '../../src/modules/usage/analytics.repository.js';
import { isPostgres } from '../../src/storage/dialect.js';
import { testDatabases } from '../support/databases.js';
import { created } from '../support/problem.js';
import { planOf } from '../support/query-plan.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 4, 4, 9, 15);

describe.each(testDatabases())('analytics rollups on $name', (db) => {
  const clock = manualClock(START);
  const kw = keywardForSuite(db, { clock, config: { usageFlushMs: 3_600_000 } });
  const a = tenantForSuite(kw, 'Rolled');
  const b = tenantForSuite(kw, 'Neighbour');

  const verify = (body: Record<string, unknown>) => kw.client().post('/v1/verify', body);
  const analytics = async (query: string) => {
    await kw.keyward.usage.flush();
    const reply = await a.admin.get(`/v1/analytics/verifications?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body as { total: number; buckets: { time: string; group: string; count: number }[] };
  };
  const appKey = async (seeded: typeof a, name: string, extra: Record<string, unknown> = {}) =>
    created(
      await seeded.admin.post('/v1/keys', {
        name,
        kind: 'application',
        permissions: ['functions.execute'],
        ...extra,
      }),
    );
  const RANGE = 'from=2026-05-04&to=2026-05-06';

  it('counts the tenant by code per hour and per day, and leaves other tenants out', async () => {
    const one = await appKey(a, 'one');
    const two = await appKey(a, 'two');
    const theirs = await appKey(b, 'theirs');
    clock.set(START);
    await verify({ key: one.key });
    await verify({ key: two.key });
    await verify({ key: two.key, permission: 'secrets.manage' });
    await verify({ key: theirs.key });
    clock.set(START + HOUR);
    await verify({ key: one.key });
    clock.set(START + DAY);
    await verify({ key: one.key });

    const byHour = await analytics(`groupBy=code&granularity=hour&${RANGE}`);
    expect(byHour.buckets).toEqual([
      { time: '2026-05-04T09:00:00.000Z', group: 'FORBIDDEN', count: 1 },
      { time: '2026-05-04T09:00:00.000Z', group: 'VALID', count: 2 },
      { time: '2026-05-04T10:00:00.000Z', group: 'VALID', count: 1 },
      { time: '2026-05-05T09:00:00.000Z', group: 'VALID', count: 1 },
    ]);
    const byDay = await analytics(`groupBy=code&granularity=day&${RANGE}`);
    expect(byDay.buckets).toEqual([
      { time: '2026-05-04T00:00:00.000Z', group: 'FORBIDDEN', count: 1 },
      { time: '2026-05-04T00:00:00.000Z', group: 'VALID', count: 3 },
      { time: '2026-05-05T00:00:00.000Z', group: 'VALID', count: 1 },
    ]);
    expect(byDay.total).toBe(byHour.total);
  });

  it('answers by key only the busiest keys, `limit` of them, busiest first in the ranking', async () => {
    clock.set(START + 2 * DAY);
    const keys = [];
    for (const name of ['quiet', 'busy', 'busier']) keys.push(await appKey(a, name));
    const [quiet, busy, busier] = keys;
    for (const [key, times] of [
      [quiet, 1],
      [busy, 3],
      [busier, 5],
    ] as const)
      for (let n = 0; n < times; n++) await verify({ key: key.key });
    const range = 'from=2026-05-06&to=2026-05-07';
    const top2 = await analytics(`groupBy=key&granularity=hour&limit=2&${range}`);
    expect(top2.buckets).toEqual(
      [
        { time: '2026-05-06T09:00:00.000Z', group: busy.id, count: 3 },
        { time: '2026-05-06T09:00:00.000Z', group: busier.id, count: 5 },
      ].sort((x, y) => (x.group < y.group ? -1 : 1)),
    );
    const all = await analytics(`groupBy=key&${range}`);
    expect(all.buckets.map((bucket) => bucket.group).sort()).toEqual([quiet.id, busy.id, busier.id].sort());
    const one = await analytics(`groupBy=key&keyId=${quiet.id}&${range}`);
    expect(one.buckets).toEqual([{ time: '2026-05-06T00:00:00.000Z', group: quiet.id, count: 1 }]);
  });

  it('counts tags per tenant, and one environment apart from another', async () => {
    clock.set(START + 3 * DAY);
    const other = created(await a.admin.post('/v1/environments', { name: 'staging' }));
    const prod = await appKey(a, 'prod-tagged');
    const staging = await appKey(a, 'staging-tagged', { environmentId: other.id });
    await verify({ key: prod.key, tags: ['region=eu'] });
    await verify({ key: staging.key, tags: ['region=eu', 'tier=free'] });
    const range = 'from=2026-05-07&to=2026-05-08';
    const tags = await analytics(`groupBy=tag&granularity=hour&${range}`);
    expect(tags.buckets).toEqual([
      { time: '2026-05-07T09:00:00.000Z', group: 'region=eu', count: 2 },
      { time: '2026-05-07T09:00:00.000Z', group: 'tier=free', count: 1 },
    ]);
    const inStaging = await analytics(`groupBy=code&environmentId=${other.id}&${range}`);
    expect(inStaging.buckets).toEqual([{ time: '2026-05-07T00:00:00.000Z', group: 'VALID', count: 1 }]);
    const prodKeyInStaging = await analytics(`groupBy=code&keyId=${prod.id}&environmentId=${other.id}&${range}`);
    expect(prodKeyInStaging.buckets).toEqual([]);
  });

  it('reads each dimension, the top keys and their buckets through an index range', async () => {
    const storage = kw.database.storage.db;
    // Enough rollup rows (other tenants, other hours) that reading the table whole would cost.
    const rows = Array.from({ length: 4_000 }, (_, n) => ({
      tenant_id: `tenant_bulk${n % 40}`,
      dimension: (['code', 'key', 'tag'] as const)[n % 3] ?? 'code',
      granularity: (['hour', 'day'] as const)[n % 2] ?? 'hour',
      bucket: START - (n % 500) * HOUR,
      environment_id: '',
      group_name: `group${n}`,
      count: 1,
    }));
    for (let start = 0; start < rows.length; start += 500)
      await storage
        .insertInto('usage_rollups')
        .values(rows.slice(start, start + 500))
        .execute();
    if (isPostgres(storage)) await storage.executeQuery(CompiledQuery.raw('analyze'));
    const scope = { tenantId: a.tenantId };
    const range = (dimension: RollupRange['dimension']): RollupRange => ({
      dimension,
      granularity: 'hour',
      from: START - 7 * DAY,
      to: START,
    });
    const plans = {
      code: await planOf(storage, rollupCountsQuery(storage, scope, range('code'))),
      tag: await planOf(
        storage,
        rollupCountsQuery(storage, { ...scope, environmentId: a.environmentId }, range('tag')),
      ),
      top: await planOf(storage, topGroupsQuery(storage, scope, range('key'), 10)),
      busiest: await planOf(storage, busiestInBucketQuery(storage, scope, range('key'), START - DAY, 10)),
      topBuckets: await planOf(storage, rollupCountsQuery(storage, scope, range('key'), ['key_a', 'key_b'])),
    };
    if (db.name === 'sqlite') {
      for (const plan of Object.values(plans)) expect(plan).not.toMatch(/^SCAN usage_rollups\b/m);
      // A range of the primary key or of the busiest-first index (both lead with the same four columns).
      for (const plan of [plans.code, plans.tag, plans.top])
        expect(plan).toMatch(
          /SEARCH usage_rollups USING INDEX (sqlite_autoindex_usage_rollups_1|usage_rollups_busiest) \(.*bucket>\? AND bucket<\?\)/,
        );
      expect(plans.busiest).toMatch(/USING (COVERING )?INDEX usage_rollups_busiest \(.*bucket=\?\)/);
      expect(plans.busiest).not.toMatch(/TEMP B-TREE/);
      expect(plans.topBuckets).toMatch(
        /USING INDEX usage_rollups_group \(.*group_name=\? AND bucket>\? AND bucket<\?\)/,
      );
    } else {
      // PostgreSQL picks either index for the top keys' buckets by its statistics: a range of each.
      for (const plan of Object.values(plans)) {
        expect(plan).not.toMatch(/Seq Scan on usage_rollups/);
        expect(plan).toMatch(
          /Index Cond: \(\(tenant_id = .*dimension = .*granularity = .*(bucket >= |bucket = |group_name = ANY)/,
        );
      }
      expect(plans.busiest).toMatch(/Index Scan Backward using usage_rollups_busiest/);
    }
  });

  it('ranks the busiest keys from each bucket’s busiest as a sum of the whole range would', async () => {
    const storage = kw.database.storage.db;
    const tenantId = 'ten_ranked';
    // Seeded pseudo-random usage: 300 keys over 30 days, a few busy ones, many ties among the rest.
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const rows = [];
    for (let day = 0; day < 30; day++)
      for (let n = 0; n < 300; n++) {
        if (next() < 0.4) continue;
        const busy = n % 37 === 0 ? 40 : 1;
        rows.push({
          tenant_id: tenantId,
          dimension: 'key' as const,
          granularity: 'day' as const,
          bucket: START - day * DAY - (START % DAY),
          environment_id: n % 2 === 0 ? 'env_even' : 'env_odd',
          group_name: `key_${String(n).padStart(3, '0')}`,
          count: busy * (1 + Math.floor(next() * 5)),
        });
      }
    for (let start = 0; start < rows.length; start += 500)
      await storage
        .insertInto('usage_rollups')
        .values(rows.slice(start, start + 500))
        .execute();
    const range: RollupRange = {
      dimension: 'key',
      granularity: 'day',
      from: START - (START % DAY) - 29 * DAY,
      to: START - (START % DAY) + DAY,
    };
    for (const scope of [{ tenantId }, { tenantId, environmentId: 'env_odd' }])
      for (const limit of [1, 5, 10, 60])
        expect(await topKeys(storage, scope, range, limit), `${JSON.stringify(scope)} top ${limit}`).toEqual(
          await topGroups(storage, scope, range, limit),
        );
  });
});
