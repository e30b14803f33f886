/**
 * Exact credit spends of many keys in one statement (issue 27 item 2). A key spent too rarely to
 * be worth a lease (src/verify/credit-leases.ts) is spent exactly; spent one UPDATE each, 10 000
 * keys at random cost a storage round trip and, on SQLite, a commit per verify. Spends asked for
 * in one turn of the event loop are sent together at its end instead, as one conditional UPDATE
 * of every key in them: each row is spent only if its own balance covers what its key's spends
 * cost together, refilling first as the one-key statement does (credit-refill.ts). A verify waits
 * for its batch (the same turn's end, no timer).
 *
 * The row stays the judge, key by key: a key the batch did not spend (its balance did not cover
 * the sum, or the key is gone) has its spends retried one at a time by the one-key statement, so
 * each is spent or refused on its own and a refused one spends nothing. A batch that failed wrote
 * nothing (one statement): its spends fail as a failed one-key spend does, never retried, so none
 * is spent twice; a PostgreSQL deadlock between two nodes' batches is the one exception, retried
 * one key at a time since the aborted statement is known to have written nothing.
 */
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { endOfTurn } from '../core/end-of-turn.js';
import { balanceNow, periodColumnsNow } from './credit-refill.js';
import type { Database } from './database.js';
import { isDeadlock } from './dialect.js';
import type { Spend, SpendCredits, SpendPeriod } from './credit-spend.js';

/** Statement shapes, each compiled once: a batch takes the smallest that holds its keys, padded. */
const SIZES: readonly number[] = [4, 16, 64];
const MAX_KEYS = 64;
/** No key has the empty id: a padding slot matches no row. */
const PAD = '';

type Slot =
  | { readonly kind: 'key' | 'cost'; readonly index: number }
  | { readonly kind: 'start' | 'end' | 'label' }
  | { readonly kind: 'value'; readonly value: unknown };

interface Shape {
  readonly compiled: CompiledQuery<Returned>;
  readonly slots: readonly Slot[];
}

type Returned = { id: string; credits_remaining: number | string | null };

interface Waiter {
  readonly keyId: string;
  readonly cost: number;
  readonly period: SpendPeriod | null;
  readonly resolve: (spend: Spend) => void;
  readonly reject: (error: unknown) => void;
}

interface Group {
  readonly period: SpendPeriod | null;
  readonly keys: Map<string, Waiter[]>;
}

const keyStandIn = (index: number): string => `\u0000key${index}`;
const costStandIn = (index: number): number => -2_000_000 - index;
const START = -1_000_001;
const END = -1_000_002;
const LABEL = '\u0000label';

function shape(db: Kysely<Database>, size: number, refilled: boolean): Shape {
  const indexes = Array.from({ length: size }, (_, index) => index);
  // PostgreSQL types a parameter alone in a CASE branch as text: the cast keeps the sum an integer.
  const cost = sql<number>`(case id ${sql.join(
    indexes.map((index) => sql`when ${keyStandIn(index)} then cast(${costStandIn(index)} as bigint)`),
    sql` `,
  )} end)`;
  const period = { start: START, end: END, label: LABEL };
  const balance = refilled ? balanceNow(period) : sql<number>`credits_remaining`;
  const compiled = db
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`${balance} - ${cost}`, ...(refilled ? periodColumnsNow(period) : {}) })
    .where('id', 'in', indexes.map(keyStandIn))
    .where('credits_remaining', 'is not', null)
    .where(sql<boolean>`${balance} >= ${cost}`)
    .returning(['id', 'credits_remaining'])
    .compile() as CompiledQuery<Returned>;
  const keyIndex = new Map(indexes.map((index) => [keyStandIn(index), index]));
  const costIndex = new Map(indexes.map((index) => [costStandIn(index), index]));
  const slots = compiled.parameters.map((value): Slot => {
    if (value === START) return { kind: 'start' };
    if (value === END) return { kind: 'end' };
    if (value === LABEL) return { kind: 'label' };
    const key = typeof value === 'string' ? keyIndex.get(value) : undefined;
    if (key !== undefined) return { kind: 'key', index: key };
    const spent = typeof value === 'number' ? costIndex.get(value) : undefined;
    return spent === undefined ? { kind: 'value', value } : { kind: 'cost', index: spent };
  });
  return { compiled, slots };
}

