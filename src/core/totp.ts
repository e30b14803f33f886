/**
 * TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps), a thin wrapper over `otpauth`. Time is
 * always passed in, never read here, so callers and tests decide what "now" is. A code is
 * matched to the time step it belongs to, one step either side of now, so the caller can refuse
 * a step already used.
 */
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';

export const TOTP_ISSUER = 'Keyward';
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one: clocks drift, people type slowly. */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20;
const CODE = /^[0-9]{6}$/;

function totp(secretBase32: string, label = ''): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

/** A new seed: 20 bytes from the OS CSPRNG, base32 (what authenticator apps take). */
export function newTotpSecret(): string {
  // Copied into its own ArrayBuffer: a Node Buffer may be a view on a larger shared slab.
  return new OTPAuth.Secret({ buffer: new Uint8Array(randomBytes(SECRET_BYTES)).buffer }).base32;
}

/** The `otpauth://totp/…` URI an authenticator app enrols from (issuer Keyward, label the email). */
export function totpUrl(secretBase32: string, email: string): string {
  return totp(secretBase32, email).toString();
}

/** The time step (30 s periods since the epoch) at `nowMs`. */
export function stepAt(nowMs: number): number {
  return OTPAuth.TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: nowMs });
}

/** The time step `code` belongs to, within one step of `nowMs`, or null when it matches none. */
export function stepOf(secretBase32: string, code: string, nowMs: number): number | null {
  // Checked first: the comparison inside otpauth needs exactly six single-byte characters.
  if (!CODE.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: nowMs, window: TOTP_WINDOW });
  return delta === null ? null : stepAt(nowMs) + delta;
}
