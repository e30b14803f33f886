/**
 * Credit leases in storage (issue 27 item 2; the holder is src/verify/credit-leases.ts). A lease
 * is taken off the key's balance by the same conditional UPDATE a spend uses (refilling first
 * when the period ended, credit-refill.ts), and recorded in `credit_leases` in the same
 * transaction. It leaves by exactly one of: its holder returning it, the sweep of a lost one, or
 * a PATCH of the balance voiding it; each first deletes the row, so whichever deletes it is the
 * only one that gives its credits back: never twice.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { balanceNow, periodColumnsNow } from './credit-refill.js';
import type { SpendPeriod } from './credit-spend.js';
import type { Database, Db } from './database.js';
import { reusableStatement } from './reusable-query.js';

/** A block taken: its id, what the key's balance was left with, and the period it came from. */
export interface TakenLease {
  readonly id: string;
  readonly amount: number;
  /** The key's balance outside every lease, just after this one was taken. */
  readonly remaining: number;
  readonly period: string | null;
  /** The end of that period (epoch ms), when the key refills; null without a refill. */
  readonly periodEnd: number | null;
}

/** A block its holder gives back: what of it the holder spent (the rest goes back). */
export interface ReturnedLease {
  readonly leaseId: string;
  /** Its key: blocks of several keys go back in the order of their keys. */
  readonly keyId: string;
  readonly spent: number;
}

/**
 * What a holder writes for a block it is still spending, ahead of need: a higher mark, and with a
 * top-up, `extra` more of the key's balance and a later expiry.
 */
export interface LeaseRenewal {
  readonly leaseId: string;
  readonly keyId: string;
  /** Credits more for the block, taken only if the balance of its period covers them: 0 asks none. */
  readonly extra: number;
  /** The period the block was taken in: a key refilled since gives it nothing more. */
  readonly period: string | null;
  /** A later expiry, written with the extra (or alone, when `extra` is 0); null leaves it. */
  readonly expiresAt: number | null;
  /** The mark raised to (never lowered): `markIfTopped` once the extra is given, else `mark`. */
  readonly mark: number;
  readonly markIfTopped: number;
}

/** A block renewed: with `balance`, the key's balance outside leases its top-up left. */
export interface Renewed {
  readonly balance?: number;
}

/** A block asked for: `amount` off the key's balance, recorded with `mark` as spent so far. */
export interface TakeAsk {
  readonly keyId: string;
  readonly amount: number;
  readonly mark: number;
  readonly period: SpendPeriod | null;
  readonly now: number;
  readonly expiresAt: number;
  /** The key's block before this one, given back first (whether or not the take is covered). */
  readonly returned?: ReturnedLease | undefined;
}

export interface LeaseStore {
  /**
   * Takes blocks of many keys in one transaction, in the order of their keys: each is taken if
   * its key's balance covers it (undefined if not), its `returned` block given back first.
   * Answers in the order asked.
   */
  takeAll(asks: readonly TakeAsk[]): Promise<ReadonlyArray<TakenLease | undefined>>;
  /**
   * Renews blocks in one transaction, in the order of their keys: each has its mark raised, and
   * its top-up given if the balance of its period covers it. Answers the blocks still in storage
   * (one swept or voided is not; a top-up taken for it goes straight back).
   */
  renewAll(renewals: readonly LeaseRenewal[]): Promise<ReadonlyMap<string, Renewed>>;
  /**
   * Gives back, in one transaction and in the order of their keys, what each holder did not
   * spend of its lease (its amount in storage, top-ups included, less `spent`) and forgets it;
   * answers how many were still there (a lease swept or voided meanwhile gives nothing back).
   */
  giveAll(returned: readonly ReturnedLease[]): Promise<number>;
  /** Gives back what lost leases, expired before `before`, had not marked spent; answers how many. */
  sweep(before: number, limit: number): Promise<number>;
}

