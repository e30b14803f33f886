/** Keys at rest: HMAC-SHA-256 under the server pepper, and a constant-time comparison. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hashKey(pepper: Buffer, key: string): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
