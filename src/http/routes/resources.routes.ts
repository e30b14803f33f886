/** `/v1/resources`: each route declares the action it needs on its target; the auth hook runs the check. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreateResourceBody,
  ListResourcesQuery,
  PatchResourceBody,
  Resource,
  ResourcePage,
} from '../../api/resources.js';
import {
  createResource,
  getResource,
  updateResource,
  deleteResource,
} from '../../modules/resources/resources.service.js';
import { listResources } from '../../modules/resources/list-resources.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['resources'];

export const resourceRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/resources', {
    config: { requires: { gate: 'resource', action: 'create' }, action: 'resource.create' },
    schema: {
      tags,
      operationId: 'createResource',
      summary:
        'Create a resource: needs create on the parent, or the right to create its type; the creating key owns it',
      body: CreateResourceBody,
      response: { 201: Resource, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createResource(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/resources', {
    config: { requires: { anyKey: true }, action: 'resource.list' },
    schema: {
      tags,
      operationId: 'listResources',
      summary:
        'List what the key may discover: its environment, and beyond it what TENANT or PUBLIC visibility lets it reach',
      querystring: ListResourcesQuery,
      response: { 200: ResourcePage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listResources(deps, callerOf(request), request.query)),
  });
  app.get('/v1/resources/:id', {
    config: { requires: { gate: 'resource', action: 'read' }, action: 'resource.read' },
    schema: {
      tags,
      operationId: 'getResource',
      summary: 'Read a resource (a secret’s value decrypted)',
      params: IdParams('resource'),
      response: { 200: Resource, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getResource(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/resources/:id', {
    config: { requires: { gate: 'resource', action: 'update' }, action: 'resource.update' },
    schema: {
      tags,
      operationId: 'updateResource',
      summary: 'Change a resource: update; visibility needs share; a new parentId needs the right to create it there',
      params: IdParams('resource'),
      body: PatchResourceBody,
      response: { 200: Resource, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateResource(deps, callerOf(request), request.params.id, request.body)),
  });
  app.delete('/v1/resources/:id', {
    config: { requires: { gate: 'resource', action: 'delete' }, action: 'resource.delete' },
    schema: {
      tags,
      operationId: 'deleteResource',
      summary: 'Delete a resource with no children',
      params: IdParams('resource'),
      response: { 200: Resource, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteResource(deps, callerOf(request), request.params.id)),
  });
};
