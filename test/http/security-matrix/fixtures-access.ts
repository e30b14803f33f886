/** Fixtures of policies and sharing groups (SPEC §5: `users.manage`; tenant-wide policies also `tenant.manage`). */
import type { Fixtures } from './fixture.js';
import { newGroup, newKey, newPolicy } from './objects.js';

const USERS = ['users.manage'];
/** What a key holding users.manage still lacks to change a tenant-wide policy, or to fill a group it is not in. */
const TENANT = ['tenant.manage'];
/** Policies are listed to either: users.manage (all of them) or tenant.manage (the tenant-wide ones, issue 23). */
const EITHER = ['users.manage', 'tenant.manage'];

export const ACCESS_FIXTURES: Fixtures = {
  'POST /v1/policies': {
    prepare: async (world) => ({
      url: '/v1/policies',
      body: { environmentId: world.home.environmentId, name: world.unique('policy') },
      needs: USERS,
    }),
  },
  'GET /v1/policies': {
    prepare: async (world) => ({ url: `/v1/policies?environmentId=${world.home.environmentId}`, needs: EITHER }),
  },
  'GET /v1/policies/:id': {
    prepare: async (world) => ({ url: `/v1/policies/${await newPolicy(world)}`, needs: USERS }),
  },
  'PATCH /v1/policies/:id': {
    prepare: async (world) => ({
      url: `/v1/policies/${await newPolicy(world, 'tenant')}`,
      body: { name: world.unique('renamed') },
      needs: TENANT,
    }),
  },
  'DELETE /v1/policies/:id': {
    prepare: async (world) => ({ url: `/v1/policies/${await newPolicy(world, 'tenant')}`, needs: TENANT }),
  },
  'POST /v1/groups': {
    prepare: async (world) => ({
      url: '/v1/groups',
      body: { tenantId: world.home.tenantId, name: world.unique('group') },
      needs: USERS,
    }),
  },
  'GET /v1/groups': {
    prepare: async (world) => ({ url: `/v1/groups?tenantId=${world.home.tenantId}`, needs: USERS }),
  },
  'GET /v1/groups/:id': {
    prepare: async (world) => ({ url: `/v1/groups/${await newGroup(world)}`, needs: USERS }),
  },
  'PATCH /v1/groups/:id': {
    prepare: async (world) => ({
      url: `/v1/groups/${await newGroup(world)}`,
      body: { name: world.unique('renamed') },
      needs: USERS,
    }),
  },
  'DELETE /v1/groups/:id': {
    prepare: async (world) => ({ url: `/v1/groups/${await newGroup(world)}`, needs: USERS }),
  },
  'POST /v1/groups/:id/members': {
    prepare: async (world) => ({
      url: `/v1/groups/${await newGroup(world)}/members`,
      body: { keyId: (await newKey(world)).id },
      needs: TENANT,
    }),
  },
  'DELETE /v1/groups/:id/members/:memberId': {
    prepare: async (world) => {
      const groupId = await newGroup(world);
      const member = await newKey(world, { groupIds: [groupId] });
      return { url: `/v1/groups/${groupId}/members/${member.id}`, needs: USERS };
    },
  },
};
