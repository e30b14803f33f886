/** Fixtures of tenants, environments, the audit log and the model (SPEC §5: `tenant.manage`, root, any key). */
import type { Fixtures } from './fixture.js';
import { newEnvironment } from './objects.js';

const TENANT = ['tenant.manage'];
/** Reading an environment, or changing its auth settings: tenant.manage, or authConfig.manage in it. */
const AUTH_CONFIG = ['tenant.manage', 'authConfig.manage'];

export const TENANCY_FIXTURES: Fixtures = {
  'POST /v1/tenants': {
    prepare: async (world) => ({
      url: '/v1/tenants',
      body: { name: world.unique('Tenant') },
      needs: [],
      controlKey: world.kw.rootKey,
    }),
    answers: {
      otherTenant: {
        refused: 403,
        code: 'FORBIDDEN',
        why: 'it names nothing to hide: only the root key creates tenants',
      },
      noPermission: { refused: 403, code: 'FORBIDDEN', why: 'every grant a tenant key can hold is not the root key' },
    },
  },
  'GET /v1/tenants': {
    prepare: async (world) => ({ url: '/v1/tenants', needs: TENANT, hidden: { otherTenant: [world.home.tenantId] } }),
    answers: { otherTenant: { allowed: 'it lists its own tenant only' } },
  },
  'GET /v1/tenants/:id': {
    prepare: async (world) => ({ url: `/v1/tenants/${world.home.tenantId}`, needs: TENANT }),
  },
  'PATCH /v1/tenants/:id': {
    prepare: async (world) => ({ url: `/v1/tenants/${world.home.tenantId}`, body: { name: 'Home' }, needs: TENANT }),
  },
  // The instance's tiers name no tenant's object: another tenant's manager reads the same list.
  'GET /v1/tiers': {
    prepare: async () => ({ url: '/v1/tiers', needs: TENANT }),
    answers: { otherTenant: { allowed: "the instance's tiers, the same for every tenant's tenant.manage key" } },
  },
  'POST /v1/environments': {
    prepare: async (world) => ({
      url: '/v1/environments',
      body: { tenantId: world.home.tenantId, name: world.unique('env') },
      needs: TENANT,
    }),
  },
  'GET /v1/environments': {
    prepare: async (world) => ({ url: `/v1/environments?tenantId=${world.home.tenantId}`, needs: TENANT }),
  },
  // The home environment itself: the no-permission key lives there, so only the permission is missing.
  'GET /v1/environments/:id': {
    prepare: async (world) => ({ url: `/v1/environments/${world.home.environmentId}`, needs: AUTH_CONFIG }),
  },
  'PATCH /v1/environments/:id': {
    // An auth setting, to its default: authConfig.manage would be enough in that environment.
    prepare: async (world) => ({
      url: `/v1/environments/${world.home.environmentId}`,
      body: { keyPrefix: 'kw' },
      needs: AUTH_CONFIG,
    }),
  },
  'DELETE /v1/environments/:id': {
    prepare: async (world) => ({ url: `/v1/environments/${await newEnvironment(world)}`, needs: TENANT }),
  },
  'GET /v1/audit': {
    prepare: async (world) => ({ url: `/v1/audit?actorKeyId=${world.home.adminKeyId}`, needs: TENANT }),
  },
  'GET /v1/audit/export': {
    prepare: async (world) => ({ url: `/v1/audit/export?actorKeyId=${world.home.adminKeyId}`, needs: TENANT }),
  },
  'GET /v1/audit/verify': {
    prepare: async (world) => ({ url: `/v1/audit/verify?tenantId=${world.home.tenantId}`, needs: TENANT }),
  },
  'GET /v1/model': {
    prepare: async () => ({ url: '/v1/model', needs: [] }),
    answers: {
      otherTenant: { allowed: 'every valid key reads the model in force; it names no object' },
      otherEnvironment: { allowed: 'every valid key reads the model in force' },
      noPermission: { allowed: 'every valid key reads the model in force' },
    },
  },
};
