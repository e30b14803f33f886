/**
 * The delivery log does not grow for ever (KEYWARD_WEBHOOK_LOG_RETENTION_DAYS): the scanning node
 * removes delivered and dead deliveries once their last attempt was due longer ago than that, and
 * pending ones whose endpoint is gone; a pending delivery of a disabled endpoint stays to be sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, manualClock, type ManualClock } from '../../src/core/clock.js';
import type { Config } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created, expectProblem } from '../support/problem.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const CONFIG: Partial<Config> = {
  webhookAllowPrivate: true,
  webhookScanMs: 86_400_000,
  webhookRetryScheduleMs: [],
  webhookLogRetentionDays: 30,
};

describe.each(testDatabases())('webhook delivery log retention on $name', (testDb) => {
  let clock: ManualClock;
  let kw: TestKeyward;
  let acme: Seeded;
  let ok: Receiver;
  let failing: Receiver;
  beforeEach(async () => {
    clock = manualClock(Date.UTC(2026, 0, 1));
    kw = await startKeyward(testDb, { clock, config: CONFIG });
    acme = await seedTenant(kw);
    ok = await startReceiver();
    failing = await startReceiver(() => 500);
  });
  afterEach(async () => {
    await kw.close();
    await ok.close();
    await failing.close();
  });

  const endpoint = async (url: string) =>
    created(await acme.admin.post('/v1/webhook-endpoints', { url, events: ['key.created'] })).id as string;
  const log = async (id: string): Promise<string[]> => {
    const reply = await acme.admin.get(`/v1/webhook-endpoints/${id}/deliveries?limit=100`);
    expect(reply.status).toBe(200);
    return reply.body.items.map((item: { status: string }) => item.status);
  };

  it('removes finished and orphaned deliveries past the retention, and keeps what is still to send', async () => {
    const delivered = await endpoint(ok.url);
    const dead = await endpoint(failing.url);
    const paused = await endpoint(ok.url);
    expect((await acme.admin.patch(`/v1/webhook-endpoints/${paused}`, { enabled: false })).status).toBe(200);
    created(await acme.admin.post('/v1/keys', { name: 'one', kind: 'application' }));
    await kw.keyward.webhooks.deliverDue();
    expect(await log(delivered)).toEqual(['delivered']);
    expect(await log(dead)).toEqual(['dead']);
    // A disabled endpoint is sent no new events; one queued before it was disabled waits for it.
    expect(await log(paused)).toEqual([]);
    // What an endpoint deleted while a change wrote its event leaves behind: a row no worker claims.
    const row = await kw.keyward.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', delivered)
      .executeTakeFirstOrThrow();
    const { seq: _seq, ...orphan } = row;
    await kw.keyward.storage.db
      .insertInto('webhook_deliveries')
      .values([
        { ...orphan, id: `${row.id}x`, message_id: `${row.message_id}x`, endpoint_id: 'whe_gone', status: 'pending' },
        { ...orphan, id: `${row.id}y`, message_id: `${row.message_id}y`, endpoint_id: paused, status: 'pending' },
      ])
      .execute();
    expect(await log(paused)).toEqual(['pending']);

    clock.advance(29 * DAY_MS);
    expect(await kw.keyward.webhooks.scan()).toMatchObject({ logPruned: 0 });
    expect(await log(delivered)).toEqual(['delivered']);

    clock.advance(2 * DAY_MS);
    expect(await kw.keyward.webhooks.scan()).toMatchObject({ logPruned: 3 });
    expect(await log(delivered)).toEqual([]);
    expect(await log(dead)).toEqual([]);
    expect(await log(paused)).toEqual(['pending']);
    const left = await kw.keyward.storage.db.selectFrom('webhook_deliveries').select('endpoint_id').execute();
    expect(left.map((r) => r.endpoint_id)).toEqual([paused]);
  });

  it('keeps a delivery redelivered before the scan, and answers a redelivery of a pruned one 404', async () => {
    const dead = await endpoint(failing.url);
    created(await acme.admin.post('/v1/keys', { name: 'one', kind: 'application' }));
    created(await acme.admin.post('/v1/keys', { name: 'two', kind: 'application' }));
    await kw.keyward.webhooks.deliverDue();
    expect(await log(dead)).toEqual(['dead', 'dead']);
    const listed = await acme.admin.get(`/v1/webhook-endpoints/${dead}/deliveries`);
    const [kept, pruned] = listed.body.items.map((item: { id: string }) => item.id);
    const redeliver = (id: string) => acme.admin.post(`/v1/webhook-endpoints/${dead}/deliveries/${id}/redeliver`, {});

    clock.advance(31 * DAY_MS);
    expect((await redeliver(kept)).status).toBe(200);
    expect(await kw.keyward.webhooks.scan()).toMatchObject({ logPruned: 1 });
    expectProblem(await redeliver(pruned), 404, 'NOT_FOUND');
    const after = await acme.admin.get(`/v1/webhook-endpoints/${dead}/deliveries`);
    expect(after.body.items.map((item: { id: string }) => item.id)).toEqual([kept]);
  });
});
