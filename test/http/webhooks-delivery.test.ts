/**
 * Events out, delivered (SPEC §4, issue 24): signed as the Standard Webhooks reference library
 * verifies, retried until the receiver accepts, each event accepted once and a key's events in
 * order; dead once the retries are spent, and sent again on request.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { loadConfig, type Config } from '../../src/http/config.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created } from '../support/problem.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const KEY_EVENTS = ['key.created', 'key.updated', 'key.rotated', 'key.revoked'];

/** Fast retries and polls; receivers run on 127.0.0.1, so private targets are allowed here. */
const FAST: Partial<Config> = {
  webhookAllowPrivate: true,
  webhookRetryScheduleMs: [40, 40, 40],
  webhookPollMs: 20,
  webhookTimeoutMs: 2000,
  webhookLeaseMs: 10_000,
};

describe.each(testDatabases())('webhook delivery on $name', (testDb) => {
  let kw: TestKeyward;
  let acme: Seeded;
  const receivers: Receiver[] = [];
  const start = async (config: Partial<Config> = {}) => {
    kw = await startKeyward(testDb, { config: { ...FAST, ...config } });
    acme = await seedTenant(kw);
  };
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const made = await startReceiver(...args);
    receivers.push(made);
    return made;
  };
  const endpoint = async (url: string, events = KEY_EVENTS) =>
    created(await acme.admin.post('/v1/webhook-endpoints', { url, events }));
  /** The endpoint's newest delivery once it has `status` (polled: attempts end on the worker's time). */
  const lastDelivery = async (endpointId: string, status: string) => {
    const log = `/v1/webhook-endpoints/${endpointId}/deliveries`;
    let newest = (await acme.admin.get(log)).body.items[0];
    for (let tries = 0; tries < 400 && newest?.status !== status; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      newest = (await acme.admin.get(log)).body.items[0];
    }
    return newest;
  };
  afterEach(async () => {
    await kw?.close();
    for (const made of receivers.splice(0)) await made.close();
  });

  it('retries a receiver failing twice: each event accepted once, in order per key, every signature verifying', async () => {
    await start();
    const hooks = await receiver((request) => (request.attempt <= 2 ? 500 : 204));
    const { secret } = await endpoint(hooks.url);
    const keys: string[] = [];
    for (let n = 0; n < 3; n++)
      keys.push(created(await acme.admin.post('/v1/keys', { name: `k${n}`, kind: 'application' })).id);
    for (const id of keys)
      expect((await acme.admin.patch(`/v1/keys/${id}`, { name: `${id}-renamed` })).status).toBe(200);
    for (const id of keys) expect((await acme.admin.post(`/v1/keys/${id}/rotate`, {})).status).toBe(200);
    for (const id of keys) expect((await acme.admin.post(`/v1/keys/${id}/revoke`)).status).toBe(200);

    await hooks.until(() => hooks.accepted().length >= 12);
    // Settled: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const accepted = hooks.accepted();
    expect(accepted).toHaveLength(12);
    expect(new Set(accepted.map((request) => request.id)).size).toBe(12);
    for (const request of accepted) expect(request.attempt).toBe(3);

    const verifier = new Webhook(secret);
    for (const request of hooks.received) {
      const headers = request.headers as Record<string, string>;
      expect(() => verifier.verify(request.body, headers)).not.toThrow();
      expect(JSON.parse(request.body)).toEqual({
        type: expect.any(String),
        timestamp: expect.any(String),
        data: expect.any(Object),
      });
    }
    for (const id of keys) {
      const ofKey = hooks.received.filter((request) => JSON.parse(request.body).data.keyId === id);
      expect(ofKey.filter((request) => request.status === 204).map((request) => JSON.parse(request.body).type)).toEqual(
        KEY_EVENTS,
      );
      // In order, one at a time: a key's next event is first tried only once the one before was accepted.
      const ids = ofKey.map((request) => request.id);
      const runs = ids.filter((value, index) => index === 0 || ids[index - 1] !== value);
      expect(runs).toHaveLength(KEY_EVENTS.length);
    }

    const endpoints = await acme.admin.get('/v1/webhook-endpoints');
    const log = await acme.admin.get(`/v1/webhook-endpoints/${endpoints.body.items[0].id}/deliveries?limit=100`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(12);
    for (const delivery of log.body.items) {
      expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204, nextAttemptAt: null });
    }
  });

  it('dead-letters a delivery to a stopped receiver, and delivers it once redelivered', async () => {
    await start();
    const stopped = await startReceiver();
    await stopped.close();
    const hook = await endpoint(stopped.url, ['key.created']);
    const key = created(await acme.admin.post('/v1/keys', { name: 'ci', kind: 'application' }));
    const log = `/v1/webhook-endpoints/${hook.id}/deliveries`;
    const dead = await lastDelivery(hook.id, 'dead');
    expect(dead).toMatchObject({ status: 'dead', attempts: 4, lastStatusCode: null, nextAttemptAt: null });
    expect(dead.lastError).toMatch(/^unreachable/);

    const back = await receiver();
    // Disabled meanwhile, so the redelivery waits where the test can see it.
    expect((await acme.admin.patch(`/v1/webhook-endpoints/${hook.id}`, { url: back.url, enabled: false })).status).toBe(
      200,
    );
    const again = await acme.admin.post(`${log}/${dead?.id}/redeliver`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', attempts: 0 });
    // Pending already: it is sent without asking.
    const twice = await acme.admin.post(`${log}/${dead?.id}/redeliver`);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CONFLICT');
    expect((await acme.admin.patch(`/v1/webhook-endpoints/${hook.id}`, { enabled: true })).status).toBe(200);
    await back.until(() => back.accepted().length === 1);
    const [request] = back.accepted();
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ type: 'key.created', data: { keyId: key.id } });
    expect(() =>
      new Webhook(hook.secret).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).not.toThrow();
    await kw.keyward.webhooks.deliverDue();
    expect((await acme.admin.get(log)).body.items[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
    });
  });

  it('signs with both secrets during a rotation overlap, and with the new one alone after none', async () => {
    await start();
    const hooks = await receiver();
    const hook = await endpoint(hooks.url, ['key.created']);
    const rotated = await acme.admin.post(`/v1/webhook-endpoints/${hook.id}/rotate-secret`, {
      gracePeriodSeconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(rotated.body.previousSecretValidUntil).not.toBeNull();
    await acme.admin.post('/v1/keys', { name: 'one', kind: 'application' });
    await hooks.until(() => hooks.accepted().length === 1);
    const first = hooks.accepted()[0];
    expect(String(first?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [hook.secret, rotated.body.secret]) {
      expect(() =>
        new Webhook(secret).verify(first?.body ?? '', first?.headers as Record<string, string>),
      ).not.toThrow();
    }

    const cut = await acme.admin.post(`/v1/webhook-endpoints/${hook.id}/rotate-secret`, { gracePeriodSeconds: 0 });
    await acme.admin.post('/v1/keys', { name: 'two', kind: 'application' });
    await hooks.until(() => hooks.accepted().length === 2);
    const second = hooks.accepted()[1];
    const headers = second?.headers as Record<string, string>;
    expect(() => new Webhook(cut.body.secret).verify(second?.body ?? '', headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(second?.body ?? '', headers)).toThrow();
    // Shown once: reading the endpoint never shows a secret.
    expect(JSON.stringify((await acme.admin.get(`/v1/webhook-endpoints/${hook.id}`)).body)).not.toContain('whsec_');
  });

  it('follows no redirect, stops waiting at the timeout, and never logs the receiver’s answer', async () => {
    await start({ webhookTimeoutMs: 300, webhookLeaseMs: 5000, webhookRetryScheduleMs: [] });
    const elsewhere = await receiver();
    const redirecting = await receiver((_request, response) => {
      response.statusCode = 307;
      response.setHeader('location', elsewhere.url);
      response.end('MOVED-MARKER'.repeat(10_000));
      return 'handled';
    });
    const hanging = await receiver(() => 'hang');
    const redirect = await endpoint(redirecting.url, ['key.created']);
    const slow = await endpoint(hanging.url, ['key.created']);
    await acme.admin.post('/v1/keys', { name: 'one', kind: 'application' });
    await redirecting.until((received) => received.length === 1);
    await hanging.until((received) => received.length === 1);
    const redirected = await lastDelivery(redirect.id, 'dead');
    expect(elsewhere.received).toHaveLength(0);
    expect(redirected).toMatchObject({ status: 'dead', lastStatusCode: 307 });
    expect(redirected.lastError).toMatch(/redirects are not followed/);
    const timedOut = await lastDelivery(slow.id, 'dead');
    expect(timedOut).toMatchObject({ status: 'dead', lastStatusCode: null });
    expect(timedOut.lastError).toMatch(/no answer within 300 ms/);
    expect(kw.logText()).not.toContain('MOVED-MARKER');
    expect(JSON.stringify(redirected)).not.toContain('MOVED-MARKER');
  });

  it('gives its claims back when it stops, so the next node sends them at once rather than after the lease', async () => {
    await start({ webhookLeaseMs: 60_000 });
    let answering = false;
    const hooks = await receiver(() => (answering ? 204 : 'hang'));
    await endpoint(hooks.url, ['key.created']);
    await acme.admin.post('/v1/keys', { name: 'one', kind: 'application' });
    await hooks.until((received) => received.length === 1);
    // A graceful stop mid-send: the attempt is cut short and its claim returned, not held for 60 s.
    await kw.keyward.close();
    answering = true;
    const next = await buildApp({
      config: loadConfig({}, { dataDir: kw.database.dataDir, logLevel: 'silent', changePollMs: 60_000, ...FAST }),
      storage: kw.database.storage,
    });
    try {
      await hooks.until(() => hooks.accepted().length === 1, 10_000);
      expect(hooks.accepted()[0]?.id).toBe(hooks.received[0]?.id);
    } finally {
      await next.close();
    }
  });

  it('sends a test event to one endpoint whatever it subscribes to', async () => {
    await start();
    const hooks = await receiver();
    const hook = await endpoint(hooks.url, ['key.leaked']);
    const sent = await acme.admin.post(`/v1/webhook-endpoints/${hook.id}/test`);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ type: 'webhook.test', status: 'pending', endpointId: hook.id });
    await hooks.until(() => hooks.accepted().length === 1);
    expect(JSON.parse(hooks.accepted()[0]?.body ?? '{}')).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: hook.id },
    });
  });
});
