/**
 * The writes a lease holder (credit-leases.ts) asks for ahead of need, batched with other keys'
 * (lease-batch.ts): a raise of a block's mark, one UPDATE for many; a top-up of a block still
 * being spent, one transaction for many. Each answer is applied to the holder's lease here.
 */
import type { LeaseStore, LeaseTopUp } from '../storage/credit-leases.js';
import type { Lease } from './credit-lease-state.js';
import { leaseBatch } from './lease-batch.js';

/** Top-ups written in one transaction. */
const TOP_UPS_AT_ONCE = 64;

export interface LeaseWrites {
  /** Raises the stored mark to `target` (at most the block): false once the lease is gone from storage. */
  raise(lease: Lease, target: number, now: boolean): Promise<boolean>;
  /** Asks for `extra` more credits and a new expiry for the block; the lease shows them once written. */
  topUp(lease: Lease, extra: number, expiresAt: number): void;
  /**
   * No more top-ups for a lease on its way back, and one under way lands first: it and a
   * give-back of the same lease take their rows in opposite orders (key then lease, lease then
   * key), which two PostgreSQL sessions may deadlock on.
   */
  retiring(lease: Lease): Promise<void>;
  /** Sends what waits and settles what is under way (shutdown: before the leases go back). */
  settle(): Promise<void>;
}

export function leaseWrites(
  leases: Pick<LeaseStore, 'markAll' | 'topUp'>,
  /** The key's balance outside leases, as a top-up left it. */
  balanceSeen: (keyId: string, balance: number) => void,
  onError: (error: unknown) => void,
): LeaseWrites {
  const marks = leaseBatch<Lease, number>(async (entries) => {
    try {
      const present = await leases.markAll([...entries].map(([lease, spent]) => ({ leaseId: lease.id, spent })));
      for (const [lease, target] of entries) {
        if (present.has(lease.id)) lease.mark = Math.max(lease.mark, target);
        else lease.dead = true;
      }
    } catch (error) {
      onError(error);
    } finally {
      for (const lease of entries.keys()) lease.marking = false;
    }
  }, Math.max);

  /** One chunk of a batch of top-ups: one transaction. */
  const topUpChunk = async (entries: ReadonlyArray<readonly [Lease, LeaseTopUp]>): Promise<void> => {
    try {
      const left = await leases.topUp(entries.map(([, topUp]) => topUp));
      for (const [lease, topUp] of entries) {
        const balance = left.get(lease.id);
        if (balance === undefined) {
          // Not covered, or gone: the block runs out or expires, and the next spend takes anew.
          lease.full = true;
          continue;
        }
        balanceSeen(lease.keyId, balance);
        lease.amount += topUp.extra;
        lease.block = lease.amount - lease.spent;
        lease.balance = balance;
        lease.expiresAt = Math.max(lease.expiresAt, topUp.expiresAt);
      }
    } catch (error) {
      onError(error);
      for (const [lease] of entries) lease.full = true;
    } finally {
      for (const [lease] of entries) lease.topping = false;
    }
  };

  const topUps = leaseBatch<Lease, LeaseTopUp>(
    async (entries) => {
      // 64 to a transaction, the event loop turning between them: on SQLite a transaction's
      // statements run as one chain of promises that lets no request in.
      const all = [...entries];
      for (let from = 0; from < all.length; from += TOP_UPS_AT_ONCE) {
        if (from > 0) await new Promise((resolve) => setImmediate(resolve));
        await topUpChunk(all.slice(from, from + TOP_UPS_AT_ONCE));
      }
    },
    (_waiting, added) => added,
  );

  return {
    async raise(lease, to, now) {
      const target = Math.min(lease.amount, to);
      lease.marking = true;
      await marks.add(lease, target, now);
      return !lease.dead && lease.mark >= target;
    },
    topUp(lease, extra, expiresAt) {
      lease.topping = true;
      const topUp = { leaseId: lease.id, keyId: lease.keyId, extra, period: lease.period, expiresAt };
      void topUps.add(lease, topUp, false);
    },
    async retiring(lease) {
      lease.full = true;
      if (lease.topping) await topUps.settle();
    },
    async settle() {
      await Promise.all([marks.settle(), topUps.settle()]);
    },
  };
}
