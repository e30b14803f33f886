/**
 * A leaked key's events out (SPEC §4): the report that revokes a key tells the tenant's endpoints
 * `key.revoked` and then `key.leaked`, where it was found and which key, never the token; a second
 * report of the same key tells them nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type Seeded, type TestKeyward } from '../support/keyward.js';
import { created } from '../support/problem.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const WHERE = 'https://github.com/octocat/hello/blob/1234567/config.js';

describe.each(testDatabases())('leaked-key events on $name', (testDb) => {
  let kw: TestKeyward;
  let acme: Seeded;
  let hooks: Receiver;
  beforeAll(async () => {
    // The receiver runs on 127.0.0.1: private targets are allowed here, and retries are quick.
    kw = await startKeyward(testDb, {
      config: { webhookAllowPrivate: true, webhookPollMs: 20, webhookRetryScheduleMs: [40, 40] },
    });
    acme = await seedTenant(kw);
    hooks = await startReceiver();
    created(await acme.admin.post('/v1/webhook-endpoints', { url: hooks.url, events: ['key.revoked', 'key.leaked'] }));
  });
  afterAll(async () => {
    await kw?.close();
    await hooks?.close();
  });

  it('tells the endpoints key.revoked then key.leaked, once, without the token', async () => {
    const leaky = created(await acme.admin.post('/v1/keys', { name: 'leaky', kind: 'application' }));
    const report = [{ token: leaky.key, type: 'keyward_api_key', url: WHERE, source: 'commit' }];
    expect((await kw.client().post('/v1/leaked-keys', report)).status).toBe(200);
    expect((await kw.client().post('/v1/leaked-keys', report)).status).toBe(200);

    await hooks.until((received) => received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const events = hooks.received.map((request) => JSON.parse(request.body));
    expect(events.map((event) => event.type)).toEqual(['key.revoked', 'key.leaked']);
    expect(events[1].data).toEqual({
      keyId: leaky.id,
      tenantId: acme.tenantId,
      environmentId: acme.environmentId,
      url: WHERE,
      source: 'commit',
      secretType: 'keyward_api_key',
    });
    expect(events[0].data).toMatchObject({ keyId: leaky.id, reason: 'leaked' });
    for (const request of hooks.received) expect(request.body).not.toContain(leaky.key);
  });
});
