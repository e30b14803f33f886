/**
 * The refill rule in SQL, shared by the verify spend and PATCH `creditsAdd`, so that both bring a
 * balance into the current period the same way inside their one UPDATE, and the row decides: a
 * refill happens once however many nodes spend, whatever their clocks.
 *
 * A balance is due a refill when the period it belongs to has ended for the caller by order, both
 * by instant (its stored end is at or before the start of the caller's period) and by calendar
 * (its stored label is before the caller's). A node whose clock is behind sees a period that has
 * not ended and leaves the row alone; a refill only ever moves the period forward. The instant
 * keeps a tenant's time-zone change from ending the period in progress early (the label alone
 * would: Kiritimati's tomorrow starts ten hours before UTC's); the label keeps agreeing with
 * nodes of versions before the instant existed, which know only the label, and dates a balance
 * they last refilled.
 */
import { sql, type RawBuilder } from 'kysely';
import type { ApiKeysTable } from './database.js';

/** The caller's period, as values or as stand-ins that a compiled statement replaces. */
export interface PeriodParams {
  readonly start: unknown;
  readonly end: unknown;
  readonly label: unknown;
}

export function refillDue(period: PeriodParams): RawBuilder<boolean> {
  const ended = sql<boolean>`(credits_period_end is null or credits_period_end <= ${period.start})`;
  const later = sql<boolean>`(credits_period is null or credits_period < ${period.label})`;
  return sql<boolean>`(credits_refill_amount is not null and ${ended} and ${later})`;
}

/** The balance the caller's period starts from: the stored one, or the refill amount when due. */
export function balanceNow(period: PeriodParams): RawBuilder<number> {
  return sql<number>`(case when ${refillDue(period)} then credits_refill_amount else credits_remaining end)`;
}

interface PeriodColumns {
  credits_period_end: RawBuilder<number | null>;
  credits_period: RawBuilder<string | null>;
}

/** The period columns after the statement: the caller's period when a refill was due, else as they were. */
export function periodColumnsNow(period: PeriodParams): PeriodColumns {
  const due = refillDue(period);
  return {
    credits_period_end: sql<number | null>`(case when ${due} then ${period.end} else credits_period_end end)`,
    credits_period: sql<string | null>`(case when ${due} then ${period.label} else credits_period end)`,
  };
}

/** The same rule over the row as read: the balance now, for an answer that wrote nothing. */
type BalanceColumns = Pick<
  ApiKeysTable,
  'credits_remaining' | 'credits_refill_amount' | 'credits_period_end' | 'credits_period'
>;

export function balanceAt(row: BalanceColumns, start: number, label: string): number {
  const due =
    row.credits_refill_amount !== null &&
    (row.credits_period_end === null || Number(row.credits_period_end) <= start) &&
    (row.credits_period === null || row.credits_period < label);
  return Number(due ? row.credits_refill_amount : (row.credits_remaining ?? 0));
}
