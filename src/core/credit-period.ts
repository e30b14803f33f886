/**
 * Credit refill periods: a day or a month as the tenant's calendar reads it. A period is its
 * label (`YYYY-MM-DD` or `YYYY-MM`) and the instants it starts and ends at, so that storage can
 * decide a refill by order, never by equality: a balance is refilled only once the period it
 * belongs to has ended, by the instant and by the label (`src/storage/credit-refill.ts`). A node
 * whose clock is behind, or a tenant's change of time zone, then never refills twice.
 */
import { HOUR_MS } from './clock.js';
import { boundedMap } from './bounded-map.js';
import { dateFormatter } from './time-zones.js';

export type RefillInterval = 'day' | 'month';

export interface CreditPeriod {
  /** `YYYY-MM-DD` (day) or `YYYY-MM` (month), in the time zone. */
  readonly label: string;
  /** Epoch milliseconds of its first instant. */
  readonly start: number;
  /** Epoch milliseconds of the first instant of the next period. */
  readonly end: number;
}

// Zone offsets run from -12 h to +14 h, and DST moves them by at most 2 h more: a period's real
// start lies within this margin of UTC midnight of its first day, so a search there finds it.
const MARGIN_MS = 24 * HOUR_MS;

/** Periods kept, per interval and zone: room for both intervals of every listed zone, a few hundred bytes each. */
export const PERIOD_LIMIT = 1024;

// The period a verify falls in is the one before it, mostly: kept, a spend formats nothing and
// builds no formatter; bounded, so stored names of any spelling cannot grow it.
const periods = boundedMap<string, CreditPeriod>(PERIOD_LIMIT);

interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function dateAt(formatter: Intl.DateTimeFormat, at: number): CalendarDate {
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter.formatToParts(at)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day };
}

/** A number that orders the periods of an interval as the calendar does. */
function ordinal(interval: RefillInterval, date: CalendarDate): number {
  return interval === 'day' ? date.year * 10_000 + date.month * 100 + date.day : date.year * 100 + date.month;
}

/** The first instant in (lo, hi] at which `reached` holds, given it fails at lo and holds at hi. */
function firstInstant(lo: number, hi: number, reached: (at: number) => boolean): number {
  let before = lo;
  let after = hi;
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (reached(middle)) after = middle;
    else before = middle;
  }
  return after;
}

function labelOf(interval: RefillInterval, date: CalendarDate): string {
  const month = String(date.month).padStart(2, '0');
  return interval === 'day' ? `${date.year}-${month}-${String(date.day).padStart(2, '0')}` : `${date.year}-${month}`;
}

function periodOf(interval: RefillInterval, timeZone: string, at: number): CreditPeriod {
  const formatter = dateFormatter(timeZone);
  const date = dateAt(formatter, at);
  const here = ordinal(interval, date);
  const ordinalAt = (instant: number): number => ordinal(interval, dateAt(formatter, instant));
  // UTC midnight of the period's first day and of the next period's first day.
  const { year, month, day } = date;
  const nominalStart = interval === 'day' ? Date.UTC(year, month - 1, day) : Date.UTC(year, month - 1, 1);
  const nominalEnd = interval === 'day' ? Date.UTC(year, month - 1, day + 1) : Date.UTC(year, month, 1);
  const start = firstInstant(Math.min(nominalStart - MARGIN_MS, at - 1), at, (instant) => ordinalAt(instant) >= here);
  const end = firstInstant(at, Math.max(nominalEnd + MARGIN_MS, at + 1), (instant) => ordinalAt(instant) > here);
  return { label: labelOf(interval, date), start, end };
}

/** The period `at` falls in, in the time zone. */
export function creditPeriod(interval: RefillInterval, timeZone: string, at: number): CreditPeriod {
  const key = `${interval} ${timeZone}`;
  const known = periods.get(key);
  if (known !== undefined && known.start <= at && at < known.end) return known;
  const period = periodOf(interval, timeZone, at);
  periods.set(key, period);
  return period;
}
