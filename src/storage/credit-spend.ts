/**
 * Spending usage credits (issue 17): the one storage round trip of a verify cache hit. One
 * conditional UPDATE spends `cost` only if the balance covers it, refilling first when the period
 * the balance belongs to has ended (by order: credit-refill.ts), so concurrent spends on any
 * number of nodes, whatever their clocks, never overspend, never go below zero and refill once per
 * period. The statement is built and compiled here only, once per shape.
 */
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import { balanceAt, balanceNow, periodColumnsNow } from './credit-refill.js';
import type { Database } from './database.js';

/** The spender's refill period (see src/core/credit-period.ts), or null for a key without a refill. */
export interface SpendPeriod {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** The balance after a spend, or `spent: false` with the balance that did not cover it. */
export type Spend = { readonly spent: boolean; readonly remaining: number };

export type SpendCredits = (keyId: string, cost: number, period: SpendPeriod | null) => Promise<Spend>;

/** Stand-ins compiled into the statements once, replaced by each spend's own values. */
const KEY = '\u0000key';
const LABEL = '\u0000label';
const START = -1_000_001;
const END = -1_000_002;
const COST = -1_000_003;
const PERIOD = { start: START, end: END, label: LABEL };

type Compiled = CompiledQuery<{ credits_remaining: number | null }>;

/** The conditional UPDATE, with or without a refill. */
function spendStatement(db: Kysely<Database>, refilled: boolean): Compiled {
  // The balance this period starts from: the stored one, or the refill amount once the stored period has ended.
  const balance = refilled ? balanceNow(PERIOD) : sql<number>`credits_remaining`;
  return db
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`${balance} - ${COST}`, ...(refilled ? periodColumnsNow(PERIOD) : {}) })
    .where('id', '=', KEY)
    .where('credits_remaining', 'is not', null)
    .where(sql<boolean>`${balance} >= ${COST}`)
    .returning('credits_remaining')
    .compile();
}

export function creditSpends(db: Kysely<Database>): SpendCredits {
  // A spend is the only statement on a cache hit: compiling it once keeps the query builder,
  // which costs more than SQLite's UPDATE itself, off the verify path.
  const plain = spendStatement(db, false);
  const refilled = spendStatement(db, true);
  const bound = (statement: Compiled, keyId: string, cost: number, period: SpendPeriod | null): Compiled => ({
    ...statement,
    parameters: statement.parameters.map((value) => {
      if (value === KEY) return keyId;
      if (value === COST) return cost;
      if (value === START) return period?.start;
      if (value === END) return period?.end;
      return value === LABEL ? period?.label : value;
    }),
  });
  return async (keyId, cost, period) => {
    const statement = bound(period === null ? plain : refilled, keyId, cost, period);
    const updated = (await db.executeQuery(statement)).rows[0];
    if (updated !== undefined) return { spent: true, remaining: Number(updated.credits_remaining) };
    // Refused: the balance that did not cover it, as the spend would have seen it (nothing written).
    const current = await db
      .selectFrom('api_keys')
      .select(['credits_remaining', 'credits_refill_amount', 'credits_period_end', 'credits_period'])
      .where('id', '=', keyId)
      .executeTakeFirst();
    if (current === undefined) return { spent: false, remaining: 0 };
    const remaining =
      period === null ? Number(current.credits_remaining ?? 0) : balanceAt(current, period.start, period.label);
    return { spent: false, remaining };
  };
}
