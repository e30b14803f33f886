/**
 * This node's cache of keys, by HMAC (never by the key itself; its 32 bytes as a string of 32
 * characters, `keyDigest`, which costs a key half what the hex does). A hit answers verify with no
 * storage access. Changes evict at once; the TTL is a safety net, not the mechanism. A lookup
 * that raced an eviction is not cached, so a revocation can never be undone by a slow read.
 *
 * A key still in use late in its TTL is due for a refresh (`refreshDue`, once per entry): the
 * caller reads it again off the request's path, so a busy key never expires into a miss that a
 * verify has to wait for, and no entry is trusted longer than the TTL.
 */
import type { KeyRecord } from '../core/key-record.js';

interface Entry {
  readonly record: KeyRecord;
  readonly storedAt: number;
  /** A rotated-out secret is cached only until its grace period ends. */
  readonly validUntil: number | null;
  /** Set once a refresh was handed out, so a busy key is read again once, not by every verify. */
  refreshing: boolean;
}

/**
 * The share of the TTL after which a used entry is due for a refresh: from 0.75, plus up to 0.2
 * more by its hash. Keys read together (a node's first minute, a cache cleared) would otherwise be
 * due together, and their refreshes would all land on storage within the second their reads did,
 * every TTL: 10 000 keys cost the verifies of the next few seconds half their throughput (bench,
 * issue 27). Spread by the hash, they come due over a fifth of the TTL, and stay spread.
 */
const REFRESH_AT = 0.75;
const REFRESH_SPREAD = 0.2;

export interface KeyCache {
  get(hash: string, now: number): KeyRecord | undefined;
  /** True once for an entry late in its TTL (from 0.75 to 0.95 of it, by its hash): the caller should read it again. */
  refreshDue(hash: string, now: number): boolean;
  /**
   * The eviction generation: pass what `generation()` said before the lookup began. `validUntil`:
   * the entry is for a rotated-out secret, good until then.
   */
  set(hash: string, record: KeyRecord, now: number, generationAtLookup: number, validUntil?: number | null): void;
  generation(): number;
  evictKey(keyId: string): void;
  evictTenant(tenantId: string): void;
  clear(): void;
  readonly size: number;
}

export function createKeyCache(options: { ttlMs: number; maxEntries: number }): KeyCache {
  const byHash = new Map<string, Entry>();
  // A key has one hash cached, or two during a rotation's grace period: the one is kept as a
  // string, not a Set of one, which cost a Set's hundred-odd bytes for every cached key.
  const hashesById = new Map<string, string | string[]>();
  const hashesOf = (keyId: string): readonly string[] => {
    const hashes = hashesById.get(keyId);
    return hashes === undefined ? [] : typeof hashes === 'string' ? [hashes] : hashes;
  };
  let evictions = 0;
  const refreshAfterMs = options.ttlMs * REFRESH_AT;
  // A hash is an HMAC's bytes as characters: its first is uniform over 0-255.
  const spreadMs = (options.ttlMs * REFRESH_SPREAD) / 256;

  const remove = (hash: string): void => {
    const entry = byHash.get(hash);
    if (entry === undefined) return;
    byHash.delete(hash);
    const rest = hashesOf(entry.record.id).filter((other) => other !== hash);
    if (rest.length === 0) hashesById.delete(entry.record.id);
    else hashesById.set(entry.record.id, rest.length === 1 ? (rest[0] as string) : rest);
  };

  return {
    get(hash, now) {
      const entry = byHash.get(hash);
      if (entry === undefined) return undefined;
      if (now - entry.storedAt >= options.ttlMs || (entry.validUntil !== null && now >= entry.validUntil)) {
        remove(hash);
        return undefined;
      }
      return entry.record;
    },
    refreshDue(hash, now) {
      const entry = byHash.get(hash);
      // A rotated-out secret's entry ends with its grace period: nothing to refresh it for.
      if (entry === undefined || entry.refreshing || entry.validUntil !== null) return false;
      if (now - entry.storedAt < refreshAfterMs + (hash.charCodeAt(0) & 0xff) * spreadMs) return false;
      entry.refreshing = true;
      return true;
    },
    set(hash, record, now, generationAtLookup, validUntil = null) {
      if (generationAtLookup !== evictions || options.maxEntries === 0 || options.ttlMs === 0) return;
      remove(hash);
      // Maps iterate in insertion order: the first entry is the oldest.
      if (byHash.size >= options.maxEntries) {
        const oldest = byHash.keys().next();
        if (oldest.done !== true) remove(oldest.value);
      }
      byHash.set(hash, { record, storedAt: now, validUntil, refreshing: false });
      const hashes = hashesOf(record.id);
      hashesById.set(record.id, hashes.length === 0 ? hash : [...hashes.filter((other) => other !== hash), hash]);
    },
    generation: () => evictions,
    evictKey(keyId) {
      evictions++;
      for (const hash of [...hashesOf(keyId)]) remove(hash);
    },
    evictTenant(tenantId) {
      evictions++;
      for (const [hash, entry] of byHash) if (entry.record.tenantId === tenantId) remove(hash);
    },
    clear() {
      evictions++;
      byHash.clear();
      hashesById.clear();
    },
    get size() {
      return byHash.size;
    },
  };
}
