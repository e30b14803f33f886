import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVerdictHasher, VERDICT_SECRET_BYTES } from '../../src/client/verdict-hash.js';

const hex = (words: Int32Array): string =>
  Array.from(words, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');

describe('the verdict hash', () => {
  it('is SHA-256 of the secret then the key, as createHash computes it, at every length across block boundaries', () => {
    const secret = randomBytes(VERDICT_SECRET_BYTES);
    const hasher = createVerdictHasher(secret);
    for (let size = 0; size <= 520; size++) {
      const key = 'k'.repeat(size);
      expect(hasher.hash(key)).toBe(true);
      expect(hex(hasher.digest), String(size)).toBe(createHash('sha256').update(secret).update(key).digest('hex'));
    }
  });

  it('hashes a key that is not ASCII as its UTF-8 bytes', () => {
    const secret = randomBytes(VERDICT_SECRET_BYTES);
    const hasher = createVerdictHasher(secret);
    for (const key of ['kw_Zürich', '東京'.repeat(40), 'a\u0000b', `${'k'.repeat(61)}é`]) {
      hasher.hash(key);
      expect(hex(hasher.digest)).toBe(createHash('sha256').update(secret).update(key, 'utf8').digest('hex'));
    }
  });

  it('refuses what is too long to be a key (it is then never cached)', () => {
    expect(createVerdictHasher().hash('k'.repeat(5000))).toBe(false);
    // Few characters, but more bytes than a key can have: never a hash of its first part.
    expect(createVerdictHasher().hash('東'.repeat(700))).toBe(false);
  });

  it('differs between processes (secrets): nobody else can compute it', () => {
    const one = createVerdictHasher();
    const two = createVerdictHasher();
    one.hash('kw_same');
    two.hash('kw_same');
    expect(hex(one.digest)).not.toBe(hex(two.digest));
  });
});
