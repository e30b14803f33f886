/** Fixtures of API keys and their usage (SPEC §5: `users.manage`, or the key itself for read, rotate, revoke, usage). */
import { CASES } from './cases.js';
import { createHash, randomBytes } from 'node:crypto';
import type { Fixtures } from './fixture.js';
import { newKey } from './objects.js';
import type { World } from './world.js';

const USERS = ['users.manage'];

/** An existing key of another system, as `POST /v1/keys/import` takes it: its SHA-256, never itself. */
function foreignKey(world: World) {
  const key = `sk_matrix_${randomBytes(16).toString('hex')}`;
  return {
    environmentId: world.home.environmentId,
    name: world.unique('imported'),
    prefix: 'sk_matrix_',
    hash: { algorithm: 'sha256', value: createHash('sha256').update(key).digest('hex') },
  };
}

export const KEY_FIXTURES: Fixtures = {
  'POST /v1/keys': {
    prepare: async (world) => ({
      url: '/v1/keys',
      body: { environmentId: world.home.environmentId, name: world.unique('key'), kind: 'application' },
      needs: USERS,
    }),
  },
  'POST /v1/keys/import': {
    prepare: async (world) => ({ url: '/v1/keys/import', body: foreignKey(world), needs: USERS }),
  },
  'POST /v1/keys/import/batch': {
    prepare: async (world) => ({
      url: '/v1/keys/import/batch',
      body: { keys: [foreignKey(world), foreignKey(world)] },
      needs: USERS,
    }),
  },
  'GET /v1/analytics/verifications': {
    prepare: async (world) => ({
      url: `/v1/analytics/verifications?environmentId=${world.home.environmentId}&groupBy=tag&granularity=hour`,
      needs: ['users.manage', 'tenant.manage'],
    }),
  },
  'GET /v1/keys': {
    prepare: async (world) => ({ url: `/v1/keys?environmentId=${world.home.environmentId}`, needs: USERS }),
  },
  'GET /v1/keys/:id': {
    prepare: async (world) => ({ url: `/v1/keys/${(await newKey(world)).id}`, needs: USERS }),
    self: ({ keyId }) => ({ url: `/v1/keys/${keyId}` }),
  },
  'PATCH /v1/keys/:id': {
    prepare: async (world) => ({
      url: `/v1/keys/${(await newKey(world)).id}`,
      body: { name: world.unique('renamed') },
      needs: USERS,
    }),
  },
  'POST /v1/keys/:id/rotate': {
    prepare: async (world) => ({ url: `/v1/keys/${(await newKey(world)).id}/rotate`, body: {}, needs: USERS }),
    self: ({ keyId }) => ({ url: `/v1/keys/${keyId}/rotate`, body: {} }),
    selfAnswers: {
      expired: { allowed: 'an expired key may rotate itself inside its rotation window (SPEC §3 step 3, §4)' },
    },
  },
  'POST /v1/keys/:id/revoke': {
    prepare: async (world) => ({ url: `/v1/keys/${(await newKey(world)).id}/revoke`, body: {}, needs: USERS }),
    self: ({ keyId }) => ({ url: `/v1/keys/${keyId}/revoke`, body: {} }),
  },
  // Exempt from keys by design (SPEC §5: "nothing (throttled)"): the reported secret is the
  // credential. Every case is answered alike, and no answer may say whose key the secret was.
  'POST /v1/leaked-keys': {
    credential: 'none',
    prepare: async (world) => {
      const leaked = await newKey(world);
      const owner = [leaked.id, world.home.tenantId, world.home.environmentId];
      return {
        url: '/v1/leaked-keys',
        body: [{ token: leaked.key, type: 'keyward_api_key', url: '', source: 'content' }],
        needs: [],
        hidden: Object.fromEntries(CASES.map((name) => [name, owner])),
      };
    },
  },
  'GET /v1/keys/:id/usage': {
    prepare: async (world) => ({ url: `/v1/keys/${(await newKey(world)).id}/usage`, needs: USERS }),
    self: ({ keyId }) => ({ url: `/v1/keys/${keyId}/usage` }),
  },
};
