/** Races on users, their MFA, and groups with their members. */
import { codeAt } from '../../support/totp.js';
import { appKey, eitherOrder, group, keyFields, race, statusOf, user, type AnyRace } from './race.js';

/** A user key for `userId`, made by the admin key. */
async function userKey(world: Parameters<typeof appKey>[0], userId: string): Promise<{ id: string; key: string }> {
  return appKey(world, { kind: 'user', userId });
}

export const PEOPLE_RACES: readonly AnyRace[] = [
  race({
    // No live key of a deleted user: the key is refused (404), or made first and revoked with the user.
    name: 'user delete vs key create for that user',
    setup: (world) => user(world),
    a: (node, userId, world) => node.call('DELETE', `/v1/users/${userId}`, world.adminKey),
    b: (node, userId, world) => node.call('POST', '/v1/keys', world.adminKey, { name: 'late', kind: 'user', userId }),
    observe: async (world, userId, [, created]) => ({
      user: await statusOf(world, `/v1/users/${userId}`),
      key: created.status === 201 ? (await keyFields(world, created.body.id, ['status'])).status : null,
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { user: 404, key: null } },
      { order: 'b, a', a: 200, b: 201, end: { user: 404, key: 'revoked' } },
    ],
  }),
  race({
    name: 'user rename vs role change',
    setup: (world) => user(world),
    a: (node, userId, world) =>
      node.call('PATCH', `/v1/users/${userId}`, world.adminKey, { name: `renamed ${userId}` }),
    b: (node, userId, world) => node.call('PATCH', `/v1/users/${userId}`, world.adminKey, { role: 'admin' }),
    observe: async (world, userId) => {
      const read = await world.read(`/v1/users/${userId}`);
      return { name: read.body.name, role: read.body.role };
    },
    serial: (userId) => eitherOrder(200, 200, { name: `renamed ${userId}`, role: 'admin' }),
  }),
  race({
    // A key's groups are its user's: a key made as its user leaves a group is not left in it.
    name: 'group member removal vs key create',
    setup: async (world) => {
      const [userId, groupId] = [await user(world), await group(world)];
      await world.make(`/v1/groups/${groupId}/members`, { userId });
      return { userId, groupId };
    },
    a: (node, { userId, groupId }, world) =>
      node.call('DELETE', `/v1/groups/${groupId}/members/${userId}`, world.adminKey),
    b: (node, { userId }, world) =>
      node.call('POST', '/v1/keys', world.adminKey, { name: 'new', kind: 'user', userId }),
    observe: async (world, { groupId }, [, created]) => ({
      members: (await world.read(`/v1/groups/${groupId}`)).body.memberUserIds,
      keyGroups: created.status === 201 ? (await keyFields(world, created.body.id, ['groupIds'])).groupIds : null,
    }),
    serial: () => eitherOrder(200, 201, { members: [], keyGroups: [] }),
  }),
  race({
    name: 'group delete vs key create into it',
    setup: (world) => group(world),
    a: (node, groupId, world) => node.call('DELETE', `/v1/groups/${groupId}`, world.adminKey),
    b: (node, groupId, world) =>
      node.call('POST', '/v1/keys', world.adminKey, { name: 'new', kind: 'application', groupIds: [groupId] }),
    observe: async (world, groupId, [, created]) => ({
      group: await statusOf(world, `/v1/groups/${groupId}`),
      keyGroups: created.status === 201 ? (await keyFields(world, created.body.id, ['groupIds'])).groupIds : null,
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { group: 404, keyGroups: null } },
      { order: 'b, a', a: 200, b: 201, end: { group: 404, keyGroups: [] } },
    ],
  }),
  race({
    name: 'user delete vs group membership of the user',
    setup: async (world) => ({ userId: await user(world), groupId: await group(world) }),
    a: (node, { userId }, world) => node.call('DELETE', `/v1/users/${userId}`, world.adminKey),
    b: (node, { userId, groupId }, world) =>
      node.call('POST', `/v1/groups/${groupId}/members`, world.adminKey, { userId }),
    observe: async (world, { groupId }) => ({
      members: (await world.read(`/v1/groups/${groupId}`)).body.memberUserIds,
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { members: [] } },
      { order: 'b, a', a: 200, b: 200, end: { members: [] } },
    ],
  }),
  race({
    // The key's own list of groups holds both writes: the member added, and the PATCH's groups.
    name: 'group member add vs key groups PATCH',
    setup: async (world) => ({ key: await appKey(world), joined: await group(world), patched: await group(world) }),
    a: (node, { key, joined }, world) =>
      node.call('POST', `/v1/groups/${joined}/members`, world.adminKey, { keyId: key.id }),
    b: (node, { key, patched }, world) =>
      node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { groupIds: [patched] }),
    observe: (world, { key }) => keyFields(world, key.id, ['groupIds']),
    serial: ({ joined, patched }) => [
      // The PATCH names the key's groups in full: after it, only `patched`; before it, both.
      { order: 'a, b', a: 200, b: 200, end: { groupIds: [patched] } },
      { order: 'b, a', a: 200, b: 200, end: { groupIds: [joined, patched].sort() } },
    ],
  }),
  race({
    // A user's own key may reset only an unconfirmed enrolment; a confirmation landing first stands.
    name: 'MFA reset by its own key vs confirmation',
    setup: async (world) => {
      const userId = await user(world);
      const own = await userKey(world, userId);
      const enrolment = (await world.nodes[0].call('POST', `/v1/users/${userId}/mfa`, own.key, {})).body;
      return { userId, own, secret: enrolment.secret as string };
    },
    a: (node, { userId, own }) => node.call('DELETE', `/v1/users/${userId}/mfa`, own.key),
    b: (node, { userId, secret }, world) =>
      node.call('POST', `/v1/users/${userId}/mfa/confirm`, world.adminKey, { code: codeAt(secret, Date.now()) }),
    observe: async (world, { userId }) => ({ enrolled: (await world.read(`/v1/users/${userId}/mfa`)).body.enrolled }),
    serial: () => [
      { order: 'a, b', a: 200, b: [409, 401], end: { enrolled: false } },
      { order: 'b, a', a: 403, b: 200, end: { enrolled: true } },
    ],
  }),
  race({
    name: 'user delete vs MFA enrolment',
    setup: (world) => user(world),
    a: (node, userId, world) => node.call('DELETE', `/v1/users/${userId}`, world.adminKey),
    b: (node, userId, world) => node.call('POST', `/v1/users/${userId}/mfa`, world.adminKey, {}),
    observe: async (world, userId) => ({ user: await statusOf(world, `/v1/users/${userId}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { user: 404 } },
      { order: 'b, a', a: 200, b: 201, end: { user: 404 } },
    ],
  }),
];
