import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { RateBucket } from '../core/key-record.js';
import { memoryRateLimiter, redisRateLimiter } from './rate-limits.js';

const MINUTE = 60_000;
const NOW = 10 * MINUTE + 5_000;
const bucket = (id: string, limit: number): RateBucket => ({ id, name: id, limit, durationMs: MINUTE });

describe('rate limits in memory', () => {
  it('takes from every bucket together, and from none when one would go over', () => {
    const limiter = memoryRateLimiter();
    const small = bucket('small', 2);
    const large = bucket('large', 10);
    const first = limiter.take([small, large], 1, NOW);
    expect(first).toMatchObject({ allowed: true, used: [1, 1], limits: [2, 10] });
    expect(limiter.take([small, large], 1, NOW)).toMatchObject({ allowed: true, used: [2, 2] });
    expect(limiter.take([small, large], 1, NOW)).toMatchObject({ allowed: false, used: [2, 2] });
    // The refusal took nothing from the large bucket either.
    expect(limiter.take([large], 0, NOW)).toMatchObject({ allowed: true, used: [2], limits: [10] });
    // A new window starts empty.
    expect(limiter.take([small], 1, NOW + MINUTE)).toMatchObject({ allowed: true, used: [1], limits: [2] });
  });

  it('splits a limit between nodes', () => {
    expect(memoryRateLimiter(3).take([bucket('b', 10)], 1, NOW)).toMatchObject({ limits: [4] });
  });

  it('reports as many buckets as asked about, after a take about more', () => {
    const limiter = memoryRateLimiter();
    limiter.take([bucket('a', 5), bucket('b', 5), bucket('c', 5)], 1, NOW);
    expect(limiter.take([bucket('a', 5)], 1, NOW)).toEqual({ allowed: true, used: [2], limits: [5] });
  });

  it('counts a bucket reloaded with its record (a new object, the same id) in the window it had', () => {
    const limiter = memoryRateLimiter();
    limiter.take([bucket('key:a:per-minute', 3)], 2, NOW);
    expect(limiter.take([bucket('key:a:per-minute', 3)], 1, NOW)).toMatchObject({ allowed: true, used: [3] });
    expect(limiter.take([bucket('key:a:per-minute', 3)], 1, NOW)).toMatchObject({ allowed: false, used: [3] });
  });

  it('keeps the counts of two limiters apart for a bucket both take from', () => {
    const [first, second] = [memoryRateLimiter(), memoryRateLimiter()];
    const shared = bucket('shared', 5);
    first.take([shared], 4, NOW);
    expect(second.take([shared], 1, NOW)).toMatchObject({ allowed: true, used: [1] });
    expect(first.take([shared], 1, NOW)).toMatchObject({ allowed: true, used: [5] });
  });

  it('counts a bucket whose window was swept where every other holder of its id looks', () => {
    const limiter = memoryRateLimiter();
    const held = bucket('held', 10);
    limiter.take([held], 1, NOW);
    // Two days on, enough other buckets to sweep every window that ended a day ago, the held one's too.
    const later = NOW + 2 * 86_400_000;
    for (let n = 0; n < 200_000; n++) limiter.take([bucket(`other-${n}`, 10)], 1, n < 199_999 ? NOW : later);
    expect(limiter.take([held], 1, later)).toMatchObject({ allowed: true, used: [1] });
    expect(limiter.take([bucket('held', 10)], 0, later)).toMatchObject({ used: [1] });
  });

  it('gives back what a refused request took', () => {
    const limiter = memoryRateLimiter();
    const b = bucket('b', 3);
    limiter.take([b], 2, NOW);
    limiter.refund([b], 2, NOW);
    expect(limiter.take([b], 3, NOW)).toMatchObject({ allowed: true, used: [3] });
  });
});

describe('rate limits through Redis, falling back to memory', () => {
  it('keeps each verify’s own outcome though the memory limiter reuses its answer', async () => {
    const fallback = memoryRateLimiter();
    const limiter = redisRateLimiter({
      redis: {} as Redis,
      fallback,
      available: () => false,
      onError: () => {},
    });
    const pending = limiter.take([bucket('first', 100)], 7, NOW);
    // Another verify reaches the memory limiter before the first one's outcome is read.
    fallback.take([bucket('second', 5), bucket('third', 5)], 1, NOW);
    expect(await pending).toEqual({ allowed: true, used: [7], limits: [100] });
  });
});
