/** Races on one key: its PATCH fields, rotation, revocation and credits. */
import { appKey, eitherOrder, keyFields, race, verifyCode, type AnyRace } from './race.js';

/** A refused self-rotation: the key's state refused it at authentication (401), or its lock did (409). */
const ROTATION_REFUSED = [401, 409];

export const KEY_RACES: readonly AnyRace[] = [
  race({
    name: 'disable vs rename',
    setup: (world) => appKey(world),
    a: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { enabled: false }),
    b: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { name: `renamed ${key.id}` }),
    observe: (world, key) => keyFields(world, key.id, ['enabled', 'name']),
    serial: (key) => eitherOrder(200, 200, { enabled: false, name: `renamed ${key.id}` }),
  }),
  race({
    name: 'grant removal vs metadata',
    setup: (world) => appKey(world, { scopes: ['agent:viewer', 'project:viewer'] }),
    a: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { scopes: ['project:viewer'] }),
    b: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { metadata: { team: key.id } }),
    observe: (world, key) => keyFields(world, key.id, ['scopes', 'metadata']),
    serial: (key) => eitherOrder(200, 200, { scopes: ['project:viewer'], metadata: { team: key.id } }),
  }),
  race({
    name: 'revoke vs self-rotate',
    setup: (world) => appKey(world),
    a: (node, key, world) => node.call('POST', `/v1/keys/${key.id}/revoke`, world.adminKey),
    b: (node, key) => node.call('POST', `/v1/keys/${key.id}/rotate`, key.key, {}),
    // The key stays revoked, and a secret the rotation handed out is revoked with it.
    observe: async (world, key, [, rotated]) => ({
      ...(await keyFields(world, key.id, ['status'])),
      rotatedSecret: rotated.status === 200 ? await verifyCode(world, rotated.body.key) : null,
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: ROTATION_REFUSED, end: { status: 'revoked', rotatedSecret: null } },
      { order: 'b, a', a: 200, b: 200, end: { status: 'revoked', rotatedSecret: 'REVOKED' } },
    ],
  }),
  race({
    name: 'disable vs self-rotate',
    setup: (world) => appKey(world),
    a: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { enabled: false }),
    b: (node, key) => node.call('POST', `/v1/keys/${key.id}/rotate`, key.key, {}),
    observe: (world, key) => keyFields(world, key.id, ['enabled']),
    serial: () => [
      { order: 'a, b', a: 200, b: 401, end: { enabled: false } },
      { order: 'b, a', a: 200, b: 200, end: { enabled: false } },
    ],
  }),
  race({
    name: 'self-rotate vs self-rotate with one secret',
    setup: (world) => appKey(world),
    a: (node, key) => node.call('POST', `/v1/keys/${key.id}/rotate`, key.key, {}),
    b: (node, key) => node.call('POST', `/v1/keys/${key.id}/rotate`, key.key, {}),
    // The secret each successful rotation handed out works: no rotation replaced one it did not see.
    observe: async (world, _key, answers) => {
      const codes = await Promise.all(
        answers.map(async (answer) => (answer.status === 200 ? verifyCode(world, answer.body.key) : null)),
      );
      return { a: codes[0], b: codes[1] };
    },
    serial: () => [
      { order: 'a, b', a: 200, b: ROTATION_REFUSED, end: { a: 'VALID', b: null } },
      { order: 'b, a', a: ROTATION_REFUSED, b: 200, end: { a: null, b: 'VALID' } },
    ],
  }),
  race({
    name: 'revoke vs enable',
    setup: async (world) => {
      const key = await appKey(world);
      const disabled = await world.nodes[0].call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { enabled: false });
      if (disabled.status !== 200) throw new Error(`setup: disabling answered ${disabled.status}`);
      return key;
    },
    a: (node, key, world) => node.call('POST', `/v1/keys/${key.id}/revoke`, world.adminKey),
    b: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { enabled: true }),
    observe: (world, key) => keyFields(world, key.id, ['status']),
    serial: () => [
      { order: 'a, b', a: 200, b: 409, end: { status: 'revoked' } },
      { order: 'b, a', a: 200, b: 200, end: { status: 'revoked' } },
    ],
  }),
  race({
    // Credits bought while a verify spends: neither is lost, and a verify spends only what is there.
    name: 'credits add vs spend',
    setup: (world) => appKey(world, { credits: { remaining: 0 } }),
    a: (node, key, world) => node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { creditsAdd: 10 }),
    b: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: 1 }),
    outcome: { b: (reply) => reply.body?.code },
    observe: async (world, key) => ({ remaining: (await world.read(`/v1/keys/${key.id}`)).body.credits?.remaining }),
    serial: () => [
      { order: 'a, b', a: 200, b: 'VALID', end: { remaining: 9 } },
      { order: 'b, a', a: 200, b: 'USAGE_EXCEEDED', end: { remaining: 10 } },
    ],
  }),
  race({
    // Issue 27: exact spends asked for in one turn go to storage as one statement of every key in
    // them (src/storage/credit-spend-batch.ts). Two spends of 30 at once on one node (batched,
    // 60 together) against one of 30 on the other, 70 credits: two of the three are spent, never
    // all three, and a batch the balance no longer covers is spent one at a time.
    name: 'batched credit spends vs a spend on another node',
    setup: (world) => appKey(world, { credits: { remaining: 70 } }),
    a: async (node, key, world) => {
      const spend = () => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: 30 });
      const replies = await Promise.all([spend(), spend()]);
      const codes = replies.map((reply) => reply.body?.code).sort();
      return { status: replies[0].status, headers: {}, body: { code: codes.join(',') } };
    },
    b: (node, key, world) => node.call('POST', '/v1/verify', world.adminKey, { key: key.key, cost: 30 }),
    outcome: { a: (reply) => reply.body?.code, b: (reply) => reply.body?.code },
    observe: async (world, key) => ({ remaining: (await world.read(`/v1/keys/${key.id}`)).body.credits?.remaining }),
    serial: () => [
      { order: 'a, b', a: 'VALID,VALID', b: 'USAGE_EXCEEDED', end: { remaining: 10 } },
      { order: 'b, a', a: 'USAGE_EXCEEDED,VALID', b: 'VALID', end: { remaining: 10 } },
    ],
  }),
];
