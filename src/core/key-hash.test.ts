import { describe, expect, it } from 'vitest';
import { hashKey, hashOfDigest, keyDigest, sameHash } from './key-hash.js';

const PEPPER = Buffer.from('a server pepper of enough length!!');
const OTHER_PEPPER = Buffer.from('another server pepper, just as long');
const KEY = 'kw_0123456789ABCDEFGHIJKLMNOPQRSTUVabcdef';

describe('key hash', () => {
  it('gives the same hash for the same key and pepper', () => {
    expect(hashKey(PEPPER, KEY)).toBe(hashKey(PEPPER, KEY));
  });

  it('gives a different hash under a different pepper', () => {
    expect(hashKey(OTHER_PEPPER, KEY)).not.toBe(hashKey(PEPPER, KEY));
  });

  it('gives a different hash for a different key', () => {
    expect(hashKey(PEPPER, `${KEY.slice(0, -1)}g`)).not.toBe(hashKey(PEPPER, KEY));
  });

  it('is HMAC-SHA-256 in hex, holding nothing of the key', () => {
    const hash = hashKey(PEPPER, KEY);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(KEY.slice(3, 11));
  });

  it('compares two equal hashes as the same', () => {
    expect(sameHash(hashKey(PEPPER, KEY), hashKey(PEPPER, KEY))).toBe(true);
  });

  it('compares hashes of equal length that differ as not the same', () => {
    const hash = hashKey(PEPPER, KEY);
    const lastFlipped = hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0');
    expect(sameHash(hash, lastFlipped)).toBe(false);
  });

  it('compares hashes of different length as not the same, without throwing', () => {
    const hash = hashKey(PEPPER, KEY);
    expect(sameHash(hash, hash.slice(0, -1))).toBe(false);
    expect(sameHash('', hash)).toBe(false);
  });

  it('keys the cache by the same HMAC as 32 one-byte characters, which give back the stored hex', () => {
    const digest = keyDigest(PEPPER, KEY);
    expect(digest).toHaveLength(32);
    expect(Buffer.from(digest, 'latin1')).toHaveLength(32);
    expect(hashOfDigest(digest)).toBe(hashKey(PEPPER, KEY));
    expect(keyDigest(OTHER_PEPPER, KEY)).not.toBe(digest);
  });
});
