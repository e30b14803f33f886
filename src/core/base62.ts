/** Base62 (`0-9A-Za-z`, in ASCII order) encoding and unbiased random base62 strings. */
import { randomBytes } from 'node:crypto';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `value` (a non-negative integer below 2^53) in base62, left-padded with `0` to `width`. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  do {
    out = BASE62.charAt(rest % 62) + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

/**
 * `length` characters drawn uniformly from `alphabet` with the OS CSPRNG. Bytes at or above the
 * largest multiple of the alphabet size are rejected so no character is more likely than another.
 */
export function randomString(length: number, alphabet: string = BASE62): string {
  const size = alphabet.length;
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const byte = bytes[i] as number;
      if (byte < limit) out += alphabet.charAt(byte % size);
    }
  }
  return out;
}
