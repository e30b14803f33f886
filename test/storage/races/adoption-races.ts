/**
 * Races on what issue 29 adds: a person's externalId, unique per tenant, claimed by two writes at
 * once; one existing key imported twice at once; an imported key's first use against its rotation.
 */
import { createHash, randomBytes } from 'node:crypto';
import { race, user, verifyCode, type AnyRace } from './race.js';

/** A key of another system and its SHA-256, as an import takes it. */
function legacy(): { key: string; body: Record<string, unknown> } {
  const key = `sk_race_${randomBytes(16).toString('hex')}`;
  return {
    key,
    body: {
      name: 'legacy',
      prefix: 'sk_race_',
      hash: { algorithm: 'sha256', value: createHash('sha256').update(key).digest('hex') },
    },
  };
}

/** Which of the two replies' users hold `externalId` now (read back, not taken from the answers). */
async function holders(
  world: Parameters<typeof user>[0],
  userIds: readonly (string | undefined)[],
  externalId: string,
): Promise<number> {
  let count = 0;
  for (const id of userIds) {
    if (id === undefined) continue;
    const read = await world.read(`/v1/users/${id}`);
    if (read.status === 200 && read.body.externalId === externalId) count++;
  }
  return count;
}

export const ADOPTION_RACES: readonly AnyRace[] = [
  race({
    // One hash imported by two requests at once: one key is made, the other request is a conflict.
    name: 'key import vs key import of the same hash',
    // The prefix is registered first, by the node that observes, so its verdict is about the key alone.
    setup: async (world) => {
      await world.make('/v1/keys/import', legacy().body);
      return legacy();
    },
    a: (node, { body }, world) => node.call('POST', '/v1/keys/import', world.adminKey, body),
    b: (node, { body }, world) => node.call('POST', '/v1/keys/import', world.adminKey, body),
    observe: async (world, { key }) => ({ verdict: await verifyCode(world, key) }),
    serial: () => [
      { order: 'a, b', a: 201, b: 409, end: { verdict: 'VALID' } },
      { order: 'b, a', a: 409, b: 201, end: { verdict: 'VALID' } },
    ],
  }),
  race({
    // The first use re-seals the key while a rotation gives it a new secret: the rotation stands,
    // and the old string is unknown after it whichever came first (the re-seal writes only an unchanged hash).
    name: 'imported key first verify vs its rotation',
    setup: async (world) => {
      const { key, body } = legacy();
      const made = await world.make('/v1/keys/import', body);
      return { key, id: made.id as string };
    },
    a: (node, { key }, world) => node.call('POST', '/v1/verify', world.adminKey, { key }),
    b: (node, { id }, world) => node.call('POST', `/v1/keys/${id}/rotate`, world.adminKey, {}),
    outcome: { a: (reply) => reply.body?.code },
    // Read where the rotation was made: the verifying node may still hold the old secret for a poll.
    observe: async (world, { key }, [, rotated]) => ({
      old: (await world.nodes[1].call('POST', '/v1/verify', world.adminKey, { key })).body?.code,
      rotated: rotated.status === 200 ? await verifyCode(world, rotated.body.key) : null,
    }),
    serial: () => [
      { order: 'a, b', a: 'VALID', b: 200, end: { old: 'NOT_FOUND', rotated: 'VALID' } },
      { order: 'b, a', a: 'NOT_FOUND', b: 200, end: { old: 'NOT_FOUND', rotated: 'VALID' } },
    ],
  }),
  race({
    // Two people created at once with one externalId: one is made, the other is a conflict.
    name: 'user create vs user create with the same externalId',
    setup: async (world) => world.unique('ext'),
    a: (node, externalId, world) =>
      node.call('POST', '/v1/users', world.adminKey, {
        name: 'a',
        email: `${externalId}-a@races.example`,
        externalId,
      }),
    b: (node, externalId, world) =>
      node.call('POST', '/v1/users', world.adminKey, {
        name: 'b',
        email: `${externalId}-b@races.example`,
        externalId,
      }),
    observe: async (world, externalId, answers) => ({
      holders: await holders(
        world,
        answers.map((answer) => (answer.status === 201 ? (answer.body.id as string) : undefined)),
        externalId,
      ),
    }),
    serial: () => [
      { order: 'a, b', a: 201, b: 409, end: { holders: 1 } },
      { order: 'b, a', a: 409, b: 201, end: { holders: 1 } },
    ],
  }),
  race({
    // An existing user given the externalId a new one is created with: one of the two holds it.
    name: 'user PATCH externalId vs user create with it',
    setup: async (world) => ({ userId: await user(world), externalId: world.unique('ext') }),
    a: (node, { userId, externalId }, world) =>
      node.call('PATCH', `/v1/users/${userId}`, world.adminKey, { externalId }),
    b: (node, { externalId }, world) =>
      node.call('POST', '/v1/users', world.adminKey, { name: 'b', email: `${externalId}@races.example`, externalId }),
    observe: async (world, { userId, externalId }, [, created]) => ({
      holders: await holders(world, [userId, created.status === 201 ? created.body.id : undefined], externalId),
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 409, end: { holders: 1 } },
      { order: 'b, a', a: 409, b: 201, end: { holders: 1 } },
    ],
  }),
];
