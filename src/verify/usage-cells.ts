/**
 * The usage recorder's counters (usage-recorder.ts): a mutable cell per counter, grouped by a time
 * number (a UTC day, or hour for tags), and the rows a flush writes of a key's tag counters.
 */
import { HOUR_MS } from '../core/clock.js';
import type { UsageTagRow } from './verify-store.js';

/** One counter; a mutable cell so a repeat verify is one Map lookup and an increment. */
export interface Cell {
  count: number;
}

const byNumber = (a: number, b: number): number => a - b;

/** A key's tag counters as rows, by hour then tag. */
export function tagRowsOf(keyId: string, hours: Map<number, Map<string, Cell>> | undefined): UsageTagRow[] {
  const rows: UsageTagRow[] = [];
  if (hours === undefined) return rows;
  for (const hour of [...hours.keys()].sort(byNumber)) {
    const tags = hours.get(hour) as Map<string, Cell>;
    for (const tag of [...tags.keys()].sort())
      rows.push({ key_id: keyId, hour: hour * HOUR_MS, tag, count: (tags.get(tag) as Cell).count });
  }
  return rows;
}

export /** Adds `from`'s counters into `into`, counting the new ones; answers how many were new. */
function mergeCells(into: Map<number, Map<string, Cell>>, from: Map<number, Map<string, Cell>>): number {
  let added = 0;
  for (const [at, cells] of from) {
    let target = into.get(at);
    if (target === undefined) {
      target = new Map();
      into.set(at, target);
    }
    for (const [name, cell] of cells) {
      const existing = target.get(name);
      if (existing === undefined) {
        target.set(name, { count: cell.count });
        added++;
      } else {
        existing.count += cell.count;
      }
    }
  }
  return added;
}
