/** A key's usage credits as stored (issue 17): set on create or PATCH, added to by `creditsAdd`. */
import { sql } from 'kysely';
import type { KeyObject } from '../../api/keys.js';
import { creditPeriod, type RefillInterval } from '../../core/credit-period.js';
import { balanceNow, periodColumnsNow } from '../../storage/credit-refill.js';
import type { Db } from '../../storage/database.js';
import type { LeasedCredits } from '../../storage/credit-lease-table.js';
import { findTenant } from '../tenants/tenants.repository.js';
import type { KeyRow } from './keys.repository.js';

type CreditColumns = Pick<
  KeyRow,
  'credits_remaining' | 'credits_refill_amount' | 'credits_refill_interval' | 'credits_period' | 'credits_period_end'
>;

export const NO_CREDITS: CreditColumns = {
  credits_remaining: null,
  credits_refill_amount: null,
  credits_refill_interval: null,
  credits_period: null,
  credits_period_end: null,
};

/** The time zone a key's credits refill in: its tenant's (null: UTC). */
export async function creditTimeZone(db: Db, tenantId: string | null): Promise<string | null> {
  return tenantId === null ? null : ((await findTenant(db, tenantId))?.time_zone ?? null);
}

/**
 * The columns for credits as given (null: none); the balance belongs to the current period, or to
 * the one already stored where that is later (`stored`, on PATCH): setting a balance on a node
 * whose clock is behind does not move the period back, which would refill it again.
 */
export function creditColumns(
  credits: KeyObject['credits'],
  timeZone: string | null,
  now: number,
  stored?: KeyRow,
): CreditColumns {
  if (credits === null) return NO_CREDITS;
  const refill = credits.refill ?? null;
  const current = refill === null ? null : creditPeriod(refill.interval, timeZone ?? 'UTC', now);
  const keepStored =
    current !== null &&
    stored?.credits_refill_interval === refill?.interval &&
    Number(stored?.credits_period_end ?? 0) > current.end;
  return {
    credits_remaining: credits.remaining,
    credits_refill_amount: refill?.amount ?? null,
    credits_refill_interval: refill?.interval ?? null,
    credits_period: keepStored ? (stored?.credits_period ?? null) : (current?.label ?? null),
    credits_period_end: keepStored ? (stored?.credits_period_end ?? null) : (current?.end ?? null),
  };
}

export function creditColumnsOf(row: KeyRow): CreditColumns {
  const { credits_remaining, credits_refill_amount, credits_refill_interval, credits_period, credits_period_end } = row;
  return { credits_remaining, credits_refill_amount, credits_refill_interval, credits_period, credits_period_end };
}

/**
 * Adds credits in storage, not to a value read earlier, so a verify spending meanwhile is not
 * lost; and in the current period: one statement first applies a refill that is due, as a spend
 * would, then adds, so credits bought after a period boundary survive the next spend.
 * Answers the balance after it (null: the key has no credits).
 */
export async function addCredits(
  db: Db,
  key: Pick<KeyRow, 'id' | 'credits_refill_interval'>,
  amount: number,
  timeZone: string | null,
  now: number,
): Promise<number | null> {
  const interval: RefillInterval = key.credits_refill_interval === 'month' ? 'month' : 'day';
  // Without a refill the period is never due (the rule asks for a refill amount); any period does.
  const period = creditPeriod(interval, timeZone ?? 'UTC', now);
  const row = await db
    .updateTable('api_keys')
    .set({ credits_remaining: sql<number>`${balanceNow(period)} + ${amount}`, ...periodColumnsNow(period) })
    .where('id', '=', key.id)
    .where('credits_remaining', 'is not', null)
    .returning('credits_remaining')
    .executeTakeFirst();
  return row === undefined ? null : Number(row.credits_remaining);
}

/**
 * The row as shown: the stored balance plus what this node holds leased and unspent (issue 27),
 * so `remaining` is exact on one node; other nodes' unspent leases are the documented bound.
 */
export function withLeased<Row extends Pick<KeyRow, 'id' | 'credits_remaining'>>(
  row: Row,
  leased?: LeasedCredits,
): Row {
  if (leased === undefined || row.credits_remaining === null) return row;
  const unspent = leased.unspent(row.id);
  return unspent === 0 ? row : { ...row, credits_remaining: Number(row.credits_remaining) + unspent };
}
