/** TOTP codes as an authenticator app would show them, at a test's clock time. */
import * as OTPAuth from 'otpauth';

export const STEP_MS = 30_000;

export function codeAt(secret: string, ms: number): string {
  return OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: ms,
  });
}

/** A code that is none of the accepted window's (one step either side of now). */
export function wrongCodeAt(secret: string, ms: number): string {
  const taken = new Set([-1, 0, 1].map((offset) => codeAt(secret, ms + offset * STEP_MS)));
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!taken.has(candidate)) return candidate;
  }
}
