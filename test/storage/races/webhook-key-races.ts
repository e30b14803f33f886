/** Races on webhook keys (rotate, delete, bind) and on leaked-key reports (issue 24). */
import { createHmac } from 'node:crypto';
import type { Reply } from '../../support/keyward.js';
import type { RaceWorld } from '../concurrency-world.js';
import { appKey, keyFields, race, resource, statusOf, verifyCode, type AnyRace } from './race.js';

const BODY = 'Hello, World!';

/** A GitHub-scheme webhook key of the world's environment. */
async function webhookKey(world: RaceWorld, webhookId?: string): Promise<string> {
  const body = {
    name: world.unique('webhook-key'),
    scheme: 'github',
    ...(webhookId === undefined ? {} : { webhookId }),
  };
  return (await world.make('/v1/webhook-keys', body)).id;
}

/** Whether a delivery signed with `secret` verifies under the webhook key now (null: no secret was handed out). */
async function verifies(world: RaceWorld, id: string, secret: string | undefined): Promise<boolean | null> {
  if (secret === undefined) return null;
  const signature = `sha256=${createHmac('sha256', secret).update(BODY).digest('hex')}`;
  const reply = await world.nodes[0].call('POST', `/v1/webhook-keys/${id}/verify`, world.adminKey, {
    headers: { 'x-hub-signature-256': signature },
    body: BODY,
  });
  return reply.body?.valid ?? null;
}

const report = (token: string) => [{ token, type: 'keyward_api_key', url: '', source: 'content' }];
const label = (reply: Reply): string => (reply.status === 200 ? reply.body?.[0]?.label : String(reply.status));

/** The revocations on record for a key. */
async function revocations(world: RaceWorld, keyId: string): Promise<number> {
  return (await world.read(`/v1/audit?targetId=${keyId}&action=key.revoke`)).body.items.length;
}

export const WEBHOOK_KEY_RACES: readonly AnyRace[] = [
  race({
    name: 'webhook key rotate vs delete',
    setup: (world) => webhookKey(world),
    a: (node, id, world) => node.call('POST', `/v1/webhook-keys/${id}/rotate`, world.adminKey, {}),
    b: (node, id, world) => node.call('DELETE', `/v1/webhook-keys/${id}`, world.adminKey),
    observe: async (world, id) => ({ key: await statusOf(world, `/v1/webhook-keys/${id}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { key: 404 } },
      { order: 'b, a', a: 404, b: 200, end: { key: 404 } },
    ],
  }),
  race({
    // With no grace, the secret of the rotation that went last is the one that verifies, and only it.
    name: 'webhook key rotate vs rotate',
    setup: (world) => webhookKey(world),
    a: (node, id, world) =>
      node.call('POST', `/v1/webhook-keys/${id}/rotate`, world.adminKey, { gracePeriodSeconds: 0 }),
    b: (node, id, world) =>
      node.call('POST', `/v1/webhook-keys/${id}/rotate`, world.adminKey, { gracePeriodSeconds: 0 }),
    observe: async (world, id, [a, b]) => ({
      a: await verifies(world, id, a.body?.secret),
      b: await verifies(world, id, b.body?.secret),
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 200, end: { a: false, b: true } },
      { order: 'b, a', a: 200, b: 200, end: { a: true, b: false } },
    ],
  }),
  race({
    // No webhook key bound to a deleted webhook: the binding is refused (404), or counted and the delete refused (409).
    name: 'webhook key bind vs webhook delete',
    setup: (world) => resource(world, 'webhook'),
    a: (node, webhookId, world) =>
      node.call('POST', '/v1/webhook-keys', world.adminKey, { name: 'late', scheme: 'slack', webhookId }),
    b: (node, webhookId, world) => node.call('DELETE', `/v1/resources/${webhookId}`, world.adminKey),
    observe: async (world, webhookId, [bound]) => ({
      webhook: await statusOf(world, `/v1/resources/${webhookId}`),
      key: bound.status === 201 ? await statusOf(world, `/v1/webhook-keys/${bound.body.id}`) : null,
    }),
    serial: () => [
      { order: 'a, b', a: 201, b: 409, end: { webhook: 200, key: 200 } },
      { order: 'b, a', a: 404, b: 200, end: { webhook: 404, key: null } },
    ],
  }),
  race({
    // Two scanners report one key at once: it is revoked once, with one event on record.
    name: 'leaked report vs leaked report of one key',
    setup: (world) => appKey(world),
    a: (node, key, world) => node.call('POST', '/v1/leaked-keys', world.adminKey, report(key.key)),
    b: (node, key, world) => node.call('POST', '/v1/leaked-keys', world.adminKey, report(key.key)),
    outcome: { a: label, b: label },
    observe: async (world, key) => ({
      ...(await keyFields(world, key.id, ['status'])),
      revocations: await revocations(world, key.id),
    }),
    serial: () => [
      { order: 'a, b', a: 'true_positive', b: 'true_positive', end: { status: 'revoked', revocations: 1 } },
      { order: 'b, a', a: 'true_positive', b: 'true_positive', end: { status: 'revoked', revocations: 1 } },
    ],
  }),
  race({
    // A leak of the secret a rotation replaces at once: revoked first (the rotation is refused), or
    // rotated first (the leaked secret no longer works, so the key lives on under its new one).
    name: 'leaked report vs self-rotate',
    setup: (world) => appKey(world),
    a: (node, key, world) => node.call('POST', '/v1/leaked-keys', world.adminKey, report(key.key)),
    b: (node, key) => node.call('POST', `/v1/keys/${key.id}/rotate`, key.key, { gracePeriodSeconds: 0 }),
    outcome: { a: label },
    observe: async (world, key, [, rotated]) => ({
      ...(await keyFields(world, key.id, ['status'])),
      rotatedSecret: rotated.status === 200 ? await verifyCode(world, rotated.body.key) : null,
    }),
    serial: () => [
      { order: 'a, b', a: 'true_positive', b: [401, 409], end: { status: 'revoked', rotatedSecret: null } },
      // Rotated with no grace, the old secret is stored nowhere: a report after it finds no key
      // (false_positive, test/http/leaked-keys.test.ts). A report whose lookup came just before the
      // rotation and its lock just after labels the secret it found (true_positive) and, finding it
      // no longer the key's, revokes nothing: the same end.
      {
        order: 'b, a',
        a: ['false_positive', 'true_positive'],
        b: 200,
        end: { status: 'active', rotatedSecret: 'VALID' },
      },
    ],
  }),
];
