import { describe, expect, it } from 'vitest';
import { parseRateLimitFlags } from './ratelimit-flags.js';

describe('--ratelimit flags', () => {
  it('reads <name>:<limit>/<durationMs>, repeated', () => {
    expect(parseRateLimitFlags(['per-second:10/1000', 'daily:5000/86400000'], false)).toEqual([
      { name: 'per-second', limit: 10, durationMs: 1000 },
      { name: 'daily', limit: 5000, durationMs: 86_400_000 },
    ]);
  });

  it('refuses a flag of another shape, naming the expected one', () => {
    expect(() => parseRateLimitFlags(['ten-per-second'], false)).toThrow(/<name>:<limit>\/<durationMs>/);
  });

  it('clears with --clear-ratelimits, and leaves the limits alone with neither flag', () => {
    expect(parseRateLimitFlags(undefined, true)).toEqual([]);
    expect(parseRateLimitFlags(undefined, false)).toBeUndefined();
  });
});
