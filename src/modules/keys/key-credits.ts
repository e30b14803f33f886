/** A key's usage credits as stored (issue 17): set on create or PATCH, added to by `creditsAdd`. */
import { sql } from 'kysely';
import type { KeyObject } from '../../api/keys.js';
import { creditPeriod } from '../../core/credit-period.js';
import type { Db } from '../../storage/database.js';
import type { KeyRow } from './keys.repository.js';

type CreditColumns = Pick<KeyRow, 'credits_remaining' | 'credits_refill_amount' | 'credits_refill_interval' | 'credits_period'>;

export const NO_CREDITS: CreditColumns = { credits_remaining: null, credits_refill_amount: null, credits_refill_interval: null, credits_period: null };

/** The columns for credits as given (null: none); the balance belongs to the current period. */
export function creditColumns(credits: KeyObject['credits'], timeZone: string | null, now: number): CreditColumns {
  if (credits === null) return NO_CREDITS;
  const refill = credits.refill ?? null;
  return {
    credits_remaining: credits.remaining,
    credits_refill_amount: refill?.amount ?? null,
    credits_refill_interval: refill?.interval ?? null,
    credits_period: refill === null ? null : creditPeriod(refill.interval, timeZone ?? 'UTC', now),
  };
}

export function creditColumnsOf(row: KeyRow): CreditColumns {
  const { credits_remaining, credits_refill_amount, credits_refill_interval, credits_period } = row;
  return { credits_remaining, credits_refill_amount, credits_refill_interval, credits_period };
}

/** Adds credits in storage, not from a value read earlier: a verify spending meanwhile is not lost. */
export async function addCredits(db: Db, keyId: string, amount: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`credits_remaining + ${amount}` })
    .where('id', '=', keyId)
    .execute();
}
