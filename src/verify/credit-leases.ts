/**
 * Credits by leases (issue 27 item 2): a node takes a block of a key's credits with one
 * conditional UPDATE (src/storage/credit-leases.ts) and spends it in memory, so a metered cache
 * hit writes nothing. Storage stays the judge: a block is taken only if the balance covers it, so
 * the nodes together never spend more than the key had; a key whose balance no longer covers a
 * block is spent one request at a time by the exact UPDATE of credit-spend.ts, as before leases.
 *
 * A lease leaves by its holder giving back what it did not spend (at expiry, when the key changes,
 * at shutdown), by the sweep of a lost one (a node SIGKILLed: after its expiry, any node gives back
 * what its holder had not marked spent), or by a PATCH of the balance voiding it. The holder marks
 * in storage, ahead of time, how far it may spend: a lost lease never gives back a credit its
 * holder may have answered VALID for. A block still being spent is topped up before it runs out
 * or expires, with other keys' in one transaction, so a key spent steadily keeps one lease.
 * docs/limits.md (Credit leases) tells the bounds this leaves.
 */
import { type CreditPeriod, creditPeriod } from '../core/credit-period.js';
import type { LeaseStore, LeaseTopUp, ReturnedLease } from '../storage/credit-leases.js';
import type { CreditPlan, CreditSpender, Spend } from './credits.js';
import { leaseBatch } from './lease-batch.js';
import type { VerifyStore } from './verify-store.js';
import {
  BALANCE_SHARE,
  fresh,
  type KeyLeases,
  LEASE_AFTER,
  LEASE_WORTH,
  type Lease,
  MAX_COUNTED,
  MAX_LEASE,
  markStep,
  MIN_LEASE,
} from './credit-lease-state.js';

export { LEASE_AFTER, LEASE_WORTH, MAX_LEASE, MIN_LEASE } from './credit-lease-state.js';

export interface LeasedSpender extends CreditSpender {
  /** What this node holds of the key's credits unspent: with the stored balance, `remaining` on one node. */
  unspent(keyId: string): number;
  /** The key changed (a PATCH of its balance, a refill setting): its lease goes back, the next spend takes anew. */
  forget(keyId: string): void;
  forgetAll(): void;
  /** Gives back lost leases of other nodes expired for longer than a lifetime; answers how many. */
  sweep(now: number): Promise<number>;
  /** Gives back every lease held (shutdown). */
  close(): Promise<void>;
}

export interface LeaseOptions {
  /** How long a lease may be spent; `KEYWARD_CREDIT_LEASE_MS`. */
  readonly lifetimeMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown) => void;
}

function periodOf(plan: CreditPlan, now: number): CreditPeriod | null {
  return plan.refill === null ? null : creditPeriod(plan.refill.interval, plan.timeZone, now);
}

