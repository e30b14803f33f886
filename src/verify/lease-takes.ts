/**
 * Takes of blocks (credit-leases.ts) asked in one turn of the event loop go to storage together at
 * its end, as one transaction of every key in them (LeaseStore.takeAll), as the exact spends of a
 * turn do (storage/credit-spend-batch.ts). Each take waits for its turn's end, no timer. A load
 * over many keys takes a block for each in its first seconds (and after every start of a node):
 * one transaction each, 10 000 keys' takes were 10 000 commits on SQLite's one connection.
 *
 * A batch that failed wrote nothing (one transaction, rolled back): its takes fail as one failed
 * take does, never retried, so no block is taken twice; a PostgreSQL deadlock between two nodes'
 * transactions is the one exception, retried one take at a time.
 */
import { endOfTurn } from '../core/end-of-turn.js';
import { isDeadlock } from '../storage/dialect.js';
import type { LeaseStore, TakeAsk, TakenLease } from '../storage/credit-leases.js';

/** Takes written in one transaction; more in one turn go in several, one after another. */
const TAKES_AT_ONCE = 64;

interface Waiter {
  readonly ask: TakeAsk;
  readonly resolve: (taken: TakenLease | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Answers a take: the block, or undefined where the key's balance did not cover it. */
export type TakeBlock = (ask: TakeAsk) => Promise<TakenLease | undefined>;

export function leaseTakes(leases: Pick<LeaseStore, 'takeAll'>): TakeBlock {
  const alone = (waiter: Waiter): Promise<void> =>
    leases.takeAll([waiter.ask]).then((taken) => waiter.resolve(taken[0]), waiter.reject);

  const write = async (chunk: readonly Waiter[]): Promise<void> => {
    try {
      const taken = await leases.takeAll(chunk.map((waiter) => waiter.ask));
      for (const [index, waiter] of chunk.entries()) waiter.resolve(taken[index]);
    } catch (error) {
      if (chunk.length > 1 && isDeadlock(error)) {
        for (const waiter of chunk) await alone(waiter);
        return;
      }
      for (const waiter of chunk) waiter.reject(error);
    }
  };

  const flush = async (batch: readonly Waiter[]): Promise<void> => {
    for (let from = 0; from < batch.length; from += TAKES_AT_ONCE) await write(batch.slice(from, from + TAKES_AT_ONCE));
  };

  const ask = endOfTurn<Waiter>((batch) => void flush(batch));
  return (taken) => new Promise((resolve, reject) => ask({ ask: taken, resolve, reject }));
}
