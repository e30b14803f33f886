import { describe, expect, it } from 'vitest';
import { BASE62, randomString, toBase62 } from './base62.js';

describe('base62', () => {
  it('orders its alphabet 0-9, A-Z, a-z', () => {
    expect(BASE62).toBe('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
  });

  it('encodes numbers in base62, left-padded with 0 to the width', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 6)).toBe('00000z');
    expect(toBase62(62, 6)).toBe('000010');
    expect(toBase62(2 ** 32 - 1, 6)).toBe('4gfFC3');
  });

  it('draws random strings of exactly the length asked', () => {
    for (const length of [0, 1, 32, 500]) expect(randomString(length)).toHaveLength(length);
  });

  it('draws random strings only from the base62 alphabet', () => {
    expect(randomString(5000)).toMatch(/^[0-9A-Za-z]+$/);
  });

  it('draws from a custom alphabet when given one', () => {
    expect(randomString(2000, 'xyz')).toMatch(/^[xyz]+$/);
  });

  it('draws every character about equally often', () => {
    // 2000 draws expected per character; a modulo-biased draw (byte % 62) would give the
    // first 8 characters about 2420. ±12% is > 5 standard deviations, so chance failures are rare.
    const expected = 2000;
    const counts = new Map<string, number>();
    for (const char of randomString(BASE62.length * expected)) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const [char, count] of counts) {
      expect(count, char).toBeGreaterThan(expected * 0.88);
      expect(count, char).toBeLessThan(expected * 1.12);
    }
  });
});
