/**
 * The rows a usage flush writes, built from the recorder's swapped-out buffer (usage-recorder.ts):
 * per key and UTC day, per key and hour (the store rolls them up per tenant), per tag and hour,
 * and each key's last use.
 */
import { DAY_MS, HOUR_MS } from '../core/clock.js';
import type { KeyOwner, LastUseRow, UsageDayRow, UsageHourRow, UsageTagRow } from './verify-store.js';
import { tagRowsOf, type Cell } from './usage-cells.js';

const HOURS_A_DAY = 24;

/**
 * One key's pending usage: its owner, last use and counters by UTC hour number, then code. Hours,
 * not days (issue 26): the tenant's hourly rollups need them, and a flush sums them per day for
 * the per-key day rows, so a verify still does one comparison and one increment.
 */
export interface KeyEntry extends KeyOwner {
  lastAt: number;
  lastIp: string | null;
  /** The hour last recorded and its counters: most verifies of a key fall in the same hour. */
  hour: number;
  codes: Map<string, Cell>;
  readonly hours: Map<number, Map<string, Cell>>;
  /** Verify tags by UTC hour number, then tag (issue 29); made only when a verify of the key brings tags. */
  tags?: Map<number, Map<string, Cell>>;
}

export type Pending = Map<string, KeyEntry>;

/** Day numbers as `YYYY-MM-DD`, remembered: a flush names the same one or two days thousands of times. */
const dayTexts = new Map<number, string>();
export function dayOf(dayNumber: number): string {
  let text = dayTexts.get(dayNumber);
  if (text === undefined) {
    if (dayTexts.size >= 64) dayTexts.clear();
    text = new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
    dayTexts.set(dayNumber, text);
  }
  return text;
}

/** The day (`YYYY-MM-DD`) of a UTC hour number. */
export const dayOfHour = (hour: number): string => dayOf(Math.floor(hour / HOURS_A_DAY));

const byNumber = (a: number, b: number): number => a - b;

/** A key's hourly counters summed per UTC day number, then code. */
function daysOf(entry: KeyEntry): Map<number, Map<string, number>> {
  const days = new Map<number, Map<string, number>>();
  for (const [hour, codes] of entry.hours) {
    const dayNumber = Math.floor(hour / HOURS_A_DAY);
    let sums = days.get(dayNumber);
    if (sums === undefined) {
      sums = new Map();
      days.set(dayNumber, sums);
    }
    for (const [code, cell] of codes) sums.set(code, (sums.get(code) ?? 0) + cell.count);
  }
  return days;
}

/** The day rows of `keyIds` (in that order, then by day and code) from a swapped-out buffer. */
export function dayRows(batch: Pending, keyIds: readonly string[]): UsageDayRow[] {
  const rows: UsageDayRow[] = [];
  for (const keyId of keyIds) {
    const entry = batch.get(keyId) as KeyEntry;
    // Most keys were verified in one hour since the last flush: its counters are the day's, unsummed.
    if (entry.hours.size === 1) {
      const day = dayOfHour(entry.hour);
      const { codes } = entry;
      for (const code of codes.size === 1 ? codes.keys() : [...codes.keys()].sort())
        rows.push({ key_id: keyId, day, code, count: (codes.get(code) as Cell).count });
      continue;
    }
    const days = daysOf(entry);
    for (const dayNumber of days.size === 1 ? days.keys() : [...days.keys()].sort(byNumber)) {
      const codes = days.get(dayNumber) as Map<string, number>;
      const day = dayOf(dayNumber);
      for (const code of codes.size === 1 ? codes.keys() : [...codes.keys()].sort())
        rows.push({ key_id: keyId, day, code, count: codes.get(code) as number });
    }
  }
  return rows;
}

/** The hour rows of `keyIds` (in that order, then by hour and code): the store rolls them up per tenant. */
export function hourRows(batch: Pending, keyIds: readonly string[]): UsageHourRow[] {
  const rows: UsageHourRow[] = [];
  for (const keyId of keyIds) {
    const { hours } = batch.get(keyId) as KeyEntry;
    for (const hour of hours.size === 1 ? hours.keys() : [...hours.keys()].sort(byNumber)) {
      const codes = hours.get(hour) as Map<string, Cell>;
      for (const code of codes.size === 1 ? codes.keys() : [...codes.keys()].sort())
        rows.push({ key_id: keyId, hour: hour * HOUR_MS, code, count: (codes.get(code) as Cell).count });
    }
  }
  return rows;
}

/** The tag rows of `keyIds` (in that order, then by hour and tag). */
export function tagRows(batch: Pending, keyIds: readonly string[]): UsageTagRow[] {
  return keyIds.flatMap((keyId) => tagRowsOf(keyId, (batch.get(keyId) as KeyEntry).tags));
}

export function lastUseRows(batch: Pending, keyIds: readonly string[]): LastUseRow[] {
  return keyIds.map((keyId) => {
    const entry = batch.get(keyId) as KeyEntry;
    return { key_id: keyId, last_used_at: entry.lastAt, last_used_ip: entry.lastIp };
  });
}

export function newEntry(owner: KeyOwner, hour: number, codes: Map<string, Cell>): KeyEntry {
  return {
    tenantId: owner.tenantId,
    environmentId: owner.environmentId,
    lastAt: -Infinity,
    lastIp: null,
    hour,
    codes,
    hours: new Map([[hour, codes]]),
  };
}
