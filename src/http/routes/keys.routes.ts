/** `/v1/keys`: create (shown once), list, read, change and revoke keys. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import { CreatedKey, CreateKeyBody, Key, KeyPage, ListKeysQuery, PatchKeyBody, RotateKeyBody } from '../../api/keys.js';
import { rotateKey } from '../../modules/keys/rotation.service.js';
import { createKey } from '../../modules/keys/create-key.js';
import { getKey, listKeys, updateKey, revokeKey } from '../../modules/keys/keys.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['keys'];
const manage = { permission: 'users.manage' } as const;

export const keyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/keys', {
    config: { requires: manage, action: 'key.create' },
    schema: {
      tags,
      operationId: 'createKey',
      summary: 'Create a key; the answer carries the key itself, this once',
      body: CreateKeyBody,
      response: { 201: CreatedKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createKey(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/keys', {
    config: { requires: manage, action: 'key.list' },
    schema: {
      tags,
      operationId: 'listKeys',
      summary: "List the tenant's keys",
      querystring: ListKeysQuery,
      response: { 200: KeyPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listKeys(deps, callerOf(request), request.query)),
  });
  app.get('/v1/keys/:id', {
    config: { requires: { permission: 'users.manage', orSelfParam: 'id' }, action: 'key.read' },
    schema: {
      tags,
      operationId: 'getKey',
      summary: 'Read a key (never the key itself)',
      params: IdParams('key'),
      response: { 200: Key, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getKey(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/keys/:id', {
    config: { requires: manage, action: 'key.update' },
    schema: {
      tags,
      operationId: 'updateKey',
      summary: 'Rename, re-describe, disable or enable a key',
      params: IdParams('key'),
      body: PatchKeyBody,
      response: { 200: Key, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await updateKey(deps, callerOf(request), request.params.id, request.body)),
  });
  app.post('/v1/keys/:id/rotate', {
    // An expired key may still call this for itself; the rotation window is the service's rule.
    config: {
      requires: { permission: 'users.manage', orSelfParam: 'id' },
      action: 'key.rotate',
      expiredKeyMayCallForItself: true,
    },
    schema: {
      tags,
      operationId: 'rotateKey',
      summary:
        'Rotate a key: a new secret for the same key, shown this once; the old one fails at once or after gracePeriodSeconds',
      params: IdParams('key'),
      body: RotateKeyBody,
      response: { 200: CreatedKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await rotateKey(deps, callerOf(request), request.params.id, request.body)),
  });
  app.post('/v1/keys/:id/revoke', {
    config: { requires: { permission: 'users.manage', orSelfParam: 'id' }, action: 'key.revoke' },
    schema: {
      tags,
      operationId: 'revokeKey',
      summary: 'Revoke a key: immediate and permanent',
      params: IdParams('key'),
      response: { 200: Key, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await revokeKey(deps, callerOf(request), request.params.id)),
  });
};
