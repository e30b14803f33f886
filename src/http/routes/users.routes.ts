/** `/v1/users`: people of a tenant, managed with `users.manage`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { CreateUserBody, ListUsersQuery, PatchUserBody, User, UserPage } from '../../api/users.js';
import { createUser, getUser, listUsers, updateUser, deleteUser } from '../../modules/users/users.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['users'];
const manage = { permission: 'users.manage' } as const;

export const userRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/users', {
    config: { requires: manage, action: 'user.create' },
    schema: {
      tags,
      operationId: 'createUser',
      summary: 'Create a user',
      body: CreateUserBody,
      response: { 201: User, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createUser(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/users', {
    config: { requires: manage, action: 'user.list' },
    schema: {
      tags,
      operationId: 'listUsers',
      summary: "List the tenant's users",
      querystring: ListUsersQuery,
      response: { 200: UserPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listUsers(deps, callerOf(request), request.query)),
  });
  app.get('/v1/users/:id', {
    config: { requires: manage, action: 'user.read' },
    schema: {
      tags,
      operationId: 'getUser',
      summary: 'Read a user',
      params: IdParams('user'),
      response: { 200: User, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getUser(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/users/:id', {
    config: { requires: manage, action: 'user.update' },
    schema: {
      tags,
      operationId: 'updateUser',
      summary: 'Change a user',
      params: IdParams('user'),
      body: PatchUserBody,
      response: { 200: User, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateUser(deps, callerOf(request), request.params.id, request.body)),
  });
  app.delete('/v1/users/:id', {
    config: { requires: manage, action: 'user.delete' },
    schema: {
      tags,
      operationId: 'deleteUser',
      summary: 'Delete a user and revoke its keys',
      params: IdParams('user'),
      response: { 200: User, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteUser(deps, callerOf(request), request.params.id)),
  });
};
