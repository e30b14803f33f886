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
import type { LeaseStore, ReturnedLease } from '../storage/credit-leases.js';
import type { CreditPlan, CreditSpender, Spend } from './credits.js';
import { leaseWrites } from './credit-lease-writes.js';
import { leaseTakes } from './lease-takes.js';
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

/** Blocks given back in one transaction by the sweep or a shutdown. */
const GIVE_BACKS_AT_ONCE = 64;

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
  /** Draws where between half and three quarters of a lifetime a top-up is due (Math.random; a test fixes it). */
  readonly random?: () => number;
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
    if (lease.renewing === 0) {
      const step = markStep(lease.block);
      // A quarter of a step before the mark: raised to a step past what is spent, so a node that
      // dies has marked at most a step it never answered for (raised to a step past the mark, it was up to 1.5).
      const markDue = lease.mark < lease.amount && (lease.mark - lease.spent) * 4 <= step;
      // Half to three quarters of a lifetime on, or three quarters spent: more for the next
      // lifetime, before it is needed.
      const topUpDue =
        !lease.full && (now - lease.since >= lease.topUpAfter || (lease.amount - lease.spent) * 4 <= lease.block);
      // Either raises the mark: a top-up writes the lease row anyway, so a key spent slowly (a
      // step is at least 32) has its mark raised by its top-ups alone, one write each.
      if (markDue || topUpDue) void renew(lease, topUpDue, lease.spent + step, now, false);
    }
    return { spent: true, remaining: lease.balance + lease.amount - lease.spent };
  };

  // Blocks asked for in one turn are taken in one transaction (lease-takes.ts).
  const takeBlock = leaseTakes(leases);

  const writes = leaseWrites(
    leases,
    (keyId, balance) => {
      const state = keys.get(keyId);
      if (state !== undefined) state.known = balance;
    },
    options.onError,
  );

  /**
   * Asks for the block's mark raised to `mark` and, with `topUp`, for what one lifetime at its rate
   * since the last top-up needs (within the same bounds as a new block) and a lifetime more: a
   * key spent steadily keeps one lease, renewed with other keys' in one transaction, where taking
   * a new block each lifetime cost a transaction of its own per key.
   */
  const renew = (lease: Lease, topUp: boolean, mark: number, now: number, urgent: boolean): Promise<void> => {
    if (!topUp) return writes.renew(lease, { extra: 0, expiresAt: null, mark }, urgent);
    const want = Math.min(
      blockFor(lease.spent - lease.spentSince, now - lease.since),
      Math.floor(lease.balance / BALANCE_SHARE),
    );
    const extra = Math.max(0, want - (lease.amount - lease.spent));
    lease.since = now;
    lease.spentSince = lease.spent;
    lease.topUpAfter = topUpAfter();
    const expiresAt = Math.min(now + lifetimeMs, lease.periodEnd ?? Number.POSITIVE_INFINITY);
    return writes.renew(lease, { extra, expiresAt, mark }, urgent);
  };

  /**
   * When, after a take or top-up, the next top-up is due: at a point drawn between half and three
   * quarters of a lifetime, so blocks taken together (every key a node is asked for after it
   * starts, or after a deploy) are not all topped up together, a lifetime after lifetime: at the
   * same half lifetime each, 10 000 keys' first top-ups came within the same few seconds, about a
   * tenth of the node's time in them. A quarter of a lifetime is left for a top-up to land.
   */
  const random = options.random ?? Math.random;
  const topUpAfter = (): number => lifetimeMs * (0.5 + random() / 4);

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
    return { leaseId: lease.id, keyId: lease.keyId, spent: lease.spent };
  };

  const give = async (returned: ReturnedLease): Promise<void> => {
    try {
      await leases.giveAll([returned]);
    } catch (error) {
      // Left in storage: the sweep gives back what was not marked spent once it has expired.
      options.onError(error);
    }
  };

  const giveBack = async (state: KeyLeases, lease: Lease, now: number): Promise<void> => {
    await writes.retiring(lease);
    await give(retire(state, lease, now));
  };

  /**
   * Gives back many keys' blocks (the sweep of expired ones, a shutdown), GIVE_BACKS_AT_ONCE to a
   * transaction, with the event loop turning between them. One transaction each, all at once, ran
   * on SQLite as one long chain of promises that let no request in: 10 000 blocks expiring
   * together stalled every verify for about 2 s.
   */
  const giveBackMany = async (held: ReadonlyArray<readonly [KeyLeases, Lease]>, now: number): Promise<void> => {
    await Promise.all(held.map(([, lease]) => writes.retiring(lease)));
    for (let from = 0; from < held.length; from += GIVE_BACKS_AT_ONCE) {
      const chunk = held.slice(from, from + GIVE_BACKS_AT_ONCE);
      const returned = chunk.map(([state, lease]) => retire(state, lease, now));
      const given = leases.giveAll(returned).then(
        () => undefined,
        // Left in storage: the sweep gives back what was not marked spent once they have expired.
        options.onError,
      );
      for (const [state] of chunk) {
        state.busy = given;
        void given.finally(() => {
          if (state.busy === given) state.busy = null;
        });
      }
      await given;
      await new Promise((resolve) => setImmediate(resolve));
    }
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
    if (stale !== null) await writes.retiring(stale);
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
    const taken = await takeBlock({
      keyId,
      amount,
      mark,
      period,
      now,
      expiresAt,
      returned,
    });
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
      renewing: 0,
      dead: false,
      balance: taken.remaining,
      period: taken.period,
      periodEnd: taken.periodEnd,
      takenAt: now,
      expiresAt: taken.periodEnd === null ? expiresAt : Math.min(expiresAt, taken.periodEnd),
      since: now,
      spentSince: 0,
      topUpAfter: topUpAfter(),
      block: amount,
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
        if (lease.spent + cost <= lease.amount) {
          await renew(lease, false, lease.spent + cost + markStep(lease.block), now, true);
          if (!lease.dead && lease.spent + cost <= lease.mark) continue;
        }
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
      const held: Array<readonly [KeyLeases, Lease]> = [];
      for (const state of keys.values()) {
        state.epoch++;
        state.known = null;
        if (state.lease !== null && state.busy === null) held.push([state, state.lease]);
        else if (state.lease !== null) {
          const lease = state.lease;
          void exclusive(state, () => giveBack(state, lease, options.now()));
        }
        state.lease = null;
      }
      void giveBackMany(held, options.now());
    },
    async sweep(now) {
      // Own leases past their expiry go back first, by their holder; then other nodes' lost ones.
      // A key busy taking a block gives its expired one back in that take.
      const expired: Array<readonly [KeyLeases, Lease]> = [];
      for (const [keyId, state] of keys) {
        const lease = state.lease;
        if (lease !== null && state.busy === null && (lease.dead || lease.expiresAt <= now)) {
          state.lease = null;
          expired.push([state, lease]);
        } else if (lease === null && state.busy === null && now - state.since > lifetimeMs) keys.delete(keyId);
      }
      await giveBackMany(expired, now);
      return leases.sweep(now - lifetimeMs, 100);
    },
    async close() {
      const now = options.now();
      // A renewal still waiting would land after storage closed: it goes now, before the give-backs.
      await writes.settle();
      for (const state of keys.values()) while (state.busy !== null) await state.busy;
      const held: Array<readonly [KeyLeases, Lease]> = [];
      for (const state of keys.values()) if (state.lease !== null) held.push([state, state.lease]);
      await giveBackMany(held, now);
    },
  };
}
