/**
 * The browser suites' own helpers, without a browser: a retrying read passes once the page gets
 * there and otherwise fails with what it read last; the rate-limit bucket follows a minute that
 * turns between two verifies, and refuses a server whose keys do not share one bucket.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { eventually, shown } from './console-support.js';
import { type Answer, fixedWindowBucket } from './fixed-window.js';

describe('a retrying read', () => {
  it('reads again until the matcher passes', async () => {
    let reads = 0;
    await eventually(async () => ++reads).toBe(3);
    expect(reads).toBe(3);
  });

  it('fails past its bound naming the value it read last', async () => {
    let reads = 0;
    await expect(
      eventually(async () => `render ${++reads}`, 'the main area', 300).toBe('the Audit page'),
    ).rejects.toThrow(/the main area: expected 'render \d+' to be 'the Audit page'/);
    expect(reads).toBeGreaterThan(1);
  });

  it('hands back a value once it passes the check', async () => {
    const values = ['', '', 'kw_secret'];
    expect(
      await shown(
        async () => values.shift() ?? '',
        (value) => expect(value).toMatch(/^kw_/),
      ),
    ).toBe('kw_secret');
  });
});

describe('a fixed-window bucket of 2 per minute', () => {
  const MINUTE = 60_000;
  /** The answer a server gives at the clock's now, counting in that minute. */
  const answer = (code: string, remaining: number, at: number): Answer => ({
    code,
    ratelimits: [
      {
        name: 'shared',
        limit: 2,
        remaining,
        resetAt: new Date(Math.floor(at / MINUTE) * MINUTE + MINUTE).toISOString(),
      },
    ],
  });
  const start = (at: number) => {
    const clock = manualClock(at);
    const bucket = fixedWindowBucket('shared', 2, MINUTE, clock.now);
    return {
      clock,
      send: (code: string, remaining: number, creditLeft?: boolean) =>
        bucket.check(async () => answer(code, remaining, clock.now()), creditLeft),
    };
  };

  it('expects VALID, VALID, RATE_LIMITED within one minute', async () => {
    const { send } = start(Date.UTC(2026, 4, 1, 12, 0, 10));
    expect((await send('VALID', 1)).code).toBe('VALID');
    expect((await send('VALID', 0)).code).toBe('VALID');
    expect((await send('RATE_LIMITED', 0)).code).toBe('RATE_LIMITED');
  });

  it('starts counting again in a minute that turned between two verifies', async () => {
    const { clock, send } = start(Date.UTC(2026, 4, 1, 12, 0, 59, 999));
    await send('VALID', 1);
    clock.advance(1);
    await send('VALID', 1);
    await send('VALID', 0);
    await send('RATE_LIMITED', 0);
  });

  it('refuses a second key counted in a bucket of its own in the same minute', async () => {
    const { send } = start(Date.UTC(2026, 4, 1, 12, 0, 10));
    await send('VALID', 1);
    await expect(send('VALID', 1)).rejects.toThrow(/expected 'VALID, 1 left' to be 'VALID, 0 left'/);
  });

  it('refuses an answer counted in another minute than the one of the call', async () => {
    const clock = manualClock(Date.UTC(2026, 4, 1, 12, 0, 10));
    const bucket = fixedWindowBucket('shared', 2, MINUTE, clock.now);
    await expect(bucket.check(async () => answer('VALID', 1, clock.now() - MINUTE))).rejects.toThrow(
      /expected \d+ to be greater than or equal to \d+/,
    );
  });

  it('expects a verify refused for credit to give its unit back', async () => {
    const { send } = start(Date.UTC(2026, 4, 1, 12, 0, 10));
    await send('VALID', 1);
    expect((await send('USAGE_EXCEEDED', 1, false)).code).toBe('USAGE_EXCEEDED');
    await send('VALID', 0);
    const kept = start(Date.UTC(2026, 4, 1, 12, 0, 10));
    await kept.send('VALID', 1);
    await expect(kept.send('USAGE_EXCEEDED', 0, false)).rejects.toThrow(
      /expected 'USAGE_EXCEEDED, 0 left' to be 'USAGE_EXCEEDED, 1 left'/,
    );
  });
});
