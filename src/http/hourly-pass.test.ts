import type { FastifyBaseLogger } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hourlyPass } from './hourly-pass.js';

const errors: string[] = [];
const log = { error: (_fields: unknown, message: string) => errors.push(message) } as unknown as FastifyBaseLogger;

describe('hourlyPass', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    errors.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('runs a minute after start, then every hour, until stopped', async () => {
    const pass = vi.fn(async () => 0);
    const upkeep = hourlyPass(pass, log, 'failed');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(pass).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pass).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(pass).toHaveBeenCalledTimes(2);
    upkeep.stop();
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(pass).toHaveBeenCalledTimes(2);
  });

  it('logs a failed pass and tries again at the next', async () => {
    let calls = 0;
    const upkeep = hourlyPass(
      async () => {
        calls++;
        if (calls === 1) throw new Error('storage did not answer');
        return 3;
      },
      log,
      'pruning failed',
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(errors).toEqual(['pruning failed']);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(calls).toBe(2);
    expect(errors).toEqual(['pruning failed']);
    expect(await upkeep.run()).toBe(3);
    upkeep.stop();
  });
});
