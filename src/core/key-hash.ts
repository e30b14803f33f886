/** Keys at rest: HMAC-SHA-256 under the server pepper, and a constant-time comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hmacSha256Hex, type KeyedHash } from './hmac-sha256.js';

/** One hasher per pepper, its pad blocks computed once: a verify's HMAC allocates nothing but its answer. */
const hashers = new WeakMap<Buffer, KeyedHash>();

export function hashKey(pepper: Buffer, key: string): string {
  let hash = hashers.get(pepper);
  if (hash === undefined) hashers.set(pepper, (hash = hmacSha256Hex(pepper)));
  return hash(key);
}

/**
 * What an imported key is stored under until its first use (issue 29): the SHA-256 it was imported
 * with, tagged so it can never equal an HMAC (64 hex characters alone).
 */
export const IMPORTED_DIGEST_PREFIX = 'sha256:';

/** The change-log `instance` entity id under which a new import prefix is announced to every node. */
export const IMPORT_PREFIX_CHANGE = 'import-prefix:';

export function importedDigestOf(sha256Hex: string): string {
  return IMPORTED_DIGEST_PREFIX + sha256Hex.toLowerCase();
}

export function importedKeyDigest(key: string): string {
  return importedDigestOf(createHash('sha256').update(key, 'utf8').digest('hex'));
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
