/**
 * What one rate-limit bucket must answer over HTTP verify, for the console suites that set limits
 * of N per minute. Windows are fixed and aligned to the epoch (SPEC §4), so a minute may turn
 * between two verifies of a test. Rather than wait on the real clock for a fresh minute, the
 * bucket follows each answer's window (its `resetAt`, checked against the clock around the call)
 * and expects what that window owes: a minute that turns mid-test changes what is expected, never
 * whether the test passes.
 */
import { expect } from 'vitest';

interface LimitState {
  readonly name: string;
  readonly limit: number;
  readonly remaining: number;
  readonly resetAt: string;
}

/** A verify answer, as POST /v1/verify sends it. */
export interface Answer {
  readonly code: string;
  readonly ratelimits?: readonly LimitState[];
  readonly credits?: { readonly remaining: number };
}

export interface FixedWindowBucket {
  /**
   * Sends one verify that passes every check but this bucket's (and, with `creditLeft` false,
   * is then refused for want of credit, which gives back what it took), and expects the answer
   * the bucket owes it in the window it fell in: VALID with one unit fewer while there is room,
   * else RATE_LIMITED; USAGE_EXCEEDED with the unit given back. Returns the answer.
   */
  check(send: () => Promise<Answer>, creditLeft?: boolean): Promise<Answer>;
}

/** `now`: this machine's clock, the server's too (a test of the bucket itself moves its own). */
export function fixedWindowBucket(
  name: string,
  limit: number,
  durationMs: number,
  now: () => number = Date.now,
): FixedWindowBucket {
  /** Units taken in each window the bucket was seen in, by the window's end. */
  const used = new Map<number, number>();
  const windowEnd = (at: number): number => Math.floor(at / durationMs) * durationMs + durationMs;
  return {
    async check(send, creditLeft = true) {
      const sentAt = now();
      const answer = await send();
      const answeredAt = now();
      const context = JSON.stringify(answer);
      expect(
        (answer.ratelimits ?? []).map((state) => state.name),
        context,
      ).toEqual([name]);
      const state = answer.ratelimits?.[0] as LimitState;
      // The server counted in the window of its clock (this machine's) at some instant of the call.
      const end = Date.parse(state.resetAt);
      expect(end, context).toBeGreaterThanOrEqual(windowEnd(sentAt));
      expect(end, context).toBeLessThanOrEqual(windowEnd(answeredAt));
      expect(end % durationMs, context).toBe(0);

      const before = used.get(end) ?? 0;
      const owed =
        before >= limit
          ? { code: 'RATE_LIMITED', remaining: 0 }
          : creditLeft
            ? { code: 'VALID', remaining: limit - before - 1 }
            : { code: 'USAGE_EXCEEDED', remaining: limit - before };
      expect(state.limit, context).toBe(limit);
      expect(`${answer.code}, ${state.remaining} left`, context).toBe(`${owed.code}, ${owed.remaining} left`);
      if (owed.code === 'VALID') used.set(end, before + 1);
      return answer;
    },
  };
}
