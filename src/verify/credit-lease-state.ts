/**
 * What a node knows of each key it spends credits of (credit-leases.ts): its lease, if any, and
 * the count of its exact spends that decides when a block is worth taking and how large.
 */

/**
 * Exact spends of a key on a node, within one lease lifetime, before it may take a block: enough
 * to tell the rate it is spent at. A key spent fewer times in a lifetime is spent exactly, and its
 * `remaining` is then exact across nodes too. A key spent more often pays this once per busy spell.
 */
export const LEASE_AFTER = 4;
/**
 * The spends a lifetime, at the rate of those first ones, for which a block is worth taking. A
 * block costs two transactions (its take, and its give-back at expiry), each writing the key's row
 * and the lease's (with its two indexes), where exact spends of many keys share one UPDATE per
 * turn of the event loop (src/storage/credit-spend-batch.ts), about one row written each. Over
 * 10 000 keys at random, each verified a few times in a lifetime, taking a block after any 4
 * spends made nearly every key take one it barely used, which cost more than it saved.
 */
export const LEASE_WORTH = 16;
/** The first block is sized by the rate those spends came at: enough for a lifetime, within these. */
export const MIN_LEASE = 8;
export const MAX_LEASE = 4096;
/**
 * Keys counted at once: past it a key new to the node is spent exactly, uncounted, until the
 * sweep drops counts older than a lifetime. The counts stay a bounded map whatever the traffic.
 */
export const MAX_COUNTED = 100_000;
/** A block never exceeds this share of the balance it is taken from, so the last credits are shared. */
export const BALANCE_SHARE = 4;
/** The least the mark moves by: a small block is marked spent whole when taken, and never written again. */
const MARK_STEP = 32;

export interface Lease {
  readonly id: string;
  readonly keyId: string;
  /** Credits in the block: taken, and added by top-ups since. */
  amount: number;
  spent: number;
  /** The most of `amount` the lease row says may be spent: the holder never spends past it. */
  mark: number;
  /**
   * Renewals (a raise of the mark, a top-up) asked for and not yet written: while any is, the
   * holder asks for no other ahead of need, and a give-back or take of the block waits for them.
   * A count, not a flag: a raise the holder needs at once goes in a batch of its own beside one
   * already under way, and whichever landed first cleared a flag while the other still wrote.
   */
  renewing: number;
  /** The mark could not be raised: the lease was voided or swept, and is spent no more. */
  dead: boolean;
  /** The key's balance outside every lease when this one was last taken or topped up: with `amount - spent`, `remaining`. */
  balance: number;
  readonly period: string | null;
  /** When the key refills (epoch ms), if it does: the block is spent no later. */
  readonly periodEnd: number | null;
  readonly takenAt: number;
  expiresAt: number;
  /** When it was taken or last topped up, and `spent` then: the rate it is spent at since. */
  since: number;
  spentSince: number;
  /** How long after `since` a top-up is due (credit-leases.ts, topUpAfter). */
  topUpAfter: number;
  /** The credits it held then: its mark moves by a quarter of that. */
  block: number;
  /** No top-up is asked again: the last was refused (the balance or the period moved), or the block is going back. */
  full: boolean;
}

export interface KeyLeases {
  lease: Lease | null;
  size: number;
  /** The key's balance last seen outside leases: blocks stay a share of it. */
  known: number | null;
  /** A take or give-back in progress: one at a time per key, others wait for it. */
  busy: Promise<void> | null;
  /** Moved on by a change of the key: a take that began before it is given back, not spent. */
  epoch: number;
  /** When this node's count of the key's exact spends began: only those within a lifetime of it count. */
  since: number;
  /** Exact spends of the key since `since`, and the credits they spent: its rate, before it has a block. */
  exact: number;
  used: number;
}

export const markStep = (amount: number): number => Math.max(MARK_STEP, Math.ceil(amount / 4));

/** A key's state before its first spend on this node. */
export const fresh = (now: number): KeyLeases => ({
  lease: null,
  size: MIN_LEASE,
  known: null,
  busy: null,
  epoch: 0,
  since: now,
  exact: 0,
  used: 0,
});
