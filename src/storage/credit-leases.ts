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
  readonly spent: number;
}

/** More of the key's balance for a block still being spent, and a later expiry. */
export interface LeaseTopUp {
  readonly leaseId: string;
  readonly keyId: string;
  readonly extra: number;
  /** The period the block was taken in: a key refilled since gives it nothing more. */
  readonly period: string | null;
  readonly expiresAt: number;
}

export interface LeaseMark {
  readonly leaseId: string;
  readonly spent: number;
}

/** Leases a batched mark names at most, per statement. */
const MARKS_PER_STATEMENT = 64;

export interface LeaseStore {
  /**
   * Takes `amount` off the key's balance if it covers it, recorded with `mark` as spent so far;
   * gives `returned` back first, in the same transaction (whether or not the take is covered).
   */
  take(
    keyId: string,
    amount: number,
    mark: number,
    period: SpendPeriod | null,
    now: number,
    expiresAt: number,
    returned?: ReturnedLease,
  ): Promise<TakenLease | undefined>;
  /**
   * Raises each lease's mark (the most its holder may spend) to at least `spent`, 64 leases a
   * statement; answers the ids of those still there (a lease swept or voided is not).
   */
  markAll(marks: readonly LeaseMark[]): Promise<ReadonlySet<string>>;
  /**
   * Tops up blocks in one transaction: each gets `extra` more of its key's balance and its new
   * expiry, if the balance of its period covers `extra`. Answers, for each block topped up, the
   * key's balance left outside leases; a block gone from storage, or not covered, is left as it was.
   */
  topUp(topUps: readonly LeaseTopUp[]): Promise<ReadonlyMap<string, number>>;
  /**
   * Gives back, in one transaction, what each holder did not spend of its lease (its amount in
   * storage, top-ups included, less `spent`) and forgets it; answers how many were still there
   * (a lease swept or voided meanwhile gives nothing back).
   */
  giveAll(returned: readonly ReturnedLease[]): Promise<number>;
  /** Gives back what lost leases, expired before `before`, had not marked spent; answers how many. */
  sweep(before: number, limit: number): Promise<number>;
}

/** Deletes the lease and adds back what it did not spend, in the period it came from only. */
async function close(trx: Db, leaseId: string, unspent: (row: { amount: number; spent: number }) => number) {
  const row = await trx
    .deleteFrom('credit_leases')
    .where('id', '=', leaseId)
    .returning(['key_id', 'period', 'amount', 'spent'])
    .executeTakeFirst();
  if (row === undefined) return false;
  const back = unspent({ amount: Number(row.amount), spent: Number(row.spent) });
  if (back <= 0) return true;
  // A refill since the take moved the key to another period: the block's old credits lapse with it.
  await trx
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`credits_remaining + ${back}` })
    .where('id', '=', row.key_id)
    .where('credits_remaining', 'is not', null)
    .where(sql<boolean>`credits_period is not distinct from ${row.period}`)
    .execute();
  return true;
}

export function leaseStore(db: Kysely<Database>): LeaseStore {
  return {
    take: (keyId, amount, mark, period, now, expiresAt, returned) =>
      db.transaction().execute(async (trx) => {
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
      }),
    async markAll(marks) {
      const present = new Set<string>();
      for (let from = 0; from < marks.length; from += MARKS_PER_STATEMENT) {
        const chunk = marks.slice(from, from + MARKS_PER_STATEMENT);
        // PostgreSQL types a parameter alone in a CASE branch as text: the cast keeps it an integer.
        const target = sql<number>`(case id ${sql.join(
          chunk.map((mark) => sql`when ${mark.leaseId} then cast(${mark.spent} as bigint)`),
          sql` `,
        )} end)`;
        // Never lowers a mark, and finds every lease still there: a holder's two raises may cross
        // on the pool, and the lower one landing second must not read as the lease gone.
        const rows = await db
          .updateTable('credit_leases')
          .set({ spent: sql<number>`case when spent < ${target} then ${target} else spent end` })
          .where(
            'id',
            'in',
            chunk.map((mark) => mark.leaseId),
          )
          .returning('id')
          .execute();
        for (const row of rows) present.add(row.id);
      }
      return present;
    },
    topUp: (topUps) =>
      db.transaction().execute(async (trx) => {
        const left = new Map<string, number>();
        // Keys in one order on every node: two nodes topping up blocks of the same keys never
        // wait for each other's rows in a cycle (a PostgreSQL deadlock).
        const ordered = [...topUps].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
        for (const topUp of ordered) {
          const row = await trx
            .updateTable('api_keys')
            .set({ credits_remaining: sql<number>`credits_remaining - ${topUp.extra}` })
            .where('id', '=', topUp.keyId)
            .where('credits_remaining', 'is not', null)
            .where(sql<boolean>`credits_remaining >= ${topUp.extra}`)
            .where(sql<boolean>`credits_period is not distinct from ${topUp.period}`)
            .returning('credits_remaining')
            .executeTakeFirst();
          if (row === undefined) continue;
          const lease = await trx
            .updateTable('credit_leases')
            .set({ amount: sql<number>`amount + ${topUp.extra}`, expires_at: topUp.expiresAt })
            .where('id', '=', topUp.leaseId)
            .executeTakeFirst();
          if (lease.numUpdatedRows > 0n) left.set(topUp.leaseId, Number(row.credits_remaining));
          // Swept or voided meanwhile: what was taken for it goes straight back.
          else
            await trx
              .updateTable('api_keys')
              .set({ credits_remaining: sql<number>`credits_remaining + ${topUp.extra}` })
              .where('id', '=', topUp.keyId)
              .execute();
        }
        return left;
      }),
    giveAll: (returned) =>
      db.transaction().execute(async (trx) => {
        let closed = 0;
        for (const { leaseId, spent } of returned) if (await close(trx, leaseId, (row) => row.amount - spent)) closed++;
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
