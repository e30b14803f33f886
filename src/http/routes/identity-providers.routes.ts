/** `/v1/identity-providers`: a tenant's OpenID Connect providers (SPEC §5: `tenant.manage`, or `authConfig.manage` on an admin key). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreateIdentityProviderBody,
  IdentityProvider,
  IdentityProviderPage,
  ListIdentityProvidersQuery,
  PatchIdentityProviderBody,
} from '../../api/identity-providers.js';
import {
  createIdentityProvider,
  getIdentityProvider,
  listIdentityProviders,
  updateIdentityProvider,
  deleteIdentityProvider,
} from '../../modules/identity-providers/identity-providers.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['identity providers'];
// SPEC §2: authConfig.manage configures the tenant's identity providers; tenant.manage may do all a tenant's
// settings. A provider is tenant-wide, a new way into every environment: authConfig.manage (environment-scoped)
// configures one only on an admin key, which acts tenant-wide.
const manage = {
  anyOf: [{ permission: 'tenant.manage' }, { permission: 'authConfig.manage', adminKey: true }],
} as const;

export const identityProviderRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps, config }) => {
  const rules = { allowInsecureIssuers: config.ssoAllowInsecureIssuers };
  app.post('/v1/identity-providers', {
    config: { requires: manage, action: 'identityProvider.create' },
    schema: {
      tags,
      operationId: 'createIdentityProvider',
      summary: "Add an OpenID Connect provider people of the tenant's email domains sign in with",
      body: CreateIdentityProviderBody,
      response: { 201: IdentityProvider, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createIdentityProvider(deps, rules, callerOf(request), request.body), 201),
  });
  app.get('/v1/identity-providers', {
    config: { requires: manage, action: 'identityProvider.list' },
    schema: {
      tags,
      operationId: 'listIdentityProviders',
      summary: "List the tenant's identity providers",
      querystring: ListIdentityProvidersQuery,
      response: { 200: IdentityProviderPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listIdentityProviders(deps, callerOf(request), request.query)),
  });
  app.get('/v1/identity-providers/:id', {
    config: { requires: manage, action: 'identityProvider.read' },
    schema: {
      tags,
      operationId: 'getIdentityProvider',
      summary: 'Read an identity provider (never its client secret)',
      params: IdParams('identityProvider'),
      response: { 200: IdentityProvider, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getIdentityProvider(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/identity-providers/:id', {
    config: { requires: manage, action: 'identityProvider.update' },
    schema: {
      tags,
      operationId: 'updateIdentityProvider',
      summary: 'Change an identity provider',
      params: IdParams('identityProvider'),
      body: PatchIdentityProviderBody,
      response: { 200: IdentityProvider, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await updateIdentityProvider(deps, rules, callerOf(request), request.params.id, request.body),
      ),
  });
  app.delete('/v1/identity-providers/:id', {
    config: { requires: manage, action: 'identityProvider.delete' },
    schema: {
      tags,
      operationId: 'deleteIdentityProvider',
      summary: 'Remove an identity provider; the sessions it opened end',
      params: IdParams('identityProvider'),
      response: { 200: IdentityProvider, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteIdentityProvider(deps, callerOf(request), request.params.id)),
  });
};
