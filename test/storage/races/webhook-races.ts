/** Races on one webhook endpoint: its PATCH fields, secret rotation and deletion. */
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
];
