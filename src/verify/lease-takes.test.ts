import { describe, expect, it } from 'vitest';
import type { TakeAsk, TakenLease } from '../storage/credit-leases.js';
import { leaseTakes } from './lease-takes.js';

const ask = (keyId: string): TakeAsk => ({ keyId, amount: 10, mark: 10, period: null, now: 0, expiresAt: 30_000 });
const block = (keyId: string): TakenLease => ({
  id: `lease-${keyId}`,
  amount: 10,
  remaining: 90,
  period: null,
  periodEnd: null,
});

/** A store whose takeAll answers with `answer`, recording each call's keys. */
function store(answer: (asks: readonly TakeAsk[]) => Promise<ReadonlyArray<TakenLease | undefined>>) {
  const calls: string[][] = [];
  return {
    calls,
    takeAll: (asks: readonly TakeAsk[]) => {
      calls.push(asks.map((one) => one.keyId));
      return answer(asks);
    },
  };
}

describe('lease takes', () => {
  it('sends the takes asked in one turn in one call, and each gets its own answer', async () => {
    const fake = store(async (asks) => asks.map((one) => (one.keyId === 'b' ? undefined : block(one.keyId))));
    const take = leaseTakes(fake);
    const answers = await Promise.all(['a', 'b', 'c'].map((keyId) => take(ask(keyId))));
    expect(fake.calls).toEqual([['a', 'b', 'c']]);
    expect(answers).toEqual([block('a'), undefined, block('c')]);
    // The next turn's take goes on its own.
    expect(await take(ask('d'))).toEqual(block('d'));
    expect(fake.calls).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails every take of a batch that failed, retrying none: the transaction wrote nothing', async () => {
    const fake = store(async () => {
      throw new Error('storage did not answer');
    });
    const take = leaseTakes(fake);
    const answers = await Promise.allSettled(['a', 'b'].map((keyId) => take(ask(keyId))));
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    expect(fake.calls).toEqual([['a', 'b']]);
  });

  it('retries a batch PostgreSQL chose as a deadlock victim one take at a time', async () => {
    const fake = store(async (asks) => {
      if (asks.length > 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return asks.map((one) => block(one.keyId));
    });
    const take = leaseTakes(fake);
    const answers = await Promise.all(['a', 'b'].map((keyId) => take(ask(keyId))));
    expect(answers).toEqual([block('a'), block('b')]);
    expect(fake.calls).toEqual([['a', 'b'], ['a'], ['b']]);
  });
});
