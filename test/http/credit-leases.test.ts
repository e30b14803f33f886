/**
 * Credit leases through the API (issue 27 item 2), on each database: on one node `remaining` is
 * exact in every answer and in GET while the node holds a block; a key verified rarely is spent
 * exactly, so every node answers its exact balance; a PATCH that sets the balance
 * voids the blocks out (the node that holds one drops it as it follows the change, and nothing of
 * it is given back into the new balance); `creditsAdd` adds to a balance blocks are out on; a
 * daily and a monthly refill happen once each with blocks out on two nodes; a node's shutdown
 * gives its block back.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, type Clock } from '../../src/core/clock.js';
import { buildApp, type Keyward } from '../../src/http/app.js';
import { loadConfig } from '../../src/http/config.js';
import { LEASE_AFTER } from '../../src/verify/credit-leases.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { keywardForSuite } from '../support/suite-keyward.js';

/** Another node on the first's database, following its changes when asked to. */
async function secondNode(database: IsolatedDatabase, clock: Clock): Promise<Keyward> {
  const storage = await openStorage({
    dataDir: database.dataDir,
    databaseUrl: database.databaseUrl,
    schema: database.schema,
  });
  const config = loadConfig(
    {},
    {
      dataDir: database.dataDir,
      databaseUrl: database.databaseUrl,
      databaseSchema: database.schema,
      changePollMs: 60_000,
      maxStalenessMs: 86_400_000,
    },
  );
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  return buildApp({ config, storage, clock, logStream: silent });
}

