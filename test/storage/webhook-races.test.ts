/**
 * The outbox's own write paths under concurrency (SPEC §4: decisions hold under concurrency), on
 * every database (on PostgreSQL two nodes): two claimers at once, a claim meeting an endpoint's
 * change, two secret rotations, two redeliveries, a redelivery meeting a deletion, the log's
 * pruning waiting on a redelivery.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newId } from '../../src/core/ids.js';
import type { Config } from '../../src/http/config.js';
import type { Db } from '../../src/storage/database.js';
import { DAY_MS } from '../../src/core/clock.js';
import { lockDelivery, requeueDelivery } from '../../src/modules/webhooks/deliveries.repository.js';
import { claimDue } from '../../src/modules/webhooks/delivery-claims.repository.js';
import { pruneDeliveryLog } from '../../src/modules/webhooks/delivery-log-pruning.js';
import { insertDelivery } from '../../src/modules/webhooks/outbox.js';
import { cluster } from '../support/cluster.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { seedTenant, startKeyward, type Reply } from '../support/keyward.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const TRIALS = 8;
const CONFIG: Partial<Config> = { webhookAllowPrivate: true, webhookPollMs: 20, webhookConcurrency: 4 };

type Call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => Promise<Reply>;

interface Side {
  readonly db: Db;
  readonly call: Call;
}

interface World {
  readonly sides: readonly [Side, Side];
  readonly tenantId: string;
  close(): Promise<void>;
}

/** Two nodes on one PostgreSQL schema, or SQLite's one node twice; each side calls as the tenant's admin. */
async function openWorld(database: TestDatabase): Promise<World> {
  const postgresUrl = inject('postgresUrl');
  if (database.name === 'postgres' && postgresUrl !== null) {
    const shared = cluster(postgresUrl);
    const first = await shared.start({ config: CONFIG });
    const second = await shared.start({ config: CONFIG });
    const root = first.keyward.rootKey.createdKey as string;
    const tenant = await first.call('POST', '/v1/tenants', root, { name: 'Races' });
    const tenantId: string = tenant.body.id;
    // As root: a creation names the tenant, everything else names its object by id.
    const side = (node: typeof first): Side => ({
      db: node.keyward.storage.db,
      call: async (method, url, body) => {
        const named = method === 'POST' && url === '/v1/webhook-endpoints' ? { tenantId, ...(body as object) } : body;
        const answer = await node.call(method, url, root, named);
        return { status: answer.status, headers: answer.headers, body: answer.body };
      },
    });
    return { sides: [side(first), side(second)], tenantId, close: () => shared.close() };
  }
  const kw = await startKeyward(database, { config: CONFIG });
  const acme = await seedTenant(kw);
  const only: Side = {
    db: kw.keyward.storage.db,
    call: (method, url, body) => {
      if (method === 'GET') return acme.admin.get(url);
      if (method === 'DELETE') return acme.admin.delete(url);
      return method === 'PATCH' ? acme.admin.patch(url, body) : acme.admin.post(url, body);
    },
  };
  return { sides: [only, only], tenantId: acme.tenantId, close: () => kw.close() };
}

