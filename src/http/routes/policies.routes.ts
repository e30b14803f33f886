/** `/v1/policies`: reusable grant sets; the policy gate decides who may touch which (tenant-wide needs tenant.manage). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreatePolicyBody,
  DeletePolicyQuery,
  ListPoliciesQuery,
  PatchPolicyBody,
  Policy,
  PolicyPage,
} from '../../api/policies.js';
import {
  createPolicy,
  getPolicy,
  listPolicies,
  updatePolicy,
  deletePolicy,
} from '../../modules/policies/policies.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['policies'];

export const policyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/policies', {
    config: { requires: { gate: 'policy', action: 'create' }, action: 'policy.create' },
    schema: {
      tags,
      operationId: 'createPolicy',
      summary: 'Create a policy in an environment, or tenant-wide',
      body: CreatePolicyBody,
      response: { 201: Policy, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createPolicy(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/policies', {
    // tenant.manage alone sees the tenant-wide policies it configures (see listPolicies).
    config: {
      requires: { anyOf: [{ permission: 'users.manage' }, { permission: 'tenant.manage' }] },
      action: 'policy.list',
    },
    schema: {
      tags,
      operationId: 'listPolicies',
      summary: "List the tenant's policies",
      querystring: ListPoliciesQuery,
      response: { 200: PolicyPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listPolicies(deps, callerOf(request), request.query)),
  });
  app.get('/v1/policies/:id', {
    config: { requires: { gate: 'policy', action: 'read' }, action: 'policy.read' },
    schema: {
      tags,
      operationId: 'getPolicy',
      summary: 'Read a policy',
      params: IdParams('policy'),
      response: { 200: Policy, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getPolicy(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/policies/:id', {
    config: { requires: { gate: 'policy', action: 'update' }, action: 'policy.update' },
    schema: {
      tags,
      operationId: 'updatePolicy',
      summary: 'Change a policy: every linked key has the new grants on its next request',
      params: IdParams('policy'),
      body: PatchPolicyBody,
      response: { 200: Policy, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updatePolicy(deps, callerOf(request), request.params.id, request.body)),
  });
  app.delete('/v1/policies/:id', {
    config: { requires: { gate: 'policy', action: 'delete' }, action: 'policy.delete' },
    schema: {
      tags,
      operationId: 'deletePolicy',
      summary: 'Delete a policy; one linked to keys needs ?force=true and is unlinked from them',
      params: IdParams('policy'),
      querystring: DeletePolicyQuery,
      response: { 200: Policy, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await deletePolicy(deps, callerOf(request), request.params.id, request.query.force === true),
      ),
  });
};
