/** Events out's settings (docs/webhooks.md): the SPEC's retry schedule by default, each wait jittered by ±20%. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/http/config.js';
import { retryDelay } from '../../src/modules/webhooks/delivery-worker.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('the webhook settings', () => {
  it('retry on the SPEC’s schedule by default: 5s, 5m, 30m, 2h, 5h, 10h, 10h; private targets refused', () => {
    const config = loadConfig({});
    expect(config.webhookRetryScheduleMs).toEqual([
      5000,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]);
    expect(config.webhookAllowPrivate).toBe(false);
  });

  it('read KEYWARD_WEBHOOK_RETRY_SCHEDULE and KEYWARD_WEBHOOK_ALLOW_PRIVATE', () => {
    const config = loadConfig({
      KEYWARD_WEBHOOK_RETRY_SCHEDULE: '250ms,1s,2m,1d',
      KEYWARD_WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    expect(config.webhookRetryScheduleMs).toEqual([250, 1000, 2 * MINUTE, 24 * HOUR]);
    expect(config.webhookAllowPrivate).toBe(true);
  });

  it('refuse a schedule, a flag or a lease they cannot use, naming the variable', () => {
    expect(() => loadConfig({ KEYWARD_WEBHOOK_RETRY_SCHEDULE: '5 seconds' })).toThrow(/KEYWARD_WEBHOOK_RETRY_SCHEDULE/);
    expect(() => loadConfig({ KEYWARD_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEYWARD_WEBHOOK_LEASE_MS: '5000', KEYWARD_WEBHOOK_TIMEOUT_MS: '10000' })).toThrow(
      /KEYWARD_WEBHOOK_LEASE_MS must be above KEYWARD_WEBHOOK_TIMEOUT_MS/,
    );
  });
});

describe('a retry’s wait', () => {
  const schedule = [5000, 5 * MINUTE];

  it('is the schedule’s step, varied by at most 20% either way', () => {
    expect(retryDelay(schedule, 1, () => 0)).toBe(4000);
    expect(retryDelay(schedule, 1, () => 0.5)).toBe(5000);
    expect(retryDelay(schedule, 1, () => 0.999999)).toBe(6000);
    expect(retryDelay(schedule, 2, () => 0.5)).toBe(5 * MINUTE);
  });

  it('is none once the schedule is spent: the delivery is dead', () => {
    expect(retryDelay(schedule, 3, () => 0.5)).toBeNull();
    expect(retryDelay([], 1, () => 0.5)).toBeNull();
  });
});
