/**
 * Exact spends of many keys in one statement (src/storage/credit-spend-batch.ts), against real
 * storage: the spends of one turn are spent together, each answering the balance it left, as one
 * at a time would; a key whose balance does not cover its spends together has them retried one
 * at a time, so a refused one spends nothing; a refill is applied once; two batches racing on the
 * same keys (two nodes) never spend more than there was.
 */
import { describe, expect, it } from 'vitest';
import { creditPeriod } from '../../src/core/credit-period.js';
import { insertKey } from '../../src/modules/keys/keys.repository.js';
import { batchedCreditSpends } from '../../src/storage/credit-spend-batch.js';
import { creditSpends, type SpendCredits } from '../../src/storage/credit-spend.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';
import { keyRowWith } from '../support/rows.js';

describe.each(testDatabases())('batched credit spends on $name', (testDb) => {
  const database = freshDatabaseEachTest(testDb);

  async function meteredKey(remaining: number | null, refill?: { label: string; end: number }): Promise<string> {
    const id = `key_${Math.random().toString(36).slice(2)}`;
    await insertKey(
      database().storage.db,
      keyRowWith({
        id,
        key_hash: id,
        credits_remaining: remaining,
        credits_refill_amount: refill === undefined ? null : 10,
        credits_refill_interval: refill === undefined ? null : 'day',
        credits_period: refill?.label ?? null,
        credits_period_end: refill?.end ?? null,
      }),
    );
    return id;
  }
  const stored = async (id: string) =>
    (
      await database()
        .storage.db.selectFrom('api_keys')
        .select('credits_remaining')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).credits_remaining;

  /** The batched spender, and how many spends it sent one at a time. */
  function spender(): { spend: SpendCredits; oneByOne: () => number } {
    const db = database().storage.db;
    const exact = creditSpends(db);
    let count = 0;
    const counted: SpendCredits = (keyId, cost, period) => {
      count++;
      return exact(keyId, cost, period);
    };
    return { spend: batchedCreditSpends(db, counted), oneByOne: () => count };
  }

  it('spends many keys asked for in one turn together, each answer the balance it left', async () => {
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => meteredKey(100 + i)));
    const { spend, oneByOne } = spender();
    // Two spends of each key, of 1 and then 2: the second answers what the first left, less 2.
    const answers = await Promise.all(ids.flatMap((id) => [spend(id, 1, null), spend(id, 2, null)]));
    expect(answers).toEqual(
      ids.flatMap((_, i) => [
        { spent: true, remaining: 99 + i },
        { spent: true, remaining: 97 + i },
      ]),
    );
    expect(oneByOne()).toBe(0);
    expect(await Promise.all(ids.map(stored))).toEqual(ids.map((_, i) => 97 + i));
  });

  it('a key its spends together overdraw is spent one at a time: the covered ones, and nothing for the refused', async () => {
    const [short, plenty] = [await meteredKey(5), await meteredKey(50)];
    const { spend, oneByOne } = spender();
    const answers = await Promise.all([
      spend(short, 3, null),
      spend(plenty, 3, null),
      spend(short, 3, null),
      spend(short, 2, null),
    ]);
    expect(answers).toEqual([
      { spent: true, remaining: 2 },
      { spent: true, remaining: 47 },
      { spent: false, remaining: 2 },
      { spent: true, remaining: 0 },
    ]);
    expect(oneByOne()).toBe(3);
    expect([await stored(short), await stored(plenty)]).toEqual([0, 47]);
  });

  it('spends nothing of a key without credits, nor of one that does not exist, beside keys it spends', async () => {
    const [none, some] = [await meteredKey(null), await meteredKey(10)];
    const { spend } = spender();
    expect(await Promise.all([spend(none, 1, null), spend('key_unknown', 1, null), spend(some, 1, null)])).toEqual([
      { spent: false, remaining: 0 },
      { spent: false, remaining: 0 },
      { spent: true, remaining: 9 },
    ]);
    expect([await stored(none), await stored(some)]).toEqual([null, 9]);
  });

  it('refills the keys of a batch whose period ended, once, and spends from the refill', async () => {
    const ended = { label: '2026-03-01', end: Date.UTC(2026, 2, 2) };
    const ids = [await meteredKey(0, ended), await meteredKey(3, ended)];
    const { spend, oneByOne } = spender();
    const period = creditPeriod('day', 'UTC', Date.UTC(2026, 2, 2, 9));
    const answers = await Promise.all(ids.flatMap((id) => Array.from({ length: 4 }, () => spend(id, 1, period))));
    expect(answers.map((answer) => answer.remaining)).toEqual([9, 8, 7, 6, 9, 8, 7, 6]);
    expect(oneByOne()).toBe(0);
    expect(await Promise.all(ids.map(stored))).toEqual([6, 6]);
  });

  it('two nodes’ batches on the same keys at once never spend more than each key had', async () => {
    const ids = await Promise.all(Array.from({ length: 10 }, () => meteredKey(7)));
    const nodes = [spender(), spender()];
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, round) =>
        Promise.all(nodes.flatMap(({ spend }) => ids.map((id) => spend(id, 1 + (round % 2), null)))),
      ),
    );
    const spent = new Map<string, number>();
    answers.forEach((round, r) =>
      round.forEach((answer, i) => {
        const id = ids[i % ids.length] as string;
        if (answer.spent) spent.set(id, (spent.get(id) ?? 0) + 1 + (r % 2));
        expect(answer.remaining).toBeGreaterThanOrEqual(0);
      }),
    );
    for (const id of ids) {
      expect(spent.get(id) ?? 0).toBeLessThanOrEqual(7);
      expect(await stored(id)).toBe(7 - (spent.get(id) ?? 0));
    }
  });
});
