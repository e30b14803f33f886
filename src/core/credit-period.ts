/**
 * Credit refill periods (issue 17): a day or a month as the tenant's clock reads it, named
 * `YYYY-MM-DD` or `YYYY-MM`. A balance belongs to one period; the first spend in a new period
 * refills it, which makes the refill happen exactly once however many nodes spend.
 */
import { fail, ok, type Result } from './error-codes.js';

export type RefillInterval = 'day' | 'month';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    // en-CA writes dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The period `at` falls in, in the time zone. */
export function creditPeriod(interval: RefillInterval, timeZone: string, at: number): string {
  const date = formatterFor(timeZone).format(at);
  return interval === 'day' ? date : date.slice(0, 7);
}

/** An IANA time zone name as Intl knows it: 400 VALIDATION otherwise. */
export function checkTimeZone(timeZone: string, field: string): Result<string> {
  try {
    formatterFor(timeZone);
    return ok(timeZone);
  } catch {
    return fail('VALIDATION', `not an IANA time zone: ${timeZone}`, { field });
  }
}
