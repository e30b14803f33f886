/**
 * The time-driven events (SPEC §4, issue 24), by the injected clock: `key.expiring` once per key
 * and expiry date at the endpoint's lead time, `key.expired` once, `key.credits_low` once per
 * crossing of the threshold; one node scans at a time, and a restarted node sends nothing twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, manualClock, type ManualClock } from '../../src/core/clock.js';
import { buildApp } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created } from '../support/problem.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const HOUR_MS = 3_600_000;
/** Scans only when the test asks (`webhooks.scan()`); receivers on 127.0.0.1. */
const CONFIG: Partial<Config> = { webhookAllowPrivate: true, webhookScanMs: 86_400_000, webhookPollMs: 20 };

describe.each(testDatabases())('time-driven webhook events on $name', (testDb) => {
  let clock: ManualClock;
  let kw: TestKeyward;
  let acme: Seeded;
  let hooks: Receiver;
  beforeEach(async () => {
    clock = manualClock(Date.UTC(2026, 0, 1));
    kw = await startKeyward(testDb, { clock, config: CONFIG });
    acme = await seedTenant(kw);
    hooks = await startReceiver();
  });
  afterEach(async () => {
    await kw.close();
    await hooks.close();
  });

  /** The endpoint's events so far, as `type key` lines, oldest first. */
  const events = async (endpointId: string): Promise<string[]> => {
    const log = await acme.admin.get(`/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`);
    return log.body.items.map((item: { type: string; keyId: string }) => `${item.type} ${item.keyId}`).reverse();
  };
  /** Another node on the same database and clock, as after a restart. */
  const secondNode = () =>
    buildApp({
      config: loadConfig({}, { dataDir: kw.database.dataDir, logLevel: 'silent', changePollMs: 60_000, ...CONFIG }),
      storage: kw.keyward.storage,
      clock,
    });

  it('fires key.expiring once per key and expiry date at the lead time, and key.expired once', async () => {
    const hook = created(
      await acme.admin.post('/v1/webhook-endpoints', {
        url: hooks.url,
        events: ['key.expiring', 'key.expired'],
        expiringLeadDays: 3,
      }),
    );
    const tenDays = created(
      await acme.admin.post('/v1/keys', { name: 'ten', kind: 'user', userId: acme.adminUserId, expiresInDays: 10 }),
    );
    const fiveDays = created(
      await acme.admin.post('/v1/keys', { name: 'five', kind: 'user', userId: acme.adminUserId, expiresInDays: 5 }),
    );
    await acme.admin.post('/v1/keys', { name: 'never', kind: 'application', expiresInDays: null });

    // An hour before five-day's lead time: nothing.
    clock.advance(2 * DAY_MS - HOUR_MS);
    expect(await kw.keyward.webhooks.scan()).toEqual({ expiring: 0, expired: 0, creditsLow: 0, logPruned: 0 });
    clock.advance(2 * HOUR_MS);
    expect(await kw.keyward.webhooks.scan()).toEqual({ expiring: 1, expired: 0, creditsLow: 0, logPruned: 0 });
    expect(await kw.keyward.webhooks.scan()).toEqual({ expiring: 0, expired: 0, creditsLow: 0, logPruned: 0 });
    expect(await events(hook.id)).toEqual([`key.expiring ${fiveDays.id}`]);

    // Day 7 and an hour: five-day has expired, ten-day is inside its lead time.
    clock.advance(5 * DAY_MS);
    expect(await kw.keyward.webhooks.scan()).toEqual({ expiring: 1, expired: 1, creditsLow: 0, logPruned: 0 });
    // A restarted node (the first gone, its lease given back) finds nothing new.
    await kw.keyward.webhooks.stop();
    const restarted = await secondNode();
    try {
      expect(await restarted.webhooks.scan()).toEqual({ expiring: 0, expired: 0, creditsLow: 0, logPruned: 0 });
      // Rotated: a new expiry date, ten days on, and so one more key.expiring at its lead time.
      expect((await acme.admin.post(`/v1/keys/${tenDays.id}/rotate`, {})).status).toBe(200);
      clock.advance(6 * DAY_MS);
      expect(await restarted.webhooks.scan()).toEqual({ expiring: 0, expired: 0, creditsLow: 0, logPruned: 0 });
      clock.advance(2 * DAY_MS);
      expect(await restarted.webhooks.scan()).toEqual({ expiring: 1, expired: 0, creditsLow: 0, logPruned: 0 });
    } finally {
      await restarted.close();
    }
    // Events of one scan share an instant: compared as a set.
    expect((await events(hook.id)).sort()).toEqual(
      [
        `key.expiring ${fiveDays.id}`,
        `key.expiring ${tenDays.id}`,
        `key.expired ${fiveDays.id}`,
        `key.expiring ${tenDays.id}`,
      ].sort(),
    );
  });

  it('lets one node scan at a time', async () => {
    await acme.admin.post('/v1/webhook-endpoints', { url: hooks.url, events: ['key.expired'] });
    const other = await secondNode();
    try {
      expect(await kw.keyward.webhooks.scan()).not.toBeNull();
      expect(await other.webhooks.scan()).toBeNull();
      await kw.keyward.webhooks.stop();
      expect(await other.webhooks.scan()).not.toBeNull();
    } finally {
      await other.close();
    }
  });

  it('fires key.credits_low once per crossing of the threshold', async () => {
    const hook = created(
      await acme.admin.post('/v1/webhook-endpoints', {
        url: hooks.url,
        events: ['key.credits_low'],
        creditsLowThreshold: 5,
      }),
    );
    const key = created(
      await acme.admin.post('/v1/keys', { name: 'metered', kind: 'application', credits: { remaining: 7 } }),
    );
    const spend = async (times: number) => {
      for (let n = 0; n < times; n++) {
        const answer = await kw.client().post('/v1/verify', { key: key.key });
        expect(answer.body.valid).toBe(true);
      }
    };
    await spend(2);
    expect((await kw.keyward.webhooks.scan())?.creditsLow).toBe(0);
    await spend(1);
    expect((await kw.keyward.webhooks.scan())?.creditsLow).toBe(1);
    await spend(1);
    expect((await kw.keyward.webhooks.scan())?.creditsLow).toBe(0);
    // Topped up above the threshold: re-armed, and the next fall below is a new crossing.
    expect((await acme.admin.patch(`/v1/keys/${key.id}`, { creditsAdd: 10 })).status).toBe(200);
    expect((await kw.keyward.webhooks.scan())?.creditsLow).toBe(0);
    await spend(9);
    expect((await kw.keyward.webhooks.scan())?.creditsLow).toBe(1);
    expect((await events(hook.id)).filter((line) => line.startsWith('key.credits_low'))).toEqual([
      `key.credits_low ${key.id}`,
      `key.credits_low ${key.id}`,
    ]);
    const log = await acme.admin.get(`/v1/webhook-endpoints/${hook.id}/deliveries`);
    expect(log.body.items.every((item: { type: string }) => item.type === 'key.credits_low')).toBe(true);
  });
});
