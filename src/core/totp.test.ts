import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, stepAt, stepOf, totpUrl } from './totp.js';

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", its codes cut to six digits.
const RFC_SECRET = OTPAuth.Secret.fromLatin1('12345678901234567890').base32;
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

const codeAt = (secret: string, ms: number): string =>
  OTPAuth.TOTP.generate({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: ms,
  });

describe('totp', () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 code at %i s to its time step', (seconds, code) => {
    expect(stepOf(RFC_SECRET, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  it('accepts the codes of one step before and after now, naming their steps, and no further', () => {
    const secret = newTotpSecret();
    const now = Date.UTC(2026, 0, 1, 12, 0, 10);
    const step = stepAt(now);
    expect(stepOf(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(stepOf(secret, codeAt(secret, now), now)).toBe(step);
    expect(stepOf(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
    expect(stepOf(secret, codeAt(secret, now - 60_000), now)).toBeNull();
    expect(stepOf(secret, codeAt(secret, now + 60_000), now)).toBeNull();
  });

  it('refuses anything that is not six digits without throwing', () => {
    const secret = newTotpSecret();
    for (const code of ['', '12345', '1234567', 'abcdef', '12345é', ' 12345', '１２３４５６'])
      expect(stepOf(secret, code, Date.now())).toBeNull();
  });

  it('makes a fresh 160-bit base32 seed each time', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(OTPAuth.Secret.fromBase32(a).bytes).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
  });

  it('builds the otpauth URI an authenticator app enrols from: issuer Keyward, the email as label', () => {
    const secret = newTotpSecret();
    const url = totpUrl(secret, 'ada@acme.example');
    const parsed = OTPAuth.URI.parse(url);
    expect(url).toMatch(/^otpauth:\/\/totp\/Keyward:ada%40acme\.example\?/);
    expect(parsed).toBeInstanceOf(OTPAuth.TOTP);
    expect(parsed).toMatchObject({
      issuer: 'Keyward',
      label: 'ada@acme.example',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(parsed.secret.base32).toBe(secret);
  });
});
