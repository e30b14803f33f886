/**
 * The credit spend against real storage (src/storage/credit-refill.ts): a refill moves the stored
 * period forward to the spender's, never back; a balance whose period has not ended for the
 * spender is left alone whatever the spender's clock; a key last refilled before the period had
 * an end instant (migration 0015: a label only) is ordered by its label; and a spend the refilled
 * balance does not cover answers that balance without writing.
 */
import { describe, expect, it } from 'vitest';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { createCreditSpender } from '../../src/verify/credits.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';

const DAILY = { refill: { amount: 10, interval: 'day' as const }, timeZone: 'UTC' };

describe.each(testDatabases())('credit spends on $name', (testDb) => {
  const database = freshDatabaseEachTest(testDb);

  async function meteredKey(columns: { remaining: number; label: string | null; end: number | null }): Promise<string> {
    const id = `key_${Math.random().toString(36).slice(2)}`;
    await insertKey(
      database().storage.db,
      keyRowWith({
        id,
        key_hash: id,
        credits_remaining: columns.remaining,
        credits_refill_amount: 10,
        credits_refill_interval: 'day',
        credits_period: columns.label,
        credits_period_end: columns.end,
      }),
    );
    return id;
  }
  const stored = async (id: string) =>
    database().storage.db.selectFrom('api_keys').select(['credits_remaining', 'credits_period', 'credits_period_end']).where('id', '=', id).executeTakeFirstOrThrow();

  it('a refill moves the stored period to the spender’s: its label and its end', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-01', end: Date.UTC(2026, 2, 2) });
    const spender = createCreditSpender(database().storage.db);
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 2, 0, 30))).toEqual({ spent: true, remaining: 9 });
    expect(await stored(id)).toEqual({ credits_remaining: 9, credits_period: '2026-03-02', credits_period_end: Date.UTC(2026, 2, 3) });
  });

  it('a spender whose clock is behind the stored period neither refills nor moves it back', async () => {
    const id = await meteredKey({ remaining: 5, label: '2026-03-02', end: Date.UTC(2026, 2, 3) });
    const spender = createCreditSpender(database().storage.db);
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 1, 22))).toEqual({ spent: true, remaining: 4 });
    expect(await stored(id)).toEqual({ credits_remaining: 4, credits_period: '2026-03-02', credits_period_end: Date.UTC(2026, 2, 3) });
  });

  it('a key refilled before periods had an end is ordered by its label alone', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-02', end: null });
    const spender = createCreditSpender(database().storage.db);
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 1, 23))).toEqual({ spent: false, remaining: 0 });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 2, 12))).toEqual({ spent: false, remaining: 0 });
    expect(await spender.spend(id, DAILY, 1, Date.UTC(2026, 2, 3, 1))).toEqual({ spent: true, remaining: 9 });
    expect((await stored(id)).credits_period_end).toBe(Date.UTC(2026, 2, 4));
  });

  it('a cost above the refilled balance is refused with that balance, and nothing is written', async () => {
    const id = await meteredKey({ remaining: 0, label: '2026-03-01', end: Date.UTC(2026, 2, 2) });
    const spender = createCreditSpender(database().storage.db);
    expect(await spender.spend(id, DAILY, 11, Date.UTC(2026, 2, 2, 1))).toEqual({ spent: false, remaining: 10 });
    expect(await stored(id)).toEqual({ credits_remaining: 0, credits_period: '2026-03-01', credits_period_end: Date.UTC(2026, 2, 2) });
  });
});
