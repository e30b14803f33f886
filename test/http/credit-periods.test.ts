/**
 * Issue 21, credits exact across nodes and time: a refill happens once per period, decided by the
 * order of periods, not their equality. Two nodes on one database whose clocks differ by two
 * hours refill once at a boundary; a tenant's time-zone change never refills early (the period in
 * progress ends at the new zone's first boundary at or after the moment it would have ended); and
 * credits added after a boundary are added to the refilled balance, not lost at the next spend.
 * Leases are off here (`KEYWARD_CREDIT_LEASE_MS=0`): each node answers the exact balance, so the
 * answers show every refill; test/http/credit-leases.test.ts holds the same rules with leases on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, type Clock } from '../../src/core/clock.js';
import type { Keyward } from '../../src/http/app.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, type Seeded } from '../support/keyward.js';
import { creditsOn, secondNode } from '../support/second-node.js';
import { keywardForSuite } from '../support/suite-keyward.js';

const HOUR = 3_600_000;

describe.each(testDatabases())('credit refills on $name', (db) => {
  const clock = manualClock(Date.UTC(2026, 2, 1, 12));
  // The second node's clock runs two hours behind the first's.
  const behind: Clock = { now: () => clock.now() - 2 * HOUR };
  let other: Keyward;
  const kw = keywardForSuite(db, { clock, config: { creditLeaseMs: 0 } });
  beforeAll(async () => {
    other = await secondNode(kw.database, behind, { creditLeaseMs: 0 });
  });
  afterAll(async () => {
    await other.close();
  });

  async function meteredKey(seeded: Seeded, remaining: number): Promise<{ id: string; key: string }> {
    const created = await seeded.admin.post('/v1/keys', {
      name: 'metered',
      kind: 'application',
      credits: { remaining, refill: { amount: 10, interval: 'day' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }
  /** One verify on each node: its code and the balance it answered. */
  const onFirst = (key: string) => creditsOn(kw.keyward, key);
  const onSecond = (key: string) => creditsOn(other, key);
  const setZone = async (seeded: Seeded, timeZone: string) => {
    const reply = await seeded.admin.patch(`/v1/tenants/${seeded.tenantId}`, { timeZone });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  };

  it('two nodes whose clocks differ by two hours refill once at the day boundary, each spending in turn', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const key = (await meteredKey(await seedTenant(kw, 'SkewedNodes'), 3)).key;
    expect([await onFirst(key), await onSecond(key)]).toEqual(['VALID 2', 'VALID 1']);
    // The first node is past midnight; the second still reads 22:30 the day before.
    clock.set(Date.UTC(2026, 2, 2, 0, 30));
    expect([await onSecond(key), await onSecond(key)]).toEqual(['VALID 0', 'USAGE_EXCEEDED 0']);
    const turns: string[] = [];
    for (let i = 0; i < 3; i++) turns.push(await onFirst(key), await onSecond(key));
    expect(turns).toEqual(['VALID 9', 'VALID 8', 'VALID 7', 'VALID 6', 'VALID 5', 'VALID 4']);
    // Now the second node passes midnight too: the period it reaches was refilled already.
    clock.set(Date.UTC(2026, 2, 2, 2, 30));
    expect([await onSecond(key), await onFirst(key)]).toEqual(['VALID 3', 'VALID 2']);
  });

  it('a time-zone change mid-period refills nothing, however often and in whichever direction', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'ZoneHopper');
    const key = (await meteredKey(seeded, 10)).key;
    expect(await onFirst(key)).toBe('VALID 9');
    const answers: string[] = [];
    // Kiritimati (UTC+14) already reads tomorrow; Pago Pago (UTC-11) reads the small hours of today.
    for (const zone of [
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Pacific/Kiritimati',
      'America/New_York',
      'Asia/Tokyo',
    ]) {
      await setZone(seeded, zone);
      answers.push(await onFirst(key));
    }
    expect(answers).toEqual(['VALID 8', 'VALID 7', 'VALID 6', 'VALID 5', 'VALID 4']);
  });

  it('after a move west, the period in progress ends at the new zone’s first midnight after its old end', async () => {
    clock.set(Date.UTC(2026, 2, 2, 1, 0));
    const seeded = await seedTenant(kw, 'MovedWest');
    const key = (await meteredKey(seeded, 1)).key;
    expect(await onFirst(key)).toBe('VALID 0');
    // At 03:00 UTC on the 2nd, New York still reads the 1st.
    clock.set(Date.UTC(2026, 2, 2, 3, 0));
    await setZone(seeded, 'America/New_York');
    expect(await onFirst(key)).toBe('USAGE_EXCEEDED 0');
    // UTC midnight, when the period would have ended, is 19:00 in New York.
    clock.set(Date.UTC(2026, 2, 3, 0, 0));
    expect(await onFirst(key)).toBe('USAGE_EXCEEDED 0');
    clock.set(Date.UTC(2026, 2, 3, 5, 0));
    expect(await onFirst(key)).toBe('VALID 9');
  });

  it('after a move east, the period in progress runs to the new zone’s first midnight at or after its old end', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'MovedEast');
    const key = (await meteredKey(seeded, 1)).key;
    expect(await onFirst(key)).toBe('VALID 0');
    await setZone(seeded, 'Asia/Tokyo');
    // Tokyo's midnight at 15:00 UTC comes before the period's UTC end: no refill yet, nor at that end.
    clock.set(Date.UTC(2026, 2, 1, 15, 0));
    expect(await onFirst(key)).toBe('USAGE_EXCEEDED 0');
    clock.set(Date.UTC(2026, 2, 2, 0, 0));
    expect(await onFirst(key)).toBe('USAGE_EXCEEDED 0');
    clock.set(Date.UTC(2026, 2, 2, 15, 0));
    expect(await onFirst(key)).toBe('VALID 9');
  });

  it('credits added after a period boundary are added to the refilled balance and survive the next spend', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'BoughtAfterMidnight');
    const key = await meteredKey(seeded, 2);
    clock.set(Date.UTC(2026, 2, 2, 1, 0));
    const added = await seeded.admin.patch(`/v1/keys/${key.id}`, { creditsAdd: 1000 });
    expect(added.status).toBe(200);
    expect(added.body.credits).toMatchObject({ remaining: 1010 });
    expect(await onFirst(key.key)).toBe('VALID 1009');
    expect(await onSecond(key.key)).toBe('VALID 1008');
  });

  it('credits added on a node whose clock is behind do not undo the refill the other node made', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'AddedBehind');
    const key = await meteredKey(seeded, 2);
    clock.set(Date.UTC(2026, 2, 2, 1, 0));
    expect(await onFirst(key.key)).toBe('VALID 9');
    const added = await other.app.inject({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      headers: { authorization: `Bearer ${seeded.adminKey}` },
      payload: { creditsAdd: 5 },
    });
    expect(added.statusCode).toBe(200);
    expect(added.json().credits).toMatchObject({ remaining: 14 });
    expect([await onSecond(key.key), await onFirst(key.key)]).toEqual(['VALID 13', 'VALID 12']);
  });

  it('a balance set on a node whose clock is behind keeps the period the other node refilled', async () => {
    clock.set(Date.UTC(2026, 2, 1, 12));
    const seeded = await seedTenant(kw, 'SetBehind');
    const key = await meteredKey(seeded, 2);
    clock.set(Date.UTC(2026, 2, 2, 1, 0));
    expect(await onFirst(key.key)).toBe('VALID 9');
    const credits = { remaining: 3, refill: { amount: 10, interval: 'day' } };
    const set = await other.app.inject({
      method: 'PATCH',
      url: `/v1/keys/${key.id}`,
      headers: { authorization: `Bearer ${seeded.adminKey}` },
      payload: { credits },
    });
    expect(set.statusCode).toBe(200);
    expect([await onFirst(key.key), await onSecond(key.key)]).toEqual(['VALID 2', 'VALID 1']);
  });
});
