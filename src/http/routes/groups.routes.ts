/** `/v1/groups`: sharing groups and their members. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  AddMemberBody,
  CreateGroupBody,
  Group,
  GroupPage,
  ListGroupsQuery,
  MemberParams,
  PatchGroupBody,
} from '../../api/groups.js';
import {
  addGroupMember,
  createGroup,
  getGroup,
  listGroups,
  updateGroup,
  deleteGroup,
  removeGroupMember,
} from '../../modules/groups/groups.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['groups'];
const manage = { permission: 'users.manage' } as const;

export const groupRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/groups', {
    config: { requires: manage, action: 'group.create' },
    schema: {
      tags,
      operationId: 'createGroup',
      summary: 'Create a sharing group',
      body: CreateGroupBody,
      response: { 201: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createGroup(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/groups', {
    config: { requires: manage, action: 'group.list' },
    schema: {
      tags,
      operationId: 'listGroups',
      summary: "List the tenant's groups",
      querystring: ListGroupsQuery,
      response: { 200: GroupPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listGroups(deps, callerOf(request), request.query)),
  });
  app.get('/v1/groups/:id', {
    config: { requires: manage, action: 'group.read' },
    schema: {
      tags,
      operationId: 'getGroup',
      summary: 'Read a group and its members',
      params: IdParams('group'),
      response: { 200: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getGroup(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/groups/:id', {
    config: { requires: manage, action: 'group.update' },
    schema: {
      tags,
      operationId: 'updateGroup',
      summary: 'Rename a group',
      params: IdParams('group'),
      body: PatchGroupBody,
      response: { 200: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateGroup(deps, callerOf(request), request.params.id, request.body.name)),
  });
  app.delete('/v1/groups/:id', {
    config: { requires: manage, action: 'group.delete' },
    schema: {
      tags,
      operationId: 'deleteGroup',
      summary: 'Delete a group: members lose what only the group gave them',
      params: IdParams('group'),
      response: { 200: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteGroup(deps, callerOf(request), request.params.id)),
  });
  app.post('/v1/groups/:id/members', {
    config: { requires: manage, action: 'group.member.add' },
    schema: {
      tags,
      operationId: 'addGroupMember',
      summary:
        'Add a key, or a user (with each of its keys, present and future), to a group: only a member, or tenant.manage, may',
      params: IdParams('group'),
      body: AddMemberBody,
      response: { 200: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await addGroupMember(deps, callerOf(request), request.params.id, request.body)),
  });
  app.delete('/v1/groups/:id/members/:memberId', {
    config: { requires: manage, action: 'group.member.remove' },
    schema: {
      tags,
      operationId: 'removeGroupMember',
      summary: 'Remove a key or a user from a group',
      params: MemberParams,
      response: { 200: Group, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await removeGroupMember(deps, callerOf(request), request.params.id, request.params.memberId),
      ),
  });
};
