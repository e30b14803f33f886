/**
 * A map that holds at most `limit` entries and drops the least recently used one past it: a cache
 * that no stream of distinct inputs can grow.
 */
export interface BoundedMap<K, V> {
  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  readonly size: number;
  readonly limit: number;
}

export function boundedMap<K, V>(limit: number): BoundedMap<K, V> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`a bounded map holds at least one entry, not ${limit}`);
  // A Map iterates in insertion order, so re-inserting on use keeps the least recently used first.
  const entries = new Map<K, V>();
  return {
    get(key) {
      const value = entries.get(key);
      if (value !== undefined) {
        entries.delete(key);
        entries.set(key, value);
      }
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
    limit,
  };
}