export function createLeasedSpender(
  store: Pick<VerifyStore, 'spendCredits' | 'leases'>,
  options: LeaseOptions,
): LeasedSpender {
  const leases: LeaseStore = store.leases;
  const keys = new Map<string, KeyLeases>();
  const { lifetimeMs } = options;

  const usable = (lease: Lease | null, period: CreditPeriod | null, now: number): lease is Lease =>
    lease !== null &&
    !lease.dead &&
    now < lease.expiresAt &&
    // The node's period moved past the block's: its credits belonged to a balance since refilled.
    (period === null || lease.period === null || period.label <= lease.period);

  const answer = (lease: Lease, cost: number, now: number): Spend => {
    lease.spent += cost;
    const step = markStep(lease.block);
    if (!lease.marking && lease.mark < lease.amount && lease.mark - lease.spent <= step / 2)
      void raise(lease, lease.mark + step);
    // Half a lifetime on, or three quarters spent: more for the next lifetime, before it is needed.
    if (
      !lease.topping &&
      !lease.full &&
      (now - lease.since >= lifetimeMs / 2 || (lease.amount - lease.spent) * 4 <= lease.block)
    )
      topUp(lease, now);
    return { spent: true, remaining: lease.balance + lease.amount - lease.spent };
  };

  const marks = leaseBatch<Lease, number>(async (entries) => {
    try {
      const present = await leases.markAll([...entries].map(([lease, spent]) => ({ leaseId: lease.id, spent })));
      for (const [lease, target] of entries) {
        if (present.has(lease.id)) lease.mark = Math.max(lease.mark, target);
        else lease.dead = true;
      }
    } catch (error) {
      options.onError(error);
    } finally {
      for (const lease of entries.keys()) lease.marking = false;
    }
  }, Math.max);

  /** Raises the stored mark ahead of spending past it; false once the lease is gone from storage. */
  const raise = async (lease: Lease, to: number, now = false): Promise<boolean> => {
    const target = Math.min(lease.amount, to);
    lease.marking = true;
    await marks.add(lease, target, now);
    return !lease.dead && lease.mark >= target;
  };

  const topUps = leaseBatch<Lease, LeaseTopUp>(
    async (entries) => {
      try {
        const left = await leases.topUp([...entries.values()]);
        for (const [lease, topUp] of entries) {
          const balance = left.get(lease.id);
          const state = keys.get(lease.keyId);
          if (state !== undefined && balance !== undefined) state.known = balance;
          if (balance === undefined) {
            lease.full = true;
            continue;
          }
          lease.amount += topUp.extra;
          lease.block = lease.amount - lease.spent;
          lease.balance = balance;
          lease.expiresAt = Math.max(lease.expiresAt, topUp.expiresAt);
        }
      } catch (error) {
        options.onError(error);
        for (const lease of entries.keys()) lease.full = true;
      } finally {
        for (const lease of entries.keys()) lease.topping = false;
      }
    },
    (_waiting, added) => added,
  );

  /**
   * A block still being spent gets what one lifetime at its rate since the last top-up needs
   * (within the same bounds as a new block) and a lifetime more: a key spent steadily keeps one
   * lease, topped up with other keys' in one transaction, where taking a new block each lifetime
   * cost a transaction of its own per key.
   */
  const topUp = (lease: Lease, now: number): void => {
    const want = Math.min(
      blockFor(lease.spent - lease.spentSince, now - lease.since),
      Math.floor(lease.balance / BALANCE_SHARE),
    );
    const extra = Math.max(0, want - (lease.amount - lease.spent));
    lease.topping = true;
    lease.since = now;
    lease.spentSince = lease.spent;
    void topUps.add(
      lease,
      {
        leaseId: lease.id,
        keyId: lease.keyId,
        extra,
        period: lease.period,
        expiresAt: Math.min(now + lifetimeMs, lease.periodEnd ?? Number.POSITIVE_INFINITY),
      },
      false,
    );
  };

  /** Credits for one lifetime at the rate `spent` credits went in `elapsed` ms. */
  const blockFor = (spent: number, elapsed: number): number =>
    Math.min(MAX_LEASE, Math.max(MIN_LEASE, Math.ceil((spent * lifetimeMs) / Math.max(1, elapsed))));

  /** The key's block leaves it: the next one is sized by it; answers what goes back to storage. */
  const retire = (state: KeyLeases, lease: Lease, now: number): ReturnedLease => {
    if (state.lease === lease) state.lease = null;
    // The next block is sized as the first was: one lifetime at the rate this one was spent at.
    // Doubling only when a block went in under a quarter of its life left a key spent steadily
    // taking a block every few seconds: 10 000 keys at 3 verifies a second took 3 a lifetime each.
    state.size = blockFor(lease.spent, now - lease.takenAt);
    return { leaseId: lease.id, spent: lease.spent };
  };

  const give = async (returned: ReturnedLease): Promise<void> => {
    try {
      await leases.give(returned.leaseId, returned.spent);
    } catch (error) {
      // Left in storage: the sweep gives back what was not marked spent once it has expired.
      options.onError(error);
    }
  };

  /**
   * A top-up under way lands first: it and a give-back of the same lease take their rows in
   * opposite orders (key, then lease; lease, then key), which two PostgreSQL sessions may deadlock on.
   */
  const landed = async (lease: Lease | null): Promise<void> => {
    if (lease === null) return;
    // None asked for meanwhile either: the lease is on its way back.
    lease.full = true;
    if (lease.topping) await topUps.settle();
  };

  const giveBack = async (state: KeyLeases, lease: Lease, now: number): Promise<void> => {
    await landed(lease);
    await give(retire(state, lease, now));
  };

  const exclusive = async (state: KeyLeases, work: () => Promise<void>): Promise<void> => {
    while (state.busy !== null) await state.busy;
    const running = work().finally(() => {
      state.busy = null;
    });
    state.busy = running;
    await running;
  };

  const take = async (keyId: string, state: KeyLeases, cost: number, period: CreditPeriod | null, now: number) => {
    const epoch = state.epoch;
    const stale = state.lease;
    // Another request waiting here before this one took a block already: it serves this one too.
    if (usable(stale, period, now) && stale.spent + cost <= stale.amount) return;
    await landed(stale);
    // A block spent out or expired goes back in the transaction that takes the next: one commit, not two.
    const returned = stale === null ? undefined : retire(state, stale, now);
    const cap = state.known === null ? MAX_LEASE : Math.floor(state.known / BALANCE_SHARE);
    const amount = Math.max(cost, Math.min(state.size, cap));
    if (amount > cap && state.known !== null) {
      if (returned !== undefined) await give(returned);
      return;
    }
    const expiresAt = Math.min(now + lifetimeMs, period?.end ?? Number.POSITIVE_INFINITY);
    const mark = Math.min(amount, markStep(amount));
    const taken = await leases.take(keyId, amount, mark, period, now, expiresAt, returned);
    if (taken === undefined) {
      state.known = 0;
      return;
    }
    state.known = taken.remaining;
    const lease: Lease = {
      id: taken.id,
      keyId,
      amount,
      spent: 0,
      mark,
      marking: false,
      dead: false,
      balance: taken.remaining,
      period: taken.period,
      periodEnd: taken.periodEnd,
      takenAt: now,
      expiresAt: taken.periodEnd === null ? expiresAt : Math.min(expiresAt, taken.periodEnd),
      since: now,
      spentSince: 0,
      block: amount,
      topping: false,
      full: false,
    };
    // The key changed while this was taken: the block may predate the change, so it goes back.
    if (state.epoch !== epoch) await giveBack(state, lease, now);
    else state.lease = lease;
  };

  /** Whether a key without a block has been spent often enough, lately and fast enough, to take one. */
  const worthBlock = (state: KeyLeases, now: number): boolean =>
    state.exact >= LEASE_AFTER &&
    now - state.since <= lifetimeMs &&
    state.exact * lifetimeMs >= LEASE_WORTH * Math.max(1, now - state.since);

  /** An exact spend, counted towards a block: counts older than a lifetime start over. */
  const countExact = (state: KeyLeases, cost: number, now: number): void => {
    if (now - state.since > lifetimeMs) {
      state.since = now;
      state.exact = 0;
      state.used = 0;
    }
    state.exact++;
    state.used += cost;
  };

  const slow = async (keyId: string, plan: CreditPlan, cost: number, now: number): Promise<Spend> => {
    const period = periodOf(plan, now);
    let state = keys.get(keyId);
    if (state === undefined) {
      // Too many keys counted already: this one is spent exactly, as without leases.
      if (keys.size >= MAX_COUNTED) return store.spendCredits(keyId, cost, period);
      state = fresh(now);
      keys.set(keyId, state);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      while (state.busy !== null) await state.busy;
      const lease = state.lease;
      if (usable(lease, period, now)) {
        if (lease.spent + cost <= lease.mark) return answer(lease, cost, now);
        if (
          lease.spent + cost <= lease.amount &&
          (await raise(lease, lease.spent + cost + markStep(lease.block), true))
        )
          continue;
      }
      // Rate-adaptive: a key spent rarely is spent exactly (a take and its give-back are two
      // transactions, which on SQLite hold the one connection); once it has been spent
      // LEASE_AFTER times within a lifetime, at a rate of LEASE_WORTH a lifetime or more, it takes
      // a block sized by that rate, for a lifetime.
      if (lease === null) {
        if (!worthBlock(state, now)) break;
        state.size = blockFor(state.used, now - state.since);
      }
      const current = state;
      await exclusive(current, () => take(keyId, current, cost, period, now));
      if (state.lease === null) break;
    }
    // No block to be had: this one request is spent exactly, as without leases.
    const spent = await store.spendCredits(keyId, cost, period);
    state.known = spent.remaining;
    // A refused spend spent nothing: it says nothing of the key's rate.
    if (spent.spent) countExact(state, cost, now);
    return spent;
  };

  return {
    spend(keyId, plan, cost, now) {
      const lease = keys.get(keyId)?.lease ?? null;
      try {
        if (lease !== null && lease.spent + cost <= lease.mark && usable(lease, periodOf(plan, now), now))
          return answer(lease, cost, now);
        return slow(keyId, plan, cost, now);
      } catch (error) {
        // A zone Intl does not know rejects the spend, as a failed UPDATE would: verify never sees a throw.
        return Promise.reject(error);
      }
    },
    unspent(keyId) {
      const lease = keys.get(keyId)?.lease;
      return lease === undefined || lease === null || lease.dead ? 0 : lease.amount - lease.spent;
    },
    forget(keyId) {
      const state = keys.get(keyId);
      if (state === undefined) return;
      state.epoch++;
      state.known = null;
      const lease = state.lease;
      state.lease = null;
      if (lease !== null) void exclusive(state, () => giveBack(state, lease, options.now()));
    },
    forgetAll() {
      for (const keyId of keys.keys()) this.forget(keyId);
    },
    async sweep(now) {
      // Own leases past their expiry go back first, by their holder; then other nodes' lost ones.
      const returns: Promise<void>[] = [];
      for (const [keyId, state] of keys) {
        const lease = state.lease;
        if (lease !== null && (lease.dead || lease.expiresAt <= now)) {
          state.lease = null;
          returns.push(exclusive(state, () => giveBack(state, lease, now)));
        } else if (lease === null && state.busy === null && now - state.since > lifetimeMs) keys.delete(keyId);
      }
      await Promise.all(returns);
      return leases.sweep(now - lifetimeMs, 100);
    },
    async close() {
      const now = options.now();
      // A raise or top-up still waiting would land after storage closed: they go now, before the give-backs.
      await Promise.all([marks.settle(), topUps.settle()]);
      await Promise.all(
        [...keys.values()].map((state) =>
          exclusive(state, async () => {
            if (state.lease !== null) await giveBack(state, state.lease, now);
          }),
        ),
      );
    },
  };
}