/**
 * Credits back onto the key's balance, in the period they came from only: a refill since moved
 * the key to another, and the old period's credits lapse with it.
 */
const addBack = reusableStatement<{ keyId: string; credits: number; period: string | null }>(
  ['keyId', 'credits', 'period'],
  (db, { keyId, credits, period }) =>
    db
      .updateTable('api_keys')
      .set({ credits_remaining: sql<number>`credits_remaining + ${credits}` })
      .where('id', '=', keyId)
      .where('credits_remaining', 'is not', null)
      .where(sql<boolean>`credits_period is not distinct from ${period}`),
);

/** Deletes the lease and adds back what it did not spend (`addBack`). */
async function close(trx: Db, leaseId: string, unspent: (row: { amount: number; spent: number }) => number) {
  const row = await trx
    .deleteFrom('credit_leases')
    .where('id', '=', leaseId)
    .returning(['key_id', 'period', 'amount', 'spent'])
    .executeTakeFirst();
  if (row === undefined) return false;
  const back = unspent({ amount: Number(row.amount), spent: Number(row.spent) });
  if (back > 0) await addBack(trx, { keyId: row.key_id, credits: back, period: row.period });
  return true;
}

/**
 * The statements of a renewal, compiled once (reusable-query.ts): a steady load over many keys
 * renews thousands of blocks a second, and built through the query builder each time they cost
 * the node more than storage took to run them.
 */
const takeExtra = reusableStatement<
  { keyId: string; extra: number; period: string | null },
  { credits_remaining: number | string }
>(['keyId', 'extra', 'period'], (db, { keyId, extra, period }) =>
  // A top-up's extra off the key's balance, if the balance of its period covers it.
  db
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`credits_remaining - ${extra}` })
    .where('id', '=', keyId)
    .where('credits_remaining', 'is not', null)
    .where(sql<boolean>`credits_remaining >= ${extra}`)
    .where(sql<boolean>`credits_period is not distinct from ${period}`)
    .returning('credits_remaining'),
);

/** Never lowers a mark: a holder's two renewals may cross on the pool. */
const raisedMark = (mark: unknown) =>
  // PostgreSQL types a parameter alone in a CASE branch as text: the cast keeps it an integer.
  sql<number>`case when spent < cast(${mark} as bigint) then cast(${mark} as bigint) else spent end`;

const raiseMark = reusableStatement<{ leaseId: string; mark: number }>(['leaseId', 'mark'], (db, { leaseId, mark }) =>
  db
    .updateTable('credit_leases')
    .set({ spent: raisedMark(mark) })
    .where('id', '=', leaseId),
);

/** A mark raised with a top-up (`extra` may be 0: the expiry alone moves). */
const raiseAndExtend = reusableStatement<{ leaseId: string; mark: number; extra: number; expiresAt: number }>(
  ['leaseId', 'mark', 'extra', 'expiresAt'],
  (db, { leaseId, mark, extra, expiresAt }) =>
    db
      .updateTable('credit_leases')
      .set({ spent: raisedMark(mark), amount: sql<number>`amount + ${extra}`, expires_at: expiresAt })
      .where('id', '=', leaseId),
);

/** One block taken inside a transaction: see `LeaseStore.takeAll`. */
async function takeIn(trx: Db, ask: TakeAsk): Promise<TakenLease | undefined> {
  const { keyId, amount, mark, period, now, expiresAt, returned } = ask;
  if (returned !== undefined) await close(trx, returned.leaseId, (row) => row.amount - returned.spent);
  const balance = period === null ? sql<number>`credits_remaining` : balanceNow(period);
  const row = await trx
    .updateTable('api_keys')
    .set({
      credits_remaining: sql<number>`${balance} - ${amount}`,
      ...(period === null ? {} : periodColumnsNow(period)),
    })
    .where('id', '=', keyId)
    .where('credits_remaining', 'is not', null)
    .where(sql<boolean>`${balance} >= ${amount}`)
    .returning(['credits_remaining', 'credits_period', 'credits_period_end'])
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const id = randomUUID();
  await trx
    .insertInto('credit_leases')
    .values({
      id,
      key_id: keyId,
      amount,
      spent: mark,
      period: row.credits_period,
      expires_at: expiresAt,
      created_at: now,
    })
    .execute();
  const periodEnd = row.credits_period_end === null ? null : Number(row.credits_period_end);
  return { id, amount, remaining: Number(row.credits_remaining), period: row.credits_period, periodEnd };
}

