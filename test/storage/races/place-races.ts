/** Races on tenants, environments, policies and resources. */
import { appKey, eitherOrder, keyFields, policy, race, resource, statusOf, type AnyRace } from './race.js';

export const PLACE_RACES: readonly AnyRace[] = [
  race({
    name: 'tenant rename vs setting',
    setup: async (world) => world.unique('tenant'),
    a: (node, name, world) => node.call('PATCH', `/v1/tenants/${world.tenantId}`, world.adminKey, { name }),
    b: (node, name, world) =>
      node.call('PATCH', `/v1/tenants/${world.tenantId}`, world.adminKey, {
        rotationWindowDays: Number(name.split('-')[1]),
      }),
    observe: async (world) => {
      const read = await world.read(`/v1/tenants/${world.tenantId}`);
      return { name: read.body.name, rotationWindowDays: read.body.rotationWindowDays };
    },
    serial: (name) => eitherOrder(200, 200, { name, rotationWindowDays: Number(name.split('-')[1]) }),
  }),
  race({
    // Tenant names are unique case-insensitively (issue 26): one create wins, the other is refused
    // as taken, however the two land; never two tenants of one name.
    name: 'tenant create vs tenant create of the same name',
    setup: async (world) => world.unique('Twin'),
    a: (node, name, world) => node.call('POST', '/v1/tenants', world.rootKey, { name }),
    b: (node, name, world) => node.call('POST', '/v1/tenants', world.rootKey, { name: name.toUpperCase() }),
    outcome: {
      a: (reply) => (reply.status === 409 ? `409 ${reply.body.field}` : reply.status),
      b: (reply) => (reply.status === 409 ? `409 ${reply.body.field}` : reply.status),
    },
    observe: async (world, name) => {
      const read = await world.nodes[0].call('GET', '/v1/tenants?limit=100', world.rootKey);
      const named = (read.body.items as { name: string }[]).filter((t) => t.name.toLowerCase() === name.toLowerCase());
      return { tenantsOfThatName: named.length };
    },
    serial: () => [
      { order: 'a, b', a: 201, b: '409 name', end: { tenantsOfThatName: 1 } },
      { order: 'b, a', a: '409 name', b: 201, end: { tenantsOfThatName: 1 } },
    ],
  }),
  race({
    name: 'environment rename vs setting',
    setup: async (world) => (await world.make('/v1/environments', { name: world.unique('env') })).id as string,
    a: (node, id, world) => node.call('PATCH', `/v1/environments/${id}`, world.adminKey, { name: `renamed ${id}` }),
    b: (node, id, world) => node.call('PATCH', `/v1/environments/${id}`, world.adminKey, { rotationWindowDays: 3 }),
    observe: async (world, id) => {
      const read = await world.read(`/v1/environments/${id}`);
      return { name: read.body.name, rotationWindowDays: read.body.rotationWindowDays };
    },
    serial: (id) => eitherOrder(200, 200, { name: `renamed ${id}`, rotationWindowDays: 3 }),
  }),
  race({
    // No live key in a deleted environment: the key is refused (404), or counted and the delete refused (409).
    name: 'environment delete vs key create',
    setup: async (world) => (await world.make('/v1/environments', { name: world.unique('env') })).id as string,
    a: (node, id, world) => node.call('DELETE', `/v1/environments/${id}`, world.adminKey),
    b: (node, id, world) =>
      node.call('POST', '/v1/keys', world.adminKey, { environmentId: id, name: 'late', kind: 'application' }),
    observe: async (world, id) => ({ environment: await statusOf(world, `/v1/environments/${id}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { environment: 404 } },
      { order: 'b, a', a: 409, b: 201, end: { environment: 200 } },
    ],
  }),
  race({
    name: 'environment delete vs policy create',
    setup: async (world) => (await world.make('/v1/environments', { name: world.unique('env') })).id as string,
    a: (node, id, world) => node.call('DELETE', `/v1/environments/${id}`, world.adminKey),
    b: (node, id, world) =>
      node.call('POST', '/v1/policies', world.adminKey, { environmentId: id, name: 'late', scopes: ['agent:viewer'] }),
    observe: async (world, id) => ({ environment: await statusOf(world, `/v1/environments/${id}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { environment: 404 } },
      { order: 'b, a', a: 409, b: 201, end: { environment: 200 } },
    ],
  }),
  race({
    // Every linked key gets what the policy says now; the link and the edit both hold.
    name: 'policy edit vs policy link',
    setup: async (world) => ({ policyId: await policy(world, ['agent:viewer']), key: await appKey(world) }),
    a: (node, { policyId }, world) =>
      node.call('PATCH', `/v1/policies/${policyId}`, world.adminKey, { scopes: ['agent:viewer', 'project:viewer'] }),
    b: (node, { policyId, key }, world) =>
      node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { policyIds: [policyId] }),
    observe: async (world, { policyId, key }) => ({
      scopes: (await world.read(`/v1/policies/${policyId}`)).body.scopes,
      ...(await keyFields(world, key.id, ['policyIds'])),
    }),
    serial: ({ policyId }) =>
      eitherOrder(200, 200, { scopes: ['agent:viewer', 'project:viewer'], policyIds: [policyId] }),
  }),
  race({
    name: 'policy rename vs grants',
    setup: (world) => policy(world, ['agent:viewer']),
    a: (node, id, world) => node.call('PATCH', `/v1/policies/${id}`, world.adminKey, { name: `renamed ${id}` }),
    b: (node, id, world) => node.call('PATCH', `/v1/policies/${id}`, world.adminKey, { scopes: ['project:viewer'] }),
    observe: async (world, id) => {
      const read = await world.read(`/v1/policies/${id}`);
      return { name: read.body.name, scopes: read.body.scopes };
    },
    serial: (id) => eitherOrder(200, 200, { name: `renamed ${id}`, scopes: ['project:viewer'] }),
  }),
  race({
    name: 'policy delete vs policy link',
    setup: async (world) => ({ policyId: await policy(world, ['agent:viewer']), key: await appKey(world) }),
    a: (node, { policyId }, world) => node.call('DELETE', `/v1/policies/${policyId}?force=true`, world.adminKey),
    b: (node, { policyId, key }, world) =>
      node.call('PATCH', `/v1/keys/${key.id}`, world.adminKey, { policyIds: [policyId] }),
    observe: async (world, { policyId, key }) => ({
      policy: await statusOf(world, `/v1/policies/${policyId}`),
      ...(await keyFields(world, key.id, ['policyIds'])),
    }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { policy: 404, policyIds: [] } },
      { order: 'b, a', a: 200, b: 200, end: { policy: 404, policyIds: [] } },
    ],
  }),
  race({
    name: 'resource delete vs child create',
    setup: (world) => resource(world, 'namespace'),
    a: (node, id, world) => node.call('DELETE', `/v1/resources/${id}`, world.adminKey),
    b: (node, id, world) =>
      node.call('POST', '/v1/resources', world.adminKey, { type: 'project', name: 'child', parentId: id }),
    observe: async (world, id) => ({ parent: await statusOf(world, `/v1/resources/${id}`) }),
    serial: () => [
      { order: 'a, b', a: 200, b: 404, end: { parent: 404 } },
      { order: 'b, a', a: 409, b: 201, end: { parent: 200 } },
    ],
  }),
  race({
    name: 'resource rename vs metadata',
    setup: (world) => resource(world, 'project'),
    a: (node, id, world) => node.call('PATCH', `/v1/resources/${id}`, world.adminKey, { name: `renamed ${id}` }),
    b: (node, id, world) => node.call('PATCH', `/v1/resources/${id}`, world.adminKey, { metadata: { owner: id } }),
    observe: async (world, id) => {
      const read = await world.read(`/v1/resources/${id}`);
      return { name: read.body.name, metadata: read.body.metadata };
    },
    serial: (id) => eitherOrder(200, 200, { name: `renamed ${id}`, metadata: { owner: id } }),
  }),
  race({
    // Two moves, each checked against the tree as it was, must not close a cycle between them.
    name: 'crossing moves of two folders',
    setup: async (world) => {
      const [left, right] = [await resource(world, 'folder'), await resource(world, 'folder')];
      return {
        left,
        right,
        leftChild: await resource(world, 'folder', left),
        rightChild: await resource(world, 'folder', right),
      };
    },
    a: (node, tree, world) =>
      node.call('PATCH', `/v1/resources/${tree.left}`, world.adminKey, { parentId: tree.rightChild }),
    b: (node, tree, world) =>
      node.call('PATCH', `/v1/resources/${tree.right}`, world.adminKey, { parentId: tree.leftChild }),
    observe: async (world, tree) => ({
      leftParent: (await world.read(`/v1/resources/${tree.left}`)).body.parentId,
      rightParent: (await world.read(`/v1/resources/${tree.right}`)).body.parentId,
    }),
    serial: (tree) => [
      { order: 'a, b', a: 200, b: 400, end: { leftParent: tree.rightChild, rightParent: null } },
      { order: 'b, a', a: 400, b: 200, end: { leftParent: null, rightParent: tree.leftChild } },
    ],
  }),
];
