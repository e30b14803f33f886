/**
 * This node's cache of keys, by HMAC (never by the key itself). A hit answers verify with no
 * storage access. Changes evict at once; the TTL is a safety net, not the mechanism. A lookup
 * that raced an eviction is not cached, so a revocation can never be undone by a slow read.
 */
import type { KeyRecord } from '../core/key-record.js';

interface Entry {
  readonly record: KeyRecord;
  readonly storedAt: number;
}

export interface KeyCache {
  get(hash: string, now: number): KeyRecord | undefined;
  /** The eviction generation; pass what `generation()` said before the lookup began. */
  set(hash: string, record: KeyRecord, now: number, generationAtLookup: number): void;
  generation(): number;
  evictKey(keyId: string): void;
  evictTenant(tenantId: string): void;
  clear(): void;
  readonly size: number;
}

export function createKeyCache(options: { ttlMs: number; maxEntries: number }): KeyCache {
  const byHash = new Map<string, Entry>();
  const hashById = new Map<string, string>();
  let evictions = 0;

  const remove = (hash: string): void => {
    const entry = byHash.get(hash);
    if (entry === undefined) return;
    byHash.delete(hash);
    hashById.delete(entry.record.id);
  };

  return {
    get(hash, now) {
      const entry = byHash.get(hash);
      if (entry === undefined) return undefined;
      if (now - entry.storedAt >= options.ttlMs) {
        remove(hash);
        return undefined;
      }
      return entry.record;
    },
    set(hash, record, now, generationAtLookup) {
      if (generationAtLookup !== evictions || options.maxEntries === 0 || options.ttlMs === 0) return;
      const previous = hashById.get(record.id);
      if (previous !== undefined) remove(previous);
      // Maps iterate in insertion order: the first entry is the oldest.
      if (byHash.size >= options.maxEntries) {
        const oldest = byHash.keys().next();
        if (oldest.done !== true) remove(oldest.value);
      }
      byHash.set(hash, { record, storedAt: now });
      hashById.set(record.id, hash);
    },
    generation: () => evictions,
    evictKey(keyId) {
      evictions++;
      const hash = hashById.get(keyId);
      if (hash !== undefined) remove(hash);
    },
    evictTenant(tenantId) {
      evictions++;
      for (const [hash, entry] of byHash) if (entry.record.tenantId === tenantId) remove(hash);
    },
    clear() {
      evictions++;
      byHash.clear();
      hashById.clear();
    },
    get size() {
      return byHash.size;
    },
  };
}
