/**
 * The API key format of SPEC §4: `<prefix>_<secret><checksum>`. The secret is 32 base62
 * characters from the CSPRNG (~190 bits); the checksum is the CRC-32 of `<prefix>_<secret>` in
 * base62, zero-padded to 6 characters. Parsing is pure, so a malformed key is refused before any
 * storage lookup.
 */
import { crc32 } from './crc32.js';
import { randomString, toBase62 } from './base62.js';

export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
export const KEY_PREFIX_PATTERN = '^[a-z0-9]{1,12}$';
export const DEFAULT_KEY_PREFIX = 'kw';

/** The format as a pattern, for readers and tests; `isWellFormedKey` checks the same by hand. */
export const KEY_PATTERN = /^([a-z0-9]{1,12})_([0-9A-Za-z]{38})$/;
/** Characters after the prefix: the underscore, the secret and the checksum. */
const AFTER_PREFIX = 1 + SECRET_LENGTH + CHECKSUM_LENGTH;
const UNDERSCORE = 95;
const PREFIX_PATTERN = new RegExp(KEY_PREFIX_PATTERN);

export interface ParsedKey {
  readonly prefix: string;
  /** The last characters of the key, safe to show to identify it. */
  readonly hint: string;
}

export function isValidKeyPrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

export function keyChecksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** A new key with `prefix`. The caller shows it once and stores only its HMAC. */
export function generateKey(prefix: string): string {
  if (!isValidKeyPrefix(prefix)) throw new Error(`invalid key prefix: ${prefix}`);
  const body = `${prefix}_${randomString(SECRET_LENGTH)}`;
  return body + keyChecksum(body);
}

/** The prefix and display hint of a well-formed key, or null for anything else. */
export function parseKey(key: string): ParsedKey | null {
  if (!isWellFormedKey(key)) return null;
  return { prefix: key.slice(0, key.indexOf('_')), hint: keyHint(key) };
}

/**
 * Whether `key` has the format and a matching checksum. Verify asks this of every presented key,
 * so it builds no string: the checksum is read back as a number and compared with the CRC.
 */
export function isWellFormedKey(key: string): boolean {
  // KEY_PATTERN, checked character by character: a regular expression with its match state cost
  // two thirds of this function on verify's hot path (issue 27), the CRC the other third.
  const length = key.length;
  const underscore = length - AFTER_PREFIX;
  if (underscore < 1 || underscore > 12) return false;
  for (let i = 0; i < underscore; i++) if (!isPrefixCharacter(key.charCodeAt(i))) return false;
  if (key.charCodeAt(underscore) !== UNDERSCORE) return false;
  const end = length - CHECKSUM_LENGTH;
  for (let i = underscore + 1; i < end; i++) if (base62Digit(key.charCodeAt(i)) < 0) return false;
  let checksum = 0;
  for (let i = end; i < length; i++) {
    const digit = base62Digit(key.charCodeAt(i));
    if (digit < 0) return false;
    checksum = checksum * 62 + digit;
  }
  return checksum === crc32(key, end);
}

/** [a-z0-9] */
function isPrefixCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/** The value of one base62 character, or -1 for any other. */
function base62Digit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 90) return code - 55; // A-Z
  if (code >= 97 && code <= 122) return code - 61; // a-z
  return -1;
}

export function keyHint(key: string): string {
  return key.slice(-4);
}
