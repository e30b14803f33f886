import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BASE62 } from './base62.js';
import { generateKey, isWellFormedKey, KEY_PATTERN, keyChecksum, parseKey } from './key-format.js';

/** A key with a correct checksum for any prefix and secret, valid or not. */
function keyWith(prefix: string, secret: string): string {
  const body = `${prefix}_${secret}`;
  return body + keyChecksum(body);
}

/** Base62 of a 32-bit number, written out independently of src/core/base62.ts. */
function referenceBase62(value: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(6, '0');
}

/** The same key with the character at `index` replaced by another base62 character. */
function flipAt(key: string, index: number): string {
  const current = key.charAt(index);
  const replacement = current === 'a' ? 'b' : 'a';
  return key.slice(0, index) + replacement + key.slice(index + 1);
}

const SECRET = 'A'.repeat(32);

describe('key format', () => {
  it('generates <prefix>_<32 base62 secret><6 base62 checksum>', () => {
    for (let i = 0; i < 50; i++) expect(generateKey('kw')).toMatch(/^kw_[0-9A-Za-z]{32}[0-9A-Za-z]{6}$/);
  });

  it('parses a generated key back with its prefix', () => {
    const key = generateKey('acme2');
    expect(parseKey(key)).toEqual({ prefix: 'acme2', hint: key.slice(-4) });
  });

  it('accepts a prefix of 1 and of 12 characters', () => {
    expect(parseKey(generateKey('a'))?.prefix).toBe('a');
    expect(parseKey(generateKey('abcdef123456'))?.prefix).toBe('abcdef123456');
  });

  it('makes the checksum the CRC-32 of <prefix>_<secret> in base62, zero-padded to 6', () => {
    for (let i = 0; i < 50; i++) {
      const key = generateKey('kw');
      const body = key.slice(0, -6);
      expect(key.slice(-6)).toBe(referenceBase62(zlibCrc32(body)));
    }
  });

  it('gives each key a different secret', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateKey('kw')));
    expect(keys.size).toBe(100);
  });

  it('refuses to generate a key with an invalid prefix', () => {
    for (const prefix of ['', 'KW', 'k_w', 'k-w', 'abcdefghijklm'])
      expect(() => generateKey(prefix)).toThrow(/invalid key prefix/);
  });

  it('refuses a key with any one character flipped', () => {
    const key = generateKey('kw');
    for (let i = 0; i < key.length; i++) expect(parseKey(flipAt(key, i))).toBeNull();
  });

  it('refuses a key with its last character cut off', () => {
    expect(parseKey(generateKey('kw').slice(0, -1))).toBeNull();
  });

  it('refuses a key whose prefix has characters outside [a-z0-9], even with a correct checksum', () => {
    for (const prefix of ['KW', 'k-w', 'kw!', 'ké']) expect(parseKey(keyWith(prefix, SECRET))).toBeNull();
  });

  it('refuses a key whose prefix is longer than 12 characters, even with a correct checksum', () => {
    expect(parseKey(keyWith('abcdefghijklm', SECRET))).toBeNull();
  });

  it('refuses a key whose secret is not 32 base62 characters, even with a correct checksum', () => {
    expect(parseKey(keyWith('kw', 'A'.repeat(31)))).toBeNull();
    expect(parseKey(keyWith('kw', `${'A'.repeat(31)}+`))).toBeNull();
  });

  it('refuses the empty string', () => {
    expect(parseKey('')).toBeNull();
  });

  it('refuses a 1000-character string', () => {
    expect(parseKey('a'.repeat(1000))).toBeNull();
    expect(parseKey(`kw_${'A'.repeat(997)}`)).toBeNull();
  });

  it('accepts exactly what the format pattern and the checksum accept (the check is by hand)', () => {
    // Every one-character change of a few keys, to characters inside and outside each class, and
    // each length around the bounds: the hand check and KEY_PATTERN + checksum must agree on all.
    const byPattern = (key: string) => KEY_PATTERN.test(key) && key.slice(-6) === keyChecksum(key.slice(0, -6));
    const candidates: string[] = [];
    for (const prefix of ['a', 'kw', 'abcdef123456']) {
      const key = generateKey(prefix);
      for (let i = 0; i < key.length; i++) {
        for (const character of ['_', 'a', 'Z', '0', '9', '/', ':', '@', '[', '`', '{', 'é', '\u0000']) {
          const changed = key.slice(0, i) + character + key.slice(i + 1);
          candidates.push(changed, keyWith(changed.slice(0, -6).split('_')[0] ?? '', changed.slice(-38, -6)));
        }
        candidates.push(key.slice(0, i) + key.slice(i + 1), key.slice(0, i) + 'a' + key.slice(i));
      }
    }
    for (let length = 0; length <= 16; length++) candidates.push(keyWith('k'.repeat(length), SECRET));
    let accepted = 0;
    for (const candidate of candidates) {
      expect(isWellFormedKey(candidate), JSON.stringify(candidate)).toBe(byPattern(candidate));
      if (byPattern(candidate)) accepted++;
    }
    // The table holds keys on both sides: the agreement is not all refusals.
    expect(accepted).toBeGreaterThan(12);
  });

  it('refuses a key with surrounding whitespace', () => {
    const key = generateKey('kw');
    expect(parseKey(` ${key}`)).toBeNull();
    expect(parseKey(`${key}\n`)).toBeNull();
  });
});