describe.each(testDatabases())('credit leases through the API on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 2, 1, 12));
  let other: Keyward;
  const kw = keywardForSuite(db, { clock });
  beforeAll(async () => {
    other = await secondNode(kw.database, clock);
  });
  afterAll(async () => {
    await other.close();
  });

  async function meteredKey(seeded: Seeded, credits: object): Promise<{ id: string; key: string }> {
    const created = await seeded.admin.post('/v1/keys', { name: 'metered', kind: 'application', credits });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }
  const onFirst = async (key: string) => {
    const { code, credits } = (await kw.client().post('/v1/verify', { key })).body;
    return `${code} ${credits?.remaining}`;
  };
  const onSecond = async (key: string) => {
    const { code, credits } = (await other.app.inject({ method: 'POST', url: '/v1/verify', payload: { key } })).json();
    return `${code} ${credits?.remaining}`;
  };
  const shown = async (seeded: Seeded, id: string) => (await seeded.admin.get(`/v1/keys/${id}`)).body.credits.remaining;
  const stored = async (id: string) =>
    Number(
      (
        await kw.database.storage.db
          .selectFrom('api_keys')
          .select('credits_remaining')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).credits_remaining,
    );

  /** The answers of `count` verifies in turn on one node, and what they would be were each exact. */
  async function spendOn(on: (key: string) => Promise<string>, key: string, count: number, from: number) {
    const answers = [];
    for (let i = 0; i < count; i++) answers.push(await on(key));
    return { answers, exact: Array.from({ length: count }, (_, i) => `VALID ${from - 1 - i}`) };
  }

  it('on one node every answer and GET show the exact balance while the node holds a block', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'OneNode');
    const key = await meteredKey(seeded, { remaining: 1000 });
    // The first LEASE_AFTER spends are exact; the next takes a block.
    const { answers, exact } = await spendOn(onFirst, key.key, LEASE_AFTER + 1, 1000);
    expect(answers).toEqual(exact);
    const left = 1000 - (LEASE_AFTER + 1);
    // The block is out of the stored balance, and in what GET shows.
    expect(await stored(key.id)).toBeLessThan(left);
    expect(await shown(seeded, key.id)).toBe(left);
    const added = await seeded.admin.patch(`/v1/keys/${key.id}`, { creditsAdd: 10 });
    expect(added.body.credits.remaining).toBe(left + 10);
    expect(await onFirst(key.key)).toBe(`VALID ${left + 9}`);
  });

  it('a key verified fewer than LEASE_AFTER times is spent exactly: every node answers the exact balance', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'RarelyUsed');
    const key = await meteredKey(seeded, { remaining: 1000 });
    const answers = [];
    for (let i = 0; i < LEASE_AFTER - 1; i++) answers.push(await onFirst(key.key), await onSecond(key.key));
    expect(answers).toEqual(Array.from({ length: 2 * (LEASE_AFTER - 1) }, (_, i) => `VALID ${999 - i}`));
    expect(await stored(key.id)).toBe(1000 - 2 * (LEASE_AFTER - 1));
  });

  it('a balance set by PATCH voids the blocks out: nothing of them comes back into it, on either node', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'SetWhileLeased');
    const key = await meteredKey(seeded, { remaining: 1000 });
    // The first node spends the key often enough to take a block.
    const first = await spendOn(onFirst, key.key, LEASE_AFTER + 1, 1000);
    expect(first.answers).toEqual(first.exact);
    // Across nodes `remaining` is a bound: the second node does not count the first one's block.
    const outside = (await stored(key.id)) - 1;
    expect(outside).toBeLessThan(1000 - (LEASE_AFTER + 2));
    expect(await onSecond(key.key)).toBe(`VALID ${outside}`);
    const set = await seeded.admin.patch(`/v1/keys/${key.id}`, { credits: { remaining: 5 } });
    expect(set.body.credits.remaining).toBe(5);
    expect(await shown(seeded, key.id)).toBe(5);
    // The second node follows the change log (as its poll or a notification would make it).
    await other.follower.catchUp();
    expect([await onFirst(key.key), await onSecond(key.key), await onFirst(key.key)]).toEqual([
      'VALID 4',
      'VALID 3',
      'VALID 2',
    ]);
    expect(await shown(seeded, key.id)).toBe(2);
  });

  it('a daily refill happens once with blocks out on two nodes; yesterday’s blocks lapse with it', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'DailyLeased');
    const key = await meteredKey(seeded, { remaining: 500, refill: { amount: 400, interval: 'day' } });
    // Each node spends the key often enough to take a block.
    const first = await spendOn(onFirst, key.key, LEASE_AFTER + 1, 500);
    expect(first.answers).toEqual(first.exact);
    for (let i = 0; i < LEASE_AFTER + 1; i++) expect(await onSecond(key.key)).toMatch(/^VALID /);
    expect(await stored(key.id)).toBeLessThan(500 - 2 * (LEASE_AFTER + 1));
    clock.set(Date.UTC(2026, 2, 2, 0, 30));
    const spent = [await onFirst(key.key), await onSecond(key.key), await onFirst(key.key), await onSecond(key.key)];
    expect(spent.every((answer) => answer.startsWith('VALID '))).toBe(true);
    expect(spent[0]).toBe('VALID 399');
    // Both nodes give their blocks back, as at a shutdown: 4 spent of one refill of 400.
    await other.close();
    other = await secondNode(kw.database, clock);
    expect(await shown(seeded, key.id)).toBe(396);
    const period = await kw.database.storage.db
      .selectFrom('api_keys')
      .select('credits_period')
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow();
    expect(period.credits_period).toBe('2026-03-02');
  });

  it('a monthly refill happens once with blocks out, at the start of the next month', async () => {
    clock.set(Date.UTC(2026, 2, 31, 12));
    const seeded = await seedTenant(kw, 'MonthlyLeased');
    const key = await meteredKey(seeded, { remaining: 300, refill: { amount: 1000, interval: 'month' } });
    const first = await spendOn(onFirst, key.key, LEASE_AFTER + 1, 300);
    expect(first.answers).toEqual(first.exact);
    for (let i = 0; i < LEASE_AFTER + 1; i++) expect(await onSecond(key.key)).toMatch(/^VALID /);
    expect(await stored(key.id)).toBeLessThan(300 - 2 * (LEASE_AFTER + 1));
    clock.set(Date.UTC(2026, 3, 1, 0, 10));
    expect(await onSecond(key.key)).toBe('VALID 999');
    expect(await onFirst(key.key)).toMatch(/^VALID /);
    await other.close();
    other = await secondNode(kw.database, clock);
    expect(await shown(seeded, key.id)).toBe(998);
  });

  it('a node’s shutdown gives its block back', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'ShutdownLeased');
    const key = await meteredKey(seeded, { remaining: 1000 });
    const spends = LEASE_AFTER + 2;
    for (let i = 0; i < spends; i++) expect(await onSecond(key.key)).toMatch(/^VALID /);
    expect(await stored(key.id)).toBeLessThan(1000 - spends);
    await other.close();
    other = await secondNode(kw.database, clock);
    expect(await stored(key.id)).toBe(1000 - spends);
  });
});
