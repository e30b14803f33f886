import { randomBytes } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

/** A random string of printable ASCII, the only characters key material holds. */
function randomAscii(length: number): string {
  return Array.from(randomBytes(length), (byte) => String.fromCharCode(32 + (byte % 95))).join('');
}

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
  });

  it('gives 0 for the empty string', () => {
    expect(crc32('')).toBe(0);
  });

  it('returns an unsigned 32-bit integer', () => {
    const value = crc32('kw_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(Number.isInteger(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThan(2 ** 32);
  });

  it('matches zlib.crc32 on random ASCII strings', () => {
    for (let i = 0; i < 500; i++) {
      const text = randomAscii(i % 80);
      expect(crc32(text), text).toBe(zlibCrc32(text));
    }
  });
});
