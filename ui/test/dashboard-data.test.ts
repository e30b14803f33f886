/** The tenant dashboard's numbers from the analytics API's buckets (issue 26 item 2). */
import { describe, expect, it } from 'vitest';
import type { KeyObject, VerificationsObject } from '../src/api';
import { asUsage, refusals, soonestExpiring, topKeys } from '../src/dashboard-data';

const analytics = (buckets: VerificationsObject['buckets'], groupBy: 'code' | 'key' = 'code'): VerificationsObject => ({
  granularity: 'day',
  groupBy,
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-31T00:00:00.000Z',
  total: buckets.reduce((sum, bucket) => sum + bucket.count, 0),
  buckets,
});

describe('the tenant dashboard', () => {
  const byCode = analytics([
    { time: '2026-03-02T00:00:00.000Z', group: 'VALID', count: 90 },
    { time: '2026-03-02T00:00:00.000Z', group: 'REVOKED', count: 4 },
    { time: '2026-03-01T00:00:00.000Z', group: 'FORBIDDEN', count: 6 },
  ]);

  it("draws the days as the key page's chart takes them, oldest first, each with its total", () => {
    expect(asUsage(byCode).days).toEqual([
      { day: '2026-03-01', count: 6, byCode: { FORBIDDEN: 6 } },
      { day: '2026-03-02', count: 94, byCode: { VALID: 90, REVOKED: 4 } },
    ]);
    expect(asUsage(byCode).total).toBe(100);
  });

  it('counts every verdict but VALID as a refusal', () => {
    expect(refusals(byCode)).toBe(10);
    expect(refusals(analytics([]))).toBe(0);
  });

  it('ranks the busiest keys over every day, ties by id', () => {
    const byKey = analytics(
      [
        { time: '2026-03-01T00:00:00.000Z', group: 'key_b', count: 5 },
        { time: '2026-03-02T00:00:00.000Z', group: 'key_b', count: 5 },
        { time: '2026-03-01T00:00:00.000Z', group: 'key_a', count: 10 },
        { time: '2026-03-01T00:00:00.000Z', group: 'key_c', count: 30 },
      ],
      'key',
    );
    expect(topKeys(byKey, 2)).toEqual([
      { keyId: 'key_c', verifications: 30 },
      { keyId: 'key_a', verifications: 10 },
    ]);
  });

  it('lists the keys that expire soonest first', () => {
    const key = (id: string, expiresAt: string | null) => ({ id, expiresAt }) as KeyObject;
    const keys = [key('a', '2026-03-20T00:00:00Z'), key('b', null), key('c', '2026-03-05T00:00:00Z')];
    expect(soonestExpiring(keys).map((each) => each.id)).toEqual(['c', 'a']);
  });
});
