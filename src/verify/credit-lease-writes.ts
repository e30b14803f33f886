/**
 * The writes a lease holder (credit-leases.ts) asks for ahead of need, batched with other keys'
 * (lease-batch.ts): a renewal of a block still being spent raises its mark and, when a top-up is
 * due, adds to it and moves its expiry; the renewals of many blocks go in one transaction. Each
 * answer is applied to the holder's lease here.
 */
import type { LeaseRenewal, LeaseStore } from '../storage/credit-leases.js';
import type { Lease } from './credit-lease-state.js';
import { leaseBatch } from './lease-batch.js';

/** Renewals written in one transaction. */
const RENEWALS_AT_ONCE = 64;

/** What a holder asks of one renewal; the writer caps the mark at what the block will hold. */
export interface RenewalAsk {
  /** Credits more for the block: 0 asks no top-up. */
  readonly extra: number;
  /** The new expiry, with a top-up; null leaves it. */
  readonly expiresAt: number | null;
  /** How far the holder may spend once written. */
  readonly mark: number;
}

export interface LeaseWrites {
  /** Asks for a renewal; settles once it is written and its answer applied to the lease. */
  renew(lease: Lease, ask: RenewalAsk, now: boolean): Promise<void>;
  /**
   * No more top-ups for a lease on its way back, and a renewal under way lands first: a top-up
   * and a give-back of the same lease take their rows in opposite orders (key then lease, lease
   * then key), which two PostgreSQL sessions may deadlock on.
   */
  retiring(lease: Lease): Promise<void>;
  /** Sends what waits and settles what is under way (shutdown: before the leases go back). */
  settle(): Promise<void>;
}

/** Two asks for the same block before their batch went: both top-ups, the higher mark and expiry. */
const merged = (waiting: RenewalAsk, added: RenewalAsk): RenewalAsk => ({
  extra: waiting.extra + added.extra,
  expiresAt:
    waiting.expiresAt === null || added.expiresAt === null
      ? (waiting.expiresAt ?? added.expiresAt)
      : Math.max(waiting.expiresAt, added.expiresAt),
  mark: Math.max(waiting.mark, added.mark),
});

export function leaseWrites(
  leases: Pick<LeaseStore, 'renewAll'>,
  /** The key's balance outside leases, as a top-up left it. */
  balanceSeen: (keyId: string, balance: number) => void,
  onError: (error: unknown) => void,
): LeaseWrites {
  /**
   * The mark a renewal writes never passes what the block holds: the holder's amount is never
   * more than the stored one (a top-up shows in it only once written), so the cap is safe.
   */
  const renewal = (lease: Lease, ask: RenewalAsk): LeaseRenewal => ({
    leaseId: lease.id,
    keyId: lease.keyId,
    extra: ask.extra,
    period: lease.period,
    expiresAt: ask.expiresAt,
    mark: Math.min(lease.amount, ask.mark),
    markIfTopped: Math.min(lease.amount + ask.extra, ask.mark),
  });

  /** One chunk of a batch: one transaction. */
  const renewChunk = async (entries: ReadonlyArray<readonly [Lease, LeaseRenewal]>): Promise<void> => {
    try {
      const renewed = await leases.renewAll(entries.map(([, written]) => written));
      for (const [lease, written] of entries) {
        const answer = renewed.get(lease.id);
        if (answer === undefined) {
          // Swept or voided: spent no more; the next spend takes anew.
          lease.dead = true;
          continue;
        }
        const topped = answer.balance !== undefined;
        if (answer.balance !== undefined) {
          balanceSeen(lease.keyId, answer.balance);
          lease.amount += written.extra;
          lease.block = lease.amount - lease.spent;
          lease.balance = answer.balance;
        } else if (written.extra > 0) {
          // Not covered, or the key refilled: the block runs out or expires, and the next spend takes anew.
          lease.full = true;
        }
        if (written.expiresAt !== null && (topped || written.extra === 0))
          lease.expiresAt = Math.max(lease.expiresAt, written.expiresAt);
        lease.mark = Math.max(lease.mark, topped ? written.markIfTopped : written.mark);
      }
    } catch (error) {
      onError(error);
      for (const [lease, written] of entries) if (written.extra > 0) lease.full = true;
    }
  };

  const renewals = leaseBatch<Lease, RenewalAsk>(async (entries) => {
    // 64 to a transaction, the event loop turning between them: on SQLite a transaction's
    // statements run as one chain of promises that lets no request in.
    const all = [...entries].map(([lease, ask]) => [lease, renewal(lease, ask)] as const);
    for (let from = 0; from < all.length; from += RENEWALS_AT_ONCE) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      await renewChunk(all.slice(from, from + RENEWALS_AT_ONCE));
    }
  }, merged);

  return {
    renew(lease, ask, now) {
      lease.renewing++;
      return renewals.add(lease, ask, now).finally(() => {
        lease.renewing--;
      });
    },
    async retiring(lease) {
      lease.full = true;
      // Every renewal of the block lands first: a top-up takes the key's row, then the lease's,
      // where a give-back or take deletes the lease's row, then takes the key's. On PostgreSQL
      // the two deadlocked when a raise sent at once, in a batch of its own, landed before a
      // top-up of the same block still under way, and cleared a flag the give-back looked at.
      while (lease.renewing > 0) await renewals.settle();
    },
    settle: () => renewals.settle(),
  };
}
