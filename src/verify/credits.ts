/**
 * Spending usage credits on verify (issue 17): the one documented storage round trip of a cache
 * hit. One conditional UPDATE spends `cost` only if the balance covers it, refilling first when
 * the period changed, so concurrent verifies on any number of nodes never overspend.
 */
import { sql, type Kysely } from 'kysely';
import { creditPeriod } from '../core/credit-period.js';
import type { KeyRecord } from '../core/key-record.js';
import type { Database } from '../storage/database.js';

/** How a key is metered, as the verify cache holds it. */
export type CreditPlan = NonNullable<KeyRecord['credits']>;

/** The balance after a spend, or `spent: false` with the balance that did not cover it. */
export type Spend = { readonly spent: boolean; readonly remaining: number };

export interface CreditSpender {
  spend(keyId: string, plan: CreditPlan, cost: number, now: number): Promise<Spend>;
}

export function createCreditSpender(db: Kysely<Database>): CreditSpender {
  return {
    async spend(keyId, plan, cost, now) {
      const refill = plan.refill;
      const period = refill === null ? null : creditPeriod(refill.interval, plan.timeZone, now);
      // The balance this period starts from: the stored one, or the refill amount once the period changed.
      const balance =
        refill === null || period === null ? sql<number>`credits_remaining` : sql<number>`(case when credits_period = ${period} then credits_remaining else ${refill.amount} end)`;
      const updated = await db
        .updateTable('api_keys')
        .set({ credits_remaining: sql<number>`${balance} - ${cost}`, ...(period === null ? {} : { credits_period: period }) })
        .where('id', '=', keyId)
        .where('credits_remaining', 'is not', null)
        .where(sql<boolean>`${balance} >= ${cost}`)
        .returning('credits_remaining')
        .executeTakeFirst();
      if (updated !== undefined) return { spent: true, remaining: Number(updated.credits_remaining) };
      const current = await db.selectFrom('api_keys').select(['credits_remaining', 'credits_period']).where('id', '=', keyId).executeTakeFirst();
      const remaining = refill !== null && current?.credits_period !== period ? refill.amount : Number(current?.credits_remaining ?? 0);
      return { spent: false, remaining };
    },
  };
}
