/** The usage-controls form (SPEC §4): windows in words, what blocks a save, and a PATCH of only what changed. */
import { describe, expect, it } from 'vitest';
import { durationText, rateLimitText, windowOf } from '../src/format';
import { rowOf } from '../src/rate-limits';
import { formOf, patchOf, problemsOf, type UsageForm } from '../src/usage-controls';

const metered = {
  ratelimits: [{ name: 'api', limit: 2, durationMs: 60_000 }],
  credits: { remaining: 5, refill: { amount: 100, interval: 'month' as const } },
  ipAllowlist: ['10.0.0.0/8'],
};
const bare = { ratelimits: [], credits: null, ipAllowlist: null };

describe('a rate limit window', () => {
  it('reads in the largest whole unit', () => {
    expect(windowOf(90_000)).toEqual({ amount: 90, unit: 's' });
    expect(windowOf(7_200_000)).toEqual({ amount: 2, unit: 'h' });
    expect(durationText(60_000)).toBe('minute');
    expect(durationText(1_500)).toBe('1.5 seconds');
    expect(rateLimitText({ name: 'search', limit: 100, durationMs: 86_400_000 })).toBe('search: 100 per day');
  });
});

describe('the usage-controls form', () => {
  it('sends nothing when nothing changed', () => {
    expect(patchOf(metered, formOf(metered))).toEqual({});
    expect(patchOf(bare, formOf(bare))).toEqual({});
    // The server answers a balance without refill as `refill: null`.
    const noRefill = { ...bare, credits: { remaining: 1, refill: null } };
    expect(patchOf(noRefill, formOf(noRefill))).toEqual({});
  });

  it('sends only the field that changed, the rate limits as a whole set', () => {
    const form: UsageForm = {
      ...formOf(bare),
      limits: [{ ...rowOf(0), name: 'api', limit: '2', amount: '1', unit: 'min' }],
    };
    expect(patchOf(bare, form)).toEqual({ ratelimits: [{ name: 'api', limit: 2, durationMs: 60_000 }] });
  });

  it('clears everything with [] and null', () => {
    const form: UsageForm = { ...formOf(metered), limits: [], metered: false, allowlist: '  \n' };
    expect(patchOf(metered, form)).toEqual({ ratelimits: [], credits: null, ipAllowlist: null });
  });

  it('drops the refill when its amount is emptied, and reads one CIDR per line', () => {
    const form: UsageForm = { ...formOf(metered), refillAmount: '', allowlist: '10.0.0.0/8\n 2001:db8::/32 \n' };
    expect(patchOf(metered, form)).toEqual({ credits: { remaining: 5 }, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
  });

  it('names what blocks a save: a bad name, a duplicate, a limit below 1, a window beyond a day, a negative balance', () => {
    const form: UsageForm = {
      ...formOf(bare),
      limits: [
        { ...rowOf(0), name: 'api', limit: '1' },
        { ...rowOf(1), name: 'api', limit: '0' },
        { ...rowOf(2), name: '9x', limit: '1', amount: '2', unit: 'day' },
      ],
      metered: true,
      remaining: '-1',
    };
    expect(problemsOf(form)).toEqual([
      'Rate limit 2: the name api is taken by another limit',
      'Rate limit 2: the limit is a whole number, at least 1',
      'Rate limit 3: a name starts with a letter, then letters, digits, _ . or -',
      'Rate limit 3: the window is from 1 second to 1 day',
      'Credits: the balance is a whole number, 0 or more',
    ]);
    expect(problemsOf(formOf(metered))).toEqual([]);
  });
});
