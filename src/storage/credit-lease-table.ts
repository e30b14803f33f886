/** The `credit_leases` table (migration 0022): blocks of keys' credits that nodes spend in memory. */

export interface CreditLeasesTable {
  id: string;
  key_id: string;
  /** Credits taken off the key's balance for this lease. */
  amount: number;
  /** The most of `amount` the holder may have spent: it raises this before spending past it. */
  spent: number;
  /** The key's `credits_period` the block was taken from (null: a key without a refill). */
  period: string | null;
  /** After this (epoch ms) the holder spends no more of it, and an unreturned lease is swept. */
  expires_at: number;
  created_at: number;
}

/** What a node holds of keys' credits, leased and not yet spent (src/verify/credit-leases.ts). */
export interface LeasedCredits {
  unspent(keyId: string): number;
}