function bind(
  statement: Shape,
  keys: readonly string[],
  costs: readonly number[],
  period: SpendPeriod | null,
): CompiledQuery<Returned> {
  const parameters = statement.slots.map((slot) => {
    switch (slot.kind) {
      case 'key':
        return keys[slot.index] ?? PAD;
      case 'cost':
        return costs[slot.index] ?? 0;
      case 'start':
        return period?.start;
      case 'end':
        return period?.end;
      case 'label':
        return period?.label;
      default:
        return slot.value;
    }
  });
  return { ...statement.compiled, parameters };
}

/** Spends through batches, falling back to `exact` (the one-key statement) where the batch did not spend. */
export function batchedCreditSpends(db: Kysely<Database>, exact: SpendCredits): SpendCredits {
  const shapes = new Map<string, Shape>();
  const shapeFor = (size: number, refilled: boolean): Shape => {
    const name = `${size}:${refilled}`;
    let made = shapes.get(name);
    if (made === undefined) shapes.set(name, (made = shape(db, size, refilled)));
    return made;
  };
  /** Each spend of a key the batch did not spend, one at a time, in the order they were asked. */
  const oneByOne = async (keyId: string, waiters: readonly Waiter[], period: SpendPeriod | null): Promise<void> => {
    for (const waiter of waiters) {
      try {
        waiter.resolve(await exact(keyId, waiter.cost, period));
      } catch (error) {
        waiter.reject(error);
      }
    }
  };

  const run = async (period: SpendPeriod | null, entries: readonly [string, Waiter[]][]): Promise<void> => {
    const keys = entries.map(([keyId]) => keyId);
    const costs = entries.map(([, waiters]) => waiters.reduce((sum, waiter) => sum + waiter.cost, 0));
    const size = SIZES.find((candidate) => candidate >= keys.length) ?? MAX_KEYS;
    let rows: readonly Returned[];
    try {
      rows = (await db.executeQuery(bind(shapeFor(size, period !== null), keys, costs, period))).rows;
    } catch (error) {
      if (isDeadlock(error)) {
        await Promise.all(entries.map(([keyId, waiters]) => oneByOne(keyId, waiters, period)));
        return;
      }
      for (const [, waiters] of entries) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    const left = new Map(rows.map((row) => [row.id, Number(row.credits_remaining)]));
    const retries: Promise<void>[] = [];
    entries.forEach(([keyId, waiters], index) => {
      const remaining = left.get(keyId);
      if (remaining === undefined) {
        retries.push(oneByOne(keyId, waiters, period));
        return;
      }
      // In the order asked: each spend answers the balance as it left it, as one at a time would.
      let balance = remaining + (costs[index] ?? 0);
      for (const waiter of waiters) {
        balance -= waiter.cost;
        waiter.resolve({ spent: true, remaining: balance });
      }
    });
    await Promise.all(retries);
  };

  /** The turn's spends by period (one statement each), then by key, in the order asked. */
  const groupsOf = (batch: readonly Waiter[]): Map<string, Group> => {
    const groups = new Map<string, Group>();
    for (const waiter of batch) {
      const { period } = waiter;
      const name = period === null ? '' : `${period.label}\u0000${period.start}\u0000${period.end}`;
      let group = groups.get(name);
      if (group === undefined) groups.set(name, (group = { period, keys: new Map() }));
      const waiters = group.keys.get(waiter.keyId);
      if (waiters === undefined) group.keys.set(waiter.keyId, [waiter]);
      else waiters.push(waiter);
    }
    return groups;
  };

  const flush = (batch: readonly Waiter[]): void => {
    for (const { period, keys } of groupsOf(batch).values()) {
      const entries = [...keys.entries()];
      const only = entries.length === 1 ? entries[0] : undefined;
      // One spend alone: the one-key statement, as without batches.
      if (only !== undefined && only[1].length === 1) {
        void oneByOne(only[0], only[1], period);
        continue;
      }
      for (let from = 0; from < entries.length; from += MAX_KEYS)
        void run(period, entries.slice(from, from + MAX_KEYS));
    }
  };

  const ask = endOfTurn(flush);
  return (keyId, cost, period) =>
    new Promise<Spend>((resolve, reject) => ask({ keyId, cost, period, resolve, reject }));
}
