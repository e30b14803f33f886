/**
 * Session tokens: 32 random bytes, handed to the browser once in an httpOnly cookie. Only their
 * SHA-256 is stored (a token is random, so no pepper is needed against guessing; the hash keeps a
 * database reader from holding a live session). The CSRF token is an HMAC of the session token
 * under a key derived from the pepper: the console reads it from its own cookie and sends it
 * back in a header, which a cross-site page can neither read nor forge.
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CsrfTokens {
  tokenFor(sessionToken: string): string;
  /** Whether `presented` is the CSRF token of `sessionToken`, compared in constant time. */
  matches(sessionToken: string, presented: string | undefined): boolean;
}

export function csrfTokens(pepper: Buffer): CsrfTokens {
  const key = Buffer.from(hkdfSync('sha256', pepper, 'keyward', 'session csrf v1', 32));
  const tokenFor = (sessionToken: string) => createHmac('sha256', key).update(sessionToken).digest('base64url');
  return {
    tokenFor,
    matches(sessionToken, presented) {
      if (presented === undefined) return false;
      const expected = Buffer.from(tokenFor(sessionToken));
      const given = Buffer.from(presented);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
