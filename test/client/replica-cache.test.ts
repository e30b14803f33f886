/**
 * The replica's verdicts (src/client/replica-cache.ts): a verdict answers only the request it was
 * given for (the same key, permission, action, resource and client address), never past its
 * bound; a key's eviction drops all of its verdicts, a resource change those asked about a
 * resource; the oldest go first when full; what was served is counted for the usage report.
 */
import { describe, expect, it } from 'vitest';
import { createReplicaCache } from '../../src/client/replica-cache.js';
import type { VerifyAnswer } from '../../src/client/index.js';

const NOW = 1_000_000;
const KEY = 'kw_live_0123456789abcdefghijABCDEFGHIJ012345';
const OTHER = 'kw_live_0123456789abcdefghijABCDEFGHIJ012346';

function answer(keyId: string, code = 'VALID'): VerifyAnswer & { readonly keyId: string } {
  return { valid: code === 'VALID', code, keyId, tenantId: 'ten_a', environmentId: 'env_a' } as VerifyAnswer & {
    readonly keyId: string;
  };
}

describe("the replica's verdicts", () => {
  it('answers only the request it was given for: same key, permission, address and resource', () => {
    const cache = createReplicaCache(100);
    cache.set({ key: KEY, permission: 'functions.execute', clientIp: '10.0.0.1' }, answer('key_1'), NOW + 1000);
    cache.set({ key: KEY, permission: 'functions.execute' }, answer('key_1', 'FORBIDDEN'), NOW + 1000);
    expect(cache.get({ key: KEY, permission: 'functions.execute', clientIp: '10.0.0.1' }, NOW)?.code).toBe('VALID');
    expect(cache.get({ key: KEY, permission: 'functions.execute' }, NOW)?.code).toBe('FORBIDDEN');
    for (const request of [
      { key: KEY, permission: 'functions.execute', clientIp: '10.0.0.2' },
      { key: KEY, permission: 'library.generate', clientIp: '10.0.0.1' },
      { key: KEY, clientIp: '10.0.0.1' },
      { key: KEY },
      { key: KEY, permission: 'functions.execute', resource: { type: 'project', id: 'res_1' } },
      { key: OTHER, permission: 'functions.execute', clientIp: '10.0.0.1' },
    ])
      expect(cache.get(request, NOW), JSON.stringify(request)).toBeUndefined();
  });

  it('never serves a verdict at or past its bound', () => {
    const cache = createReplicaCache(100);
    cache.set({ key: KEY }, answer('key_1'), NOW + 10);
    expect(cache.get({ key: KEY }, NOW + 9)?.code).toBe('VALID');
    expect(cache.get({ key: KEY }, NOW + 10)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops every verdict of an evicted key, with an address or without; a resource change only those about a resource', () => {
    const cache = createReplicaCache(100);
    const about = { key: KEY, action: 'read', resource: { type: 'project', id: 'res_1' } };
    cache.set({ key: KEY, clientIp: '10.0.0.1' }, answer('key_1'), NOW + 1000);
    cache.set(about, answer('key_1'), NOW + 1000);
    cache.set({ key: OTHER }, answer('key_2'), NOW + 1000);
    cache.evictResources();
    expect(cache.get(about, NOW)).toBeUndefined();
    expect(cache.get({ key: KEY, clientIp: '10.0.0.1' }, NOW)?.code).toBe('VALID');
    cache.evictKey('key_1');
    expect(cache.get({ key: KEY, clientIp: '10.0.0.1' }, NOW)).toBeUndefined();
    expect(cache.get({ key: OTHER }, NOW)?.code).toBe('VALID');
    expect(cache.size).toBe(1);
  });

  it('drops the oldest key first when full', () => {
    const cache = createReplicaCache(2);
    cache.set({ key: `${KEY}a` }, answer('key_a'), NOW + 1000);
    cache.set({ key: `${KEY}b` }, answer('key_b'), NOW + 1000);
    cache.set({ key: `${KEY}c` }, answer('key_c'), NOW + 1000);
    expect(cache.get({ key: `${KEY}a` }, NOW)).toBeUndefined();
    expect(cache.get({ key: `${KEY}c` }, NOW)?.keyId).toBe('key_c');
    expect(cache.size).toBe(2);
  });

  it('counts what it served per key and code, evicted verdicts included, and hands each count over once', () => {
    const cache = createReplicaCache(100);
    cache.set({ key: KEY, clientIp: '10.0.0.1' }, answer('key_1'), NOW + 1000);
    cache.set({ key: KEY }, answer('key_1'), NOW + 1000);
    cache.get({ key: KEY }, NOW);
    cache.get({ key: KEY, clientIp: '10.0.0.1' }, NOW + 1);
    cache.evictKey('key_1');
    expect(cache.takeUsage()).toEqual([
      { keyId: 'key_1', code: 'VALID', count: 2, lastAt: NOW + 1, lastIp: '10.0.0.1' },
    ]);
    expect(cache.takeUsage()).toEqual([]);
  });
});
