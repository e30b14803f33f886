import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Hex } from './hmac-sha256.js';

const reference = (key: Buffer, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');

/** Texts around every length where SHA-256's padding changes the number of blocks. */
const LENGTHS = [0, 1, 31, 32, 51, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 512, 2047, 2048, 2049, 5000];

describe('HMAC-SHA-256 without per-call allocation', () => {
  const keys = [
    Buffer.alloc(0),
    Buffer.from('a server pepper of enough length!!'),
    randomBytes(32),
    randomBytes(64),
    randomBytes(65), // longer than a block: hashed first
    randomBytes(200),
  ];

  it('equals createHmac for keys of every size and ASCII texts of every padding length', () => {
    for (const key of keys) {
      const hash = hmacSha256Hex(key);
      for (const length of LENGTHS) {
        const text = randomBytes(length).toString('base64').slice(0, length).padEnd(length, 'x');
        expect(hash(text), `key ${key.length} B, text ${length}`).toBe(reference(key, text));
      }
    }
  });

  it('equals createHmac for texts that are not ASCII (encoded as UTF-8)', () => {
    const hash = hmacSha256Hex(keys[2] as Buffer);
    for (const text of [
      'é',
      'kw_ü',
      '鍵'.repeat(18),
      '鍵'.repeat(19),
      '😀'.repeat(700),
      `${'a'.repeat(2047)}é`,
      '\u0000\u007f\u0080',
    ]) {
      expect(hash(text)).toBe(reference(keys[2] as Buffer, text));
    }
  });

  it('gives the same answer on every call: nothing of one text is left to change the next', () => {
    const hash = hmacSha256Hex(keys[1] as Buffer);
    const long = 'z'.repeat(300);
    const short = 'kw_0123456789ABCDEFGHIJKLMNOPQRSTUVabcdef';
    const first = hash(short);
    hash(long);
    hash('鍵'.repeat(100));
    expect(hash(short)).toBe(first);
    for (let i = 0; i < 1000; i++) {
      const text = randomBytes(i % 90).toString('hex');
      expect(hash(text)).toBe(reference(keys[1] as Buffer, text));
    }
  });

  it('in the bytes form, gives the 32 bytes of createHmac as 32 one-byte characters, short texts and long', () => {
    for (const key of keys) {
      const digest = hmacSha256(key, 'bytes');
      for (const text of ['kw_0123456789ABCDEFGHIJKLMNOPQRSTUVabcdef', '', '鍵'.repeat(19), 'y'.repeat(5000)]) {
        const expected = createHmac('sha256', key).update(text, 'utf8').digest();
        expect(Buffer.from(digest(text), 'latin1').equals(expected), `key ${key.length} B, text ${text.length}`).toBe(
          true,
        );
      }
    }
  });
});
