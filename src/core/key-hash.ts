/** Keys at rest: HMAC-SHA-256 under the server pepper, and a constant-time comparison. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hmacSha256, hmacSha256Hex, type KeyedHash } from './hmac-sha256.js';

/** One hasher per pepper, its pad blocks computed once: a verify's HMAC allocates nothing but its answer. */
const hashers = new WeakMap<Buffer, KeyedHash>();
const digesters = new WeakMap<Buffer, KeyedHash>();

export function hashKey(pepper: Buffer, key: string): string {
  let hash = hashers.get(pepper);
  if (hash === undefined) hashers.set(pepper, (hash = hmacSha256Hex(pepper)));
  return hash(key);
}

/**
 * The same HMAC as `hashKey`, as its 32 bytes in a string of 32 one-byte characters: what the
 * verify cache is keyed by, since each cached key holds its own (48 bytes against the hex's 80).
 * `hashOfDigest` turns it into the stored (hex) form for a lookup in storage.
 */
export function keyDigest(pepper: Buffer, key: string): string {
  let digest = digesters.get(pepper);
  if (digest === undefined) digesters.set(pepper, (digest = hmacSha256(pepper, 'bytes')));
  return digest(key);
}

export function hashOfDigest(digest: string): string {
  return Buffer.from(digest, 'latin1').toString('hex');
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
