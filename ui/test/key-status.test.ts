/** A key's status badge (issue 14): active, expires in N days, expired with its rotation window's end, disabled, revoked. */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../src/key-status';

const NOW = Date.UTC(2026, 5, 10, 12);
const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

describe("a key's status", () => {
  it('is active when it never expires', () => {
    expect(statusOf({ status: 'active', expiresAt: null }, NOW)).toEqual({ tone: 'ok', text: 'active' });
  });

  it('counts the days left, warning in the last week', () => {
    expect(statusOf({ status: 'active', expiresAt: at(NOW + 30 * DAY) }, NOW)).toEqual({
      tone: 'ok',
      text: 'active, expires in 30 days',
    });
    expect(statusOf({ status: 'active', expiresAt: at(NOW + DAY - 1000) }, NOW)).toEqual({
      tone: 'warn',
      text: 'active, expires in 1 day',
    });
  });

  it("names the end of the rotation window of an expired key, the environment's window first", () => {
    const status = statusOf({ status: 'expired', expiresAt: at(NOW - DAY) }, NOW, 3);
    expect(status.tone).toBe('bad');
    expect(status.text).toMatch(/^expired; may rotate itself until /);
    expect(statusOf({ status: 'expired', expiresAt: at(NOW - 8 * DAY) }, NOW).text).toBe('expired');
  });

  it('says disabled and revoked whatever the expiry', () => {
    expect(statusOf({ status: 'disabled', expiresAt: at(NOW + DAY) }, NOW).text).toBe('disabled');
    expect(statusOf({ status: 'revoked', expiresAt: null }, NOW).text).toBe('revoked');
  });
});
