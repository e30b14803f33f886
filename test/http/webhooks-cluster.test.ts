/**
 * Events out on several nodes (SPEC §4, issue 24): two nodes on one PostgreSQL database send each
 * of 1 000 deliveries once, a key's in order; a node killed while holding claims loses none, since
 * another node sends them once the claims' lease ends. SQLite has one node: PostgreSQL only.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import type { Config } from '../../src/http/config.js';
import { emitEvent } from '../../src/modules/webhooks/outbox.js';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const postgresUrl = inject('postgresUrl');

const CONFIG: Partial<Config> = {
  webhookAllowPrivate: true,
  webhookPollMs: 20,
  webhookConcurrency: 8,
  webhookTimeoutMs: 1000,
  webhookLeaseMs: 2500,
  webhookRetryScheduleMs: [50, 50, 50, 50],
};

/** A tenant with an endpoint at `url` hearing `key.updated`, made through `node` as root. */
async function tenantWithEndpoint(node: Node, url: string): Promise<{ tenantId: string }> {
  const root = node.keyward.rootKey.createdKey as string;
  const tenant = await node.call('POST', '/v1/tenants', root, { name: 'Acme' });
  const hook = await node.call('POST', '/v1/webhook-endpoints', root, {
    tenantId: tenant.body.id,
    url,
    events: ['key.updated'],
  });
  expect(hook.status).toBe(201);
  return { tenantId: tenant.body.id };
}

/** `count` events, spread over `keys` keys (the n-th to key n % keys), committed in one transaction. */
async function emitMany(node: Node, tenantId: string, count: number, keys: number): Promise<void> {
  const now = Date.now();
  const keyIds = Array.from({ length: keys }, () => newId('key', now));
  await node.keyward.storage.db.transaction().execute(async (trx) => {
    for (let n = 0; n < count; n++) {
      const keyId = keyIds[n % keys] as string;
      await emitEvent(trx, { tenantId, environmentId: null, type: 'key.updated', keyId, data: { keyId, n } }, now);
    }
  });
}

const bodyOf = (body: string): { data: { keyId: string; n: number } } => JSON.parse(body);

describe.skipIf(postgresUrl === null)('webhook delivery on two PostgreSQL nodes', () => {
  let shared: Cluster;
  let hooks: Receiver;
  afterEach(async () => {
    await shared?.close();
    await hooks?.close();
  });

  it('sends each of 1 000 deliveries once, each key’s in order', { timeout: 120_000 }, async () => {
    shared = cluster(postgresUrl as string);
    hooks = await startReceiver();
    const first = await shared.start({ config: CONFIG });
    const second = await shared.start({ config: CONFIG });
    const { tenantId } = await tenantWithEndpoint(first, hooks.url);
    await emitMany(first, tenantId, 1000, 50);
    first.keyward.webhooks.wake();
    second.keyward.webhooks.wake();
    await hooks.until((received) => received.length >= 1000, 100_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received).toHaveLength(1000);
    expect(new Set(hooks.received.map((request) => request.id)).size).toBe(1000);
    const byKey = new Map<string, number[]>();
    for (const request of hooks.received) {
      const { data } = bodyOf(request.body);
      byKey.set(data.keyId, [...(byKey.get(data.keyId) ?? []), data.n]);
    }
    expect(byKey.size).toBe(50);
    for (const sent of byKey.values()) expect(sent).toEqual([...sent].sort((a, b) => a - b));
  });

  it('loses none of the deliveries a killed node had claimed: another node sends them', {
    timeout: 60_000,
  }, async () => {
    shared = cluster(postgresUrl as string);
    let answering = false;
    hooks = await startReceiver(() => (answering ? 204 : 'hang'));
    const doomed = await shared.start({ config: CONFIG });
    const { tenantId } = await tenantWithEndpoint(doomed, hooks.url);
    await emitMany(doomed, tenantId, 20, 20);
    doomed.keyward.webhooks.wake();
    // The doomed node holds as many claims as the endpoint allows, each mid-send.
    await hooks.until((received) => received.length === 8);
    doomed.keyward.webhooks.halt();
    answering = true;
    const survivor = await shared.start({ config: CONFIG });
    survivor.keyward.webhooks.wake();
    await hooks.until(() => hooks.accepted().length >= 20, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const accepted = hooks.accepted();
    expect(accepted).toHaveLength(20);
    expect(new Set(accepted.map((request) => bodyOf(request.body).data.n))).toEqual(
      new Set(Array.from({ length: 20 }, (_, n) => n)),
    );
    // The eight cut short by the kill were sent again, under the same webhook-id.
    const cut = new Set(hooks.received.filter((request) => request.status === 0).map((request) => request.id));
    expect(cut.size).toBe(8);
    for (const id of cut) expect(accepted.some((request) => request.id === id)).toBe(true);
  });
});
