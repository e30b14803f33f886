import { describe, expect, it } from 'vitest';
import { noGrants } from '../core/grants/compile-grants.js';
import type { KeyRecord } from '../core/key-record.js';
import { defaultModel } from '../core/model/load-model.js';
import { createKeyCache, type KeyCache } from './key-cache.js';

const NOW = Date.UTC(2026, 0, 1);
const TTL = 60_000;

function aKey(id: string, tenantId = 'ten_a'): KeyRecord {
  return {
    id,
    tenantId,
    environmentId: 'env_a',
    userId: null,
    kind: 'application',
    admin: false,
    enabled: true,
    revokedAt: null,
    expiresAt: null,
    grants: noGrants(defaultModel()),
    groupIds: [],
  };
}

function cacheOf(maxEntries = 100, ttlMs = TTL): KeyCache {
  return createKeyCache({ ttlMs, maxEntries });
}

/** Caches `record` under `hash` as a lookup that began with no eviction in between. */
function store(cache: KeyCache, hash: string, record: KeyRecord, now = NOW): void {
  cache.set(hash, record, now, cache.generation());
}

describe('key cache', () => {
  it('answers a cached key by its hash', () => {
    const cache = cacheOf();
    const key = aKey('key_1');
    store(cache, 'hash-1', key);
    expect(cache.get('hash-1', NOW)).toBe(key);
  });

  it('answers nothing for a hash it never cached', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1'));
    expect(cache.get('hash-2', NOW)).toBeUndefined();
  });

  it('keeps an entry until just before its TTL runs out', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1'));
    expect(cache.get('hash-1', NOW + TTL - 1)?.id).toBe('key_1');
  });

  it('says a refresh is due once, late in the TTL, and again only after a new read', () => {
    const cache = cacheOf();
    // 'h' is 104 of 256: due at 0.75 + 0.2 * 104 / 256 of the TTL.
    const due = NOW + TTL * (0.75 + (0.2 * 104) / 256);
    store(cache, 'hash-1', aKey('key_1'));
    expect(cache.refreshDue('hash-1', NOW + TTL * 0.75)).toBe(false);
    expect(cache.refreshDue('hash-1', due - 1)).toBe(false);
    expect(cache.refreshDue('hash-1', due)).toBe(true);
    expect(cache.refreshDue('hash-1', due + 1)).toBe(false);
    store(cache, 'hash-1', aKey('key_1'), NOW + TTL * 0.9);
    expect(cache.get('hash-1', NOW + TTL * 1.5)?.id).toBe('key_1');
    expect(cache.refreshDue('hash-1', due + TTL * 0.9)).toBe(true);
  });

  it('spreads the refreshes of keys read together over 0.75 to 0.95 of the TTL, by their hashes', () => {
    const cache = cacheOf(1_000);
    const hashes = Array.from({ length: 256 }, (_, n) => `${String.fromCharCode(n)}rest-of-hash`);
    hashes.forEach((hash, n) => store(cache, hash, aKey(`key_${n}`)));
    const dueBy = (share: number) => hashes.filter((hash) => cache.refreshDue(hash, NOW + TTL * share)).length;
    expect(dueBy(0.75 - 0.001)).toBe(0);
    // Each asked once more, later: those now due are the ones not handed out before.
    expect(dueBy(0.85)).toBeGreaterThan(100);
    expect(dueBy(0.85)).toBe(0);
    expect(dueBy(0.95)).toBeGreaterThan(100);
    expect(hashes.every((hash) => !cache.refreshDue(hash, NOW + TTL * 0.96))).toBe(true);
  });

  it('never asks to refresh a rotated-out secret, which ends with its grace period, nor a hash it lacks', () => {
    const cache = cacheOf();
    cache.set('old-hash', aKey('key_1'), NOW, cache.generation(), NOW + TTL);
    expect(cache.refreshDue('old-hash', NOW + TTL * 0.9)).toBe(false);
    expect(cache.refreshDue('unknown', NOW + TTL * 0.9)).toBe(false);
  });

  it('drops an entry once its TTL has run out', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1'));
    expect(cache.get('hash-1', NOW + TTL)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts one key by id, leaving the others', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1'));
    store(cache, 'hash-2', aKey('key_2'));
    cache.evictKey('key_1');
    expect(cache.get('hash-1', NOW)).toBeUndefined();
    expect(cache.get('hash-2', NOW)?.id).toBe('key_2');
  });

  it('evicts every key of a tenant, leaving other tenants', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1', 'ten_a'));
    store(cache, 'hash-2', aKey('key_2', 'ten_a'));
    store(cache, 'hash-3', aKey('key_3', 'ten_b'));
    cache.evictTenant('ten_a');
    expect(cache.get('hash-1', NOW)).toBeUndefined();
    expect(cache.get('hash-2', NOW)).toBeUndefined();
    expect(cache.get('hash-3', NOW)?.id).toBe('key_3');
  });

  it('evicts the oldest entry when full', () => {
    const cache = cacheOf(2);
    store(cache, 'hash-1', aKey('key_1'));
    store(cache, 'hash-2', aKey('key_2'));
    store(cache, 'hash-3', aKey('key_3'));
    expect(cache.size).toBe(2);
    expect(cache.get('hash-1', NOW)).toBeUndefined();
    expect(cache.get('hash-2', NOW)?.id).toBe('key_2');
    expect(cache.get('hash-3', NOW)?.id).toBe('key_3');
  });

  it('does not cache a lookup that raced an eviction', () => {
    const cache = cacheOf();
    const generationAtLookup = cache.generation();
    // The key is revoked (and evicted) while the slow lookup is still reading the old row.
    cache.evictKey('key_1');
    cache.set('hash-1', aKey('key_1'), NOW, generationAtLookup);
    expect(cache.get('hash-1', NOW)).toBeUndefined();
  });

  it('does not cache a lookup that raced an eviction of another tenant', () => {
    const cache = cacheOf();
    const generationAtLookup = cache.generation();
    cache.evictTenant('ten_other');
    cache.set('hash-1', aKey('key_1'), NOW, generationAtLookup);
    expect(cache.size).toBe(0);
  });

  it('holds both secrets of a key in its rotation grace period, and evicting the key drops both', () => {
    const cache = cacheOf();
    const key = aKey('key_1');
    cache.set('old-hash', key, NOW, cache.generation(), NOW + 1000);
    store(cache, 'new-hash', key);
    expect(cache.get('old-hash', NOW)).toBe(key);
    expect(cache.get('new-hash', NOW)).toBe(key);
    cache.evictKey('key_1');
    expect(cache.get('old-hash', NOW)).toBeUndefined();
    expect(cache.get('new-hash', NOW)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers a rotated-out secret only until its grace period ends', () => {
    const cache = cacheOf();
    cache.set('old-hash', aKey('key_1'), NOW, cache.generation(), NOW + 1000);
    expect(cache.get('old-hash', NOW + 999)?.id).toBe('key_1');
    expect(cache.get('old-hash', NOW + 1000)).toBeUndefined();
  });

  it('empties on clear', () => {
    const cache = cacheOf();
    store(cache, 'hash-1', aKey('key_1'));
    cache.clear();
    expect(cache.get('hash-1', NOW)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not cache a lookup that began before a clear', () => {
    const cache = cacheOf();
    const generationAtLookup = cache.generation();
    cache.clear();
    cache.set('hash-1', aKey('key_1'), NOW, generationAtLookup);
    expect(cache.size).toBe(0);
  });

  it('caches nothing when maxEntries or the TTL is 0', () => {
    const noRoom = cacheOf(0);
    const noTime = cacheOf(100, 0);
    store(noRoom, 'hash-1', aKey('key_1'));
    store(noTime, 'hash-1', aKey('key_1'));
    expect(noRoom.size).toBe(0);
    expect(noTime.size).toBe(0);
  });
});
