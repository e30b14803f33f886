/**
 * `/v1/tenants`: the root key creates tenants; a tenant's `tenant.manage` keys read and change their own,
 * tier included, and read the instance's tiers (`/v1/tiers`) to choose one (seed 000: "Change tier settings").
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { CreateTenantBody, ListTenantsQuery, PatchTenantBody, Tenant, TenantPage } from '../../api/tenants.js';
import { TierList } from '../../api/tiers.js';
import { listTiers } from '../../modules/ratelimits/tiers.js';
import {
  createTenant,
  DEFAULT_TIER,
  getTenant,
  listTenants,
  updateTenant,
} from '../../modules/tenants/tenants.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['tenants'];
const manage = { permission: 'tenant.manage' } as const;

export const tenantRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/tenants', {
    config: { requires: { root: true }, action: 'tenant.create' },
    schema: {
      tags,
      operationId: 'createTenant',
      summary: 'Create a tenant (root key)',
      body: CreateTenantBody,
      response: { 201: Tenant, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createTenant(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/tenants', {
    config: { requires: manage, action: 'tenant.list' },
    schema: {
      tags,
      operationId: 'listTenants',
      summary: 'List tenants (root: all; otherwise your own)',
      querystring: ListTenantsQuery,
      response: { 200: TenantPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listTenants(deps, callerOf(request), request.query)),
  });
  app.get('/v1/tenants/:id', {
    config: { requires: manage, action: 'tenant.read' },
    schema: {
      tags,
      operationId: 'getTenant',
      summary: 'Read a tenant',
      params: IdParams('tenant'),
      response: { 200: Tenant, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getTenant(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/tenants/:id', {
    config: { requires: manage, action: 'tenant.update' },
    schema: {
      tags,
      operationId: 'updateTenant',
      summary: 'Change a tenant and its settings',
      params: IdParams('tenant'),
      body: PatchTenantBody,
      response: { 200: Tenant, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateTenant(deps, callerOf(request), request.params.id, request.body)),
  });
  app.get('/v1/tiers', {
    config: { requires: manage, action: 'tier.list' },
    schema: {
      tags,
      operationId: 'listTiers',
      summary: "The instance's tiers: the rate limits and credits a tenant on each gives its new keys",
      response: { 200: TierList, ...PROBLEM_RESPONSES },
    },
    // The instance's configuration, read once at start: no storage call.
    handler: async () => listTiers(deps.tiers, DEFAULT_TIER),
  });
};