/**
 * The indexes of `items` in the order of their keys: every node writes the rows of several keys in
 * one order, so two nodes' transactions never wait for each other's rows in a cycle (a PostgreSQL
 * deadlock).
 */
function inKeyOrder(items: ReadonlyArray<{ readonly keyId: string }>): number[] {
  const key = (index: number) => (items[index] as { keyId: string }).keyId;
  return items.map((_, index) => index).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function leaseStore(db: Kysely<Database>): LeaseStore {
  return {
    takeAll: (asks) =>
      db.transaction().execute(async (trx) => {
        const taken = new Array<TakenLease | undefined>(asks.length);
        for (const index of inKeyOrder(asks)) taken[index] = await takeIn(trx, asks[index] as TakeAsk);
        return taken;
      }),
    renewAll: (renewals) =>
      db.transaction().execute(async (trx) => {
        const renewed = new Map<string, Renewed>();
        for (const index of inKeyOrder(renewals)) {
          const renewal = renewals[index] as LeaseRenewal;
          const taken =
            renewal.extra > 0
              ? (await takeExtra(trx, { keyId: renewal.keyId, extra: renewal.extra, period: renewal.period })).rows[0]
              : undefined;
          const balance = taken === undefined ? undefined : Number(taken.credits_remaining);
          const topped = balance !== undefined;
          const mark = topped ? renewal.markIfTopped : renewal.mark;
          const expiresAt = topped || renewal.extra === 0 ? renewal.expiresAt : null;
          const lease =
            expiresAt === null
              ? await raiseMark(trx, { leaseId: renewal.leaseId, mark })
              : await raiseAndExtend(trx, {
                  leaseId: renewal.leaseId,
                  mark,
                  extra: topped ? renewal.extra : 0,
                  expiresAt,
                });
          if ((lease.numAffectedRows ?? 0n) > 0n)
            renewed.set(renewal.leaseId, balance === undefined ? {} : { balance });
          // Swept or voided meanwhile: what was taken for it goes straight back.
          else if (topped) await addBack(trx, { keyId: renewal.keyId, credits: renewal.extra, period: renewal.period });
        }
        return renewed;
      }),
    giveAll: (returned) =>
      db.transaction().execute(async (trx) => {
        let closed = 0;
        // In key order, as renewals and takes are: a give-back in its holder's order and another
        // node's top-ups of the same keys each held a key's row the other waited for (a deadlock).
        for (const index of inKeyOrder(returned)) {
          const { leaseId, spent } = returned[index] as ReturnedLease;
          if (await close(trx, leaseId, (row) => row.amount - spent)) closed++;
        }
        return closed;
      }),
    async sweep(before, limit) {
      const lost = await db
        .selectFrom('credit_leases')
        .select('id')
        .where('expires_at', '<', before)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      let swept = 0;
      for (const { id } of lost) {
        // What the holder marked spent stays spent: it may have answered VALID for all of it.
        const closed = await db.transaction().execute((trx) => close(trx, id, (row) => row.amount - row.spent));
        if (closed) swept++;
      }
      return swept;
    },
  };
}

/** A PATCH that sets the balance voids the leases out on it: their credits belong to the old one. */
export async function voidLeases(trx: Db, keyId: string): Promise<void> {
  await trx.deleteFrom('credit_leases').where('key_id', '=', keyId).execute();
}
