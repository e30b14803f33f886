/**
 * Races on one webhook endpoint: its PATCH fields, secret rotation and deletion, and a manual
 * redelivery meeting the delivery log's pruning.
 */
import { DAY_MS } from '../../../src/core/clock.js';
import { newId } from '../../../src/core/ids.js';
import { pruneDeliveryLog } from '../../../src/modules/webhooks/delivery-log-pruning.js';
import { insertDelivery } from '../../../src/modules/webhooks/outbox.js';
import type { Reply } from '../../support/keyward.js';
import type { RaceWorld } from '../concurrency-world.js';
import { eitherOrder, race, statusOf, type AnyRace } from './race.js';

/** A disabled endpoint at an address nobody answers: nothing is sent while the rows race. */
async function endpoint(world: RaceWorld): Promise<string> {
  return (
    await world.make('/v1/webhook-endpoints', {
      url: `https://hooks.example/${world.unique('hook')}`,
      events: ['key.created'],
      enabled: false,
    })
  ).id as string;
}

async function endpointFields(world: RaceWorld, id: string, fields: readonly string[]): Promise<unknown> {
  const read = await world.read(`/v1/webhook-endpoints/${id}`);
  return Object.fromEntries(fields.map((field) => [field, read.body[field]]));
}

/** Retention the pruning race prunes with; its dead delivery's last attempt was due twice that long ago. */
const RETENTION_DAYS = 1;

/** A disabled endpoint with one dead delivery past the log's retention: what a scan would prune. */
async function deadPastRetention(world: RaceWorld): Promise<{ endpointId: string; deliveryId: string }> {
  const endpointId = await endpoint(world);
  const due = Date.now() - 2 * RETENTION_DAYS * DAY_MS;
  const messageId = newId('message', due);
  await world.db.transaction().execute((trx) =>
    insertDelivery(
      trx,
      {
        endpointId,
        tenantId: world.tenantId,
        environmentId: null,
        type: 'key.updated',
        keyId: null,
        messageId,
        payload: '{}',
      },
      due,
    ),
  );
  // Dead after its last retry: no route writes this state, the delivery worker does.
  const row = await world.db
    .updateTable('webhook_deliveries')
    .set({ status: 'dead', attempts: 7 })
    .where('message_id', '=', messageId)
    .returning('id')
    .executeTakeFirstOrThrow();
  return { endpointId, deliveryId: row.id };
}

/**
 * One scan's pruning, as the node holding the scanner's lease runs it (no route does). Started up
 * to 20 ms late at random, so that the trials land across the redelivery's transaction: without the
 * pruning's re-check on PostgreSQL, half of them removed a delivery the redelivery answered 200 for.
 */
async function prune(world: RaceWorld): Promise<Reply> {
  await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20)));
  const removed = await pruneDeliveryLog(world.db, Date.now(), RETENTION_DAYS);
  return { status: 200, headers: {}, body: { removed } };
}

export const WEBHOOK_RACES: readonly AnyRace[] = [
  race({
    name: 'webhook endpoint events vs description',
    setup: endpoint,
    a: (node, id, world) =>
      node.call('PATCH', `/v1/webhook-endpoints/${id}`, world.adminKey, { events: ['key.revoked', 'key.leaked'] }),
    b: (node, id, world) => node.call('PATCH', `/v1/webhook-endpoints/${id}`, world.adminKey, { description: id }),
    observe: (world, id) => endpointFields(world, id, ['events', 'description']),
    serial: (id) => eitherOrder(200, 200, { events: ['key.revoked', 'key.leaked'], description: id }),
  }),
  race({
    // A rotation writes only the secrets, an edit only its fields: neither undoes the other.
    name: 'webhook secret rotation vs url change',
    setup: endpoint,
    a: (node, id, world) =>
      node.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, world.adminKey, { gracePeriodSeconds: 600 }),
    b: (node, id, world) =>
      node.call('PATCH', `/v1/webhook-endpoints/${id}`, world.adminKey, { url: `https://hooks.example/moved/${id}` }),
    observe: async (world, id) => {
      const read = await world.read(`/v1/webhook-endpoints/${id}`);
      return { url: read.body.url, overlapping: read.body.previousSecretValidUntil !== null };
    },
    serial: (id) => eitherOrder(200, 200, { url: `https://hooks.example/moved/${id}`, overlapping: true }),
  }),
  race({
    name: 'webhook endpoint delete vs change',
    setup: endpoint,
    a: (node, id, world) => node.call('DELETE', `/v1/webhook-endpoints/${id}`, world.adminKey),
    b: (node, id, world) => node.call('PATCH', `/v1/webhook-endpoints/${id}`, world.adminKey, { description: 'late' }),
    observe: async (world, id) => ({ endpoint: await statusOf(world, `/v1/webhook-endpoints/${id}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { endpoint: 404 } },
      { order: 'b, a', a: 200, b: 200, end: { endpoint: 404 } },
    ],
  }),
  race({
    // Redelivered first: due now and pending, so no longer the log's to prune. Pruned first: the
    // redelivery finds nothing (404), never a 500 nor a 200 for a delivery that is gone.
    name: 'webhook redelivery vs delivery-log pruning',
    setup: deadPastRetention,
    a: (node, { endpointId, deliveryId }, world) =>
      node.call('POST', `/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`, world.adminKey),
    b: (_node, _state, world) => prune(world),
    observe: async (world, { endpointId }) => {
      const log = await world.read(`/v1/webhook-endpoints/${endpointId}/deliveries`);
      return { log: log.body.items.map((item: { status: string }) => item.status) };
    },
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { log: ['pending'] } },
      { order: 'b, a', a: 404, b: 200, end: { log: [] } },
    ],
  }),
];
