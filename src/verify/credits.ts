/**
 * Spending usage credits on verify (issue 17): the one documented storage round trip of a cache
 * hit. The key's plan names its refill period as of `now`; the store's one conditional UPDATE
 * (src/storage/credit-spend.ts) spends only what the balance covers, refilling first when due.
 */
import { type CreditPeriod, creditPeriod } from '../core/credit-period.js';
import type { KeyRecord } from '../core/key-record.js';
import type { Spend } from '../storage/credit-spend.js';
import type { VerifyStore } from './verify-store.js';

/** How a key is metered, as the verify cache holds it. */
export type CreditPlan = NonNullable<KeyRecord['credits']>;

export type { Spend };

export interface CreditSpender {
  /** Synchronous when it spends from a block this node leased (credit-leases.ts); a promise when storage is asked. */
  spend(keyId: string, plan: CreditPlan, cost: number, now: number): Spend | Promise<Spend>;
}

export function createCreditSpender(store: Pick<VerifyStore, 'spendCredits'>): CreditSpender {
  const spendCredits = store.spendCredits;
  return {
    spend(keyId, plan, cost, now) {
      const refill = plan.refill;
      let period: CreditPeriod | null;
      try {
        period = refill === null ? null : creditPeriod(refill.interval, plan.timeZone, now);
      } catch (error) {
        // A zone Intl does not know rejects the spend, as a failed UPDATE would: verify never sees a throw.
        return Promise.reject(error);
      }
      // The store's promise itself: no async wrapper, so a metered cache hit waits no extra turn.
      return spendCredits(keyId, cost, period);
    },
  };
}
