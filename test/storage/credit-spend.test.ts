/**
 * The credit spend against real storage, the compiled-once conditional UPDATE of
 * src/storage/credit-spend.ts: it spends exactly the cost, never takes a balance below zero
 * (concurrent spends included), and leaves keys without credits alone. Through verify's spender
 * (the period as of the spender's clock): a refill moves the stored period forward to the
 * spender's, never back; a balance whose period has not ended for the spender is left alone
 * whatever the spender's clock; a key last refilled before the period had an end instant
 * (migration 0015: a label only) is ordered by its label; and a spend the refilled balance does
 * not cover answers that balance without writing.
 */
import { describe, expect, it } from 'vitest';
import { creditPeriod } from '../../src/core/credit-period.js';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { creditSpends } from '../../src/storage/credit-spend.js';
import { createCreditSpender } from '../../src/verify/credits.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';

const DAILY = { refill: { amount: 10, interval: 'day' as const }, timeZone: 'UTC' };

describe.each(testDatabases())('credit spends on $name', (testDb) => {
  const database = freshDatabaseEachTest(testDb);

  async function meteredKey(columns: {
    remaining: number | null;
    label: string | null;
    end: number | null;
    refill?: boolean;
  }): Promise<string> {
    const id = `key_${Math.random().toString(36).slice(2)}`;
    const refill = columns.refill ?? true;
    await insertKey(
      database().storage.db,
      keyRowWith({
        id,
        key_hash: id,
        credits_remaining: columns.remaining,
        credits_refill_amount: refill ? 10 : null,
        credits_refill_interval: refill ? 'day' : null,
        credits_period: columns.label,
        credits_period_end: columns.end,
      }),
    );
    return id;
  }
  const unmetered = { label: null, end: null, refill: false };
  const stored = async (id: string) =>
    database()
      .storage.db.selectFrom('api_keys')
      .select(['credits_remaining', 'credits_period', 'credits_period_end'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('a refill moves the stored period to the spender’s: its label and its end', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-01', end: Date.UTC(2026, 2, 2) });
    const spender = createCreditSpender({ spendCredits: creditSpends(database().storage.db) });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 2, 0, 30))).toEqual({ spent: true, remaining: 9 });
    expect(await stored(id)).toEqual({
      credits_remaining: 9,
      credits_period: '2026-03-02',
      credits_period_end: Date.UTC(2026, 2, 3),
    });
  });

  it('a spender whose clock is behind the stored period neither refills nor moves it back', async () => {
    const id = await meteredKey({ remaining: 5, label: '2026-03-02', end: Date.UTC(2026, 2, 3) });
    const spender = createCreditSpender({ spendCredits: creditSpends(database().storage.db) });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 1, 22))).toEqual({ spent: true, remaining: 4 });
    expect(await stored(id)).toEqual({
      credits_remaining: 4,
      credits_period: '2026-03-02',
      credits_period_end: Date.UTC(2026, 2, 3),
    });
  });

  it('a key refilled before periods had an end is ordered by its label alone', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-02', end: null });
    const spender = createCreditSpender({ spendCredits: creditSpends(database().storage.db) });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 1, 23))).toEqual({ spent: false, remaining: 0 });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 2, 12))).toEqual({ spent: false, remaining: 0 });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 3, 1))).toEqual({ spent: true, remaining: 9 });
    expect((await stored(id)).credits_period_end).toBe(Date.UTC(2026, 2, 4));
  });

  it('a cost above the refilled balance is refused with that balance, and nothing is written', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-01', end: Date.UTC(2026, 2, 2) });
    const spender = createCreditSpender({ spendCredits: creditSpends(database().storage.db) });
    expect(await spender.spend(id, DAILY, 11, Date.UTC(2026, 2, 2, 1))).toEqual({ spent: false, remaining: 10 });
    expect(await stored(id)).toEqual({
      credits_remaining: 0,
      credits_period: '2026-03-01',
      credits_period_end: Date.UTC(2026, 2, 2),
    });
  });

  it('spends exactly the cost, down to zero and not below', async () => {
    const id = await meteredKey({ remaining: 5, ...unmetered });
    const spend = creditSpends(database().storage.db);
    expect(await spend(id, 3, null)).toEqual({ spent: true, remaining: 2 });
    expect(await spend(id, 3, null)).toEqual({ spent: false, remaining: 2 });
    expect(await spend(id, 2, null)).toEqual({ spent: true, remaining: 0 });
    expect(await spend(id, 1, null)).toEqual({ spent: false, remaining: 0 });
    expect((await stored(id)).credits_remaining).toBe(0);
  });

  it('lets concurrent spends take the balance exactly once, never below zero', async () => {
    const id = await meteredKey({ remaining: 10, ...unmetered });
    const spend = creditSpends(database().storage.db);
    const spends = await Promise.all(Array.from({ length: 25 }, () => spend(id, 3, null)));
    expect(spends.filter((result) => result.spent)).toHaveLength(3);
    expect(
      spends
        .filter((result) => result.spent)
        .map((result) => result.remaining)
        .sort(),
    ).toEqual([1, 4, 7]);
    expect(spends.filter((result) => !result.spent).every((result) => result.remaining === 1)).toBe(true);
    expect((await stored(id)).credits_remaining).toBe(1);
  });

  it('refills a balance whose period ended once, however many spend at once', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-01', end: Date.UTC(2026, 2, 2) });
    const spend = creditSpends(database().storage.db);
    const period = creditPeriod('day', 'UTC', Date.UTC(2026, 2, 2, 9));
    const spends = await Promise.all(Array.from({ length: 12 }, () => spend(id, 1, period)));
    expect(spends.filter((result) => result.spent)).toHaveLength(10);
    expect(await stored(id)).toEqual({
      credits_remaining: 0,
      credits_period: '2026-03-02',
      credits_period_end: Date.UTC(2026, 2, 3),
    });
  });

  it('never refills a key spent without a period, however old its stored one', async () => {
    const id = await meteredKey({ remaining: 0, label: '2020-01-01', end: Date.UTC(2020, 0, 2) });
    expect(await creditSpends(database().storage.db)(id, 1, null)).toEqual({ spent: false, remaining: 0 });
    expect(await stored(id)).toEqual({
      credits_remaining: 0,
      credits_period: '2020-01-01',
      credits_period_end: Date.UTC(2020, 0, 2),
    });
  });

  it('spends nothing of a key without credits, nor of one that does not exist', async () => {
    const id = await meteredKey({ remaining: null, ...unmetered });
    const spend = creditSpends(database().storage.db);
    expect(await spend(id, 1, null)).toEqual({ spent: false, remaining: 0 });
    expect(await spend(id, 1, creditPeriod('day', 'UTC', Date.UTC(2026, 2, 2)))).toEqual({
      spent: false,
      remaining: 0,
    });
    expect((await stored(id)).credits_remaining).toBeNull();
    expect(await spend('key_unknown', 1, null)).toEqual({ spent: false, remaining: 0 });
  });
});