/** A delivery in the endpoint's outbox, in `status` (of key `keyId`, or its own order). */
async function delivery(db: Db, world: World, endpointId: string, status: string, keyId: string | null = null) {
  const now = Date.now();
  await db.transaction().execute((trx) =>
    insertDelivery(
      trx,
      {
        endpointId,
        tenantId: world.tenantId,
        environmentId: null,
        type: 'key.updated',
        keyId,
        messageId: newId('message', now),
        payload: '{}',
      },
      now,
    ),
  );
  const row = await db
    .updateTable('webhook_deliveries')
    .set({ status })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

for (const database of testDatabases()) {
  describe(`webhook writes racing on ${database.name}`, () => {
    let world: World;
    let hooks: Receiver;
    beforeAll(async () => {
      world = await openWorld(database);
      hooks = await startReceiver();
    });
    afterAll(async () => {
      await world?.close();
      await hooks?.close();
    });
    const [a, b] = [() => world.sides[0], () => world.sides[1]];
    const endpoint = async (enabled: boolean, url = 'https://hooks.example/x'): Promise<string> => {
      const made = await a().call('POST', '/v1/webhook-endpoints', { url, events: ['key.updated'], enabled });
      expect(made.status).toBe(201);
      return made.body.id;
    };

    it('two claimers at once never claim one delivery twice nor pass the endpoint’s bound', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        // Disabled while filled, so no node's worker claims first; then enabled for the two claimers.
        const id = await endpoint(false);
        for (let n = 0; n < 12; n++) await delivery(a().db, world, id, 'pending', newId('key', Date.now()));
        await a().db.updateTable('webhook_endpoints').set({ enabled: 1 }).where('id', '=', id).execute();
        const options = { now: Date.now(), leaseMs: 60_000, perEndpoint: 4 };
        const [first, second] = await Promise.all([
          claimDue(a().db, { ...options, nodeId: 'node_a' }),
          claimDue(b().db, { ...options, nodeId: 'node_b' }),
        ]);
        const ids = [...first, ...second].flatMap((batch) =>
          batch.deliveries.filter((d) => d.endpoint_id === id).map((d) => d.id),
        );
        expect(new Set(ids).size).toBe(ids.length);
        const sending = await a()
          .db.selectFrom('webhook_deliveries')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('endpoint_id', '=', id)
          .where('status', '=', 'sending')
          .executeTakeFirstOrThrow();
        expect(Number(sending.count)).toBeLessThanOrEqual(4);
        await a().db.updateTable('webhook_endpoints').set({ enabled: 0 }).where('id', '=', id).execute();
      }
    });

    it('an endpoint’s change meeting a claim is neither lost nor waited on forever', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const id = await endpoint(false);
        await delivery(a().db, world, id, 'pending');
        await a().db.updateTable('webhook_endpoints').set({ enabled: 1 }).where('id', '=', id).execute();
        const moved = `https://hooks.example/moved/${trial}`;
        const [claimed, changed] = await Promise.all([
          claimDue(a().db, { nodeId: 'node_a', now: Date.now(), leaseMs: 60_000, perEndpoint: 4 }),
          b().call('PATCH', `/v1/webhook-endpoints/${id}`, { url: moved, enabled: false }),
        ]);
        expect(changed.status).toBe(200);
        const read = await a().call('GET', `/v1/webhook-endpoints/${id}`);
        expect(read.body).toMatchObject({ url: moved, enabled: false });
        // Claimed before the change (the old URL, enabled) or not at all: never half of each.
        for (const batch of claimed.filter((candidate) => candidate.endpoint.id === id)) {
          expect(batch.endpoint).toMatchObject({ url: 'https://hooks.example/x', enabled: true });
        }
      }
    });

    it('two secret rotations at once: a delivery after both verifies under both secrets they handed out', async () => {
      const id = await endpoint(true, hooks.url);
      for (let trial = 0; trial < TRIALS; trial++) {
        const [first, second] = await Promise.all([
          a().call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { gracePeriodSeconds: 600 }),
          b().call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { gracePeriodSeconds: 600 }),
        ]);
        expect([first.status, second.status]).toEqual([200, 200]);
        const before = hooks.accepted().length;
        expect((await a().call('POST', `/v1/webhook-endpoints/${id}/test`)).status).toBe(201);
        await hooks.until(() => hooks.accepted().length > before);
        const sent = hooks.accepted()[before];
        const headers = sent?.headers as Record<string, string>;
        // The later rotation kept the earlier one's secret signing: each caller's secret verifies.
        for (const secret of [first.body.secret, second.body.secret]) {
          expect(() => new Webhook(secret).verify(sent?.body ?? '', headers)).not.toThrow();
        }
      }
    });

    it('two redeliveries at once: one answers, the other finds it due already', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const id = await endpoint(false);
        const dead = await delivery(a().db, world, id, 'dead');
        const path = `/v1/webhook-endpoints/${id}/deliveries/${dead}/redeliver`;
        const answers = await Promise.all([a().call('POST', path), b().call('POST', path)]);
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
        const log = await a().call('GET', `/v1/webhook-endpoints/${id}/deliveries`);
        expect(log.body.items[0]).toMatchObject({ id: dead, status: 'pending', attempts: 0 });
      }
    });

    it('a redelivery meeting the endpoint’s deletion leaves nothing behind', async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const id = await endpoint(false);
        const dead = await delivery(a().db, world, id, 'dead');
        const [removed, redelivered] = await Promise.all([
          a().call('DELETE', `/v1/webhook-endpoints/${id}`),
          b().call('POST', `/v1/webhook-endpoints/${id}/deliveries/${dead}/redeliver`),
        ]);
        expect(removed.status).toBe(200);
        expect([200, 404]).toContain(redelivered.status);
        const left = await a().db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id).execute();
        expect(left).toEqual([]);
      }
    });

    it('the log’s pruning that waited on a redelivery leaves the redelivered delivery to be sent', async () => {
      const id = await endpoint(false);
      const dead = await delivery(a().db, world, id, 'dead');
      const monthAgo = Date.now() - 30 * DAY_MS;
      await a()
        .db.updateTable('webhook_deliveries')
        .set({ next_attempt_at: monthAgo })
        .where('id', '=', dead)
        .execute();
      let pruning: Promise<number> | undefined;
      await a()
        .db.transaction()
        .execute(async (trx) => {
          await lockDelivery(trx, dead);
          await requeueDelivery(trx, dead, Date.now());
          // Started while the redelivery holds the row: it reads the row as dead and old, then waits for it.
          pruning = pruneDeliveryLog(b().db, Date.now(), 7);
          await new Promise((resolve) => setTimeout(resolve, 100));
        });
      await pruning;
      const log = await a().call('GET', `/v1/webhook-endpoints/${id}/deliveries`);
      expect(log.body.items).toMatchObject([{ id: dead, status: 'pending', attempts: 0 }]);
    });
  });
}
