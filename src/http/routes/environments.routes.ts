/** `/v1/environments`: `tenant.manage`; an environment's own `authConfig.manage` keys may change its auth settings (the environment gate). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreateEnvironmentBody,
  Environment,
  EnvironmentPage,
  ListEnvironmentsQuery,
  PatchEnvironmentBody,
} from '../../api/environments.js';
import {
  createEnvironment,
  getEnvironment,
  listEnvironments,
  updateEnvironment,
  deleteEnvironment,
} from '../../modules/environments/environments.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import type { Requirement } from '../requirements.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['environments'];
const manage = { permission: 'tenant.manage' } as const;
const readable: Requirement = { anyOf: [manage, { permission: 'authConfig.manage', sameEnvironmentParam: 'id' }] };

export const environmentRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/environments', {
    config: { requires: manage, action: 'environment.create' },
    schema: {
      tags,
      operationId: 'createEnvironment',
      summary: 'Create an environment',
      body: CreateEnvironmentBody,
      response: { 201: Environment, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createEnvironment(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/environments', {
    config: { requires: manage, action: 'environment.list' },
    schema: {
      tags,
      operationId: 'listEnvironments',
      summary: "List the tenant's environments",
      querystring: ListEnvironmentsQuery,
      response: { 200: EnvironmentPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listEnvironments(deps, callerOf(request), request.query)),
  });
  app.get('/v1/environments/:id', {
    config: { requires: readable, action: 'environment.read' },
    schema: {
      tags,
      operationId: 'getEnvironment',
      summary: 'Read an environment',
      params: IdParams('environment'),
      response: { 200: Environment, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getEnvironment(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/environments/:id', {
    config: { requires: { gate: 'environment', action: 'update' }, action: 'environment.update' },
    schema: {
      tags,
      operationId: 'updateEnvironment',
      summary: 'Change an environment (auth settings: also authConfig.manage in that environment)',
      params: IdParams('environment'),
      body: PatchEnvironmentBody,
      response: { 200: Environment, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateEnvironment(deps, callerOf(request), request.params.id, request.body)),
  });
  app.delete('/v1/environments/:id', {
    config: { requires: manage, action: 'environment.delete' },
    schema: {
      tags,
      operationId: 'deleteEnvironment',
      summary: 'Delete an environment with no live keys',
      params: IdParams('environment'),
      response: { 200: Environment, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteEnvironment(deps, callerOf(request), request.params.id)),
  });
};
