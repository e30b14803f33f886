/**
 * Issue 29 item 3, tags on verify: up to 20 `k=v` strings, validated, counted per UTC hour in the
 * batched usage recorder (never in the verdict) and served by
 * `GET /v1/analytics/verifications?groupBy=tag` by hour or day, within the caller's tenant.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';
import { created, expectProblem } from '../support/problem.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 10, 9, 30);

describe.each(testDatabases())('verify tags on $name', (db) => {
  const clock = manualClock(START);
  const kw = keywardForSuite(db, { clock, config: { usageFlushMs: 3_600_000 } });
  const seeded = tenantForSuite(kw, 'Tagged');

  const verify = (body: Record<string, unknown>) => kw.client().post('/v1/verify', body);
  const analytics = async (query: string) => {
    await kw.keyward.usage.flush();
    return seeded.admin.get(`/v1/analytics/verifications?${query}`);
  };
  const appKey = async (name: string) =>
    created(await seeded.admin.post('/v1/keys', { name, kind: 'application', permissions: ['functions.execute'] }));

  it('counts each tag per hour, and sums the hours by day, without changing the verdict', async () => {
    const key = await appKey('tagged');
    clock.set(START);
    const tagged = await verify({ key: key.key, tags: ['region=eu', 'route=/v1/run'] });
    expect(tagged.body).toMatchObject({ valid: true, code: 'VALID' });
    await verify({ key: key.key, tags: ['region=eu'] });
    clock.set(START + HOUR);
    await verify({ key: key.key, tags: ['region=us'], permission: 'secrets.manage' });
    const byHour = await analytics(`keyId=${key.id}&groupBy=tag&granularity=hour&from=2026-03-10&to=2026-03-11`);
    expect(byHour.status, JSON.stringify(byHour.body)).toBe(200);
    expect(byHour.body.buckets).toEqual([
      { time: '2026-03-10T09:00:00.000Z', group: 'region=eu', count: 2 },
      { time: '2026-03-10T09:00:00.000Z', group: 'route=/v1/run', count: 1 },
      { time: '2026-03-10T10:00:00.000Z', group: 'region=us', count: 1 },
    ]);
    expect(byHour.body.total).toBe(4);
    const byDay = await analytics(`keyId=${key.id}&groupBy=tag&granularity=day&from=2026-03-10&to=2026-03-11`);
    expect(byDay.body.buckets).toEqual([
      { time: '2026-03-10T00:00:00.000Z', group: 'region=eu', count: 2 },
      { time: '2026-03-10T00:00:00.000Z', group: 'region=us', count: 1 },
      { time: '2026-03-10T00:00:00.000Z', group: 'route=/v1/run', count: 1 },
    ]);
  });

  it('counts nothing by tag for verifies without tags, and still counts them by code and by key', async () => {
    const key = await appKey('plain');
    clock.set(START + 2 * HOUR);
    await verify({ key: key.key });
    await verify({ key: key.key, permission: 'secrets.manage' });
    const byTag = await analytics(`keyId=${key.id}&groupBy=tag&from=2026-03-10&to=2026-03-11`);
    expect(byTag.body).toMatchObject({ total: 0, buckets: [] });
    const byCode = await analytics(`keyId=${key.id}&groupBy=code&from=2026-03-10&to=2026-03-11`);
    expect(byCode.body.buckets).toEqual([
      { time: '2026-03-10T00:00:00.000Z', group: 'FORBIDDEN', count: 1 },
      { time: '2026-03-10T00:00:00.000Z', group: 'VALID', count: 1 },
    ]);
    const byKey = await analytics(`keyId=${key.id}&groupBy=key&from=2026-03-10&to=2026-03-11`);
    expect(byKey.body.buckets).toEqual([{ time: '2026-03-10T00:00:00.000Z', group: key.id, count: 2 }]);
  });

  it('refuses more than 20 tags, a tag without =, a repeated tag and a space in a value with 400 VALIDATION', async () => {
    const key = await appKey('refused');
    const many = Array.from({ length: 21 }, (_, n) => `t${n}=x`);
    for (const tags of [many, ['noequals'], ['a=1', 'a=1'], ['a=has space'], ['=empty-key']])
      expectProblem(await verify({ key: key.key, tags }), 400, 'VALIDATION');
    expect((await verify({ key: key.key, tags: many.slice(0, 20) })).body.code).toBe('VALID');
  });

  it("refuses one key's hourly counts by code (kept per day) and a key of another tenant", async () => {
    const key = await appKey('hourly');
    expectProblem(await analytics(`keyId=${key.id}&groupBy=code&granularity=hour`), 400, 'VALIDATION');
    const other = await seedTenant(kw, 'Elsewhere');
    const theirs = created(await other.admin.post('/v1/keys', { name: 'theirs', kind: 'application' }));
    expectProblem(await analytics(`keyId=${theirs.id}&groupBy=tag`), 404, 'NOT_FOUND');
  });

  it('answers a users.manage key, and only about its own tenant', async () => {
    const manager = created(
      await seeded.admin.post('/v1/keys', {
        name: 'manager',
        kind: 'user',
        userId: seeded.adminUserId,
        admin: true,
        permissions: ['users.manage'],
      }),
    );
    const reply = await kw.client(manager.key).get('/v1/analytics/verifications?groupBy=tag');
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ granularity: 'day', groupBy: 'tag' });
  });
});
