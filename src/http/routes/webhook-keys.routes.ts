/** `/v1/webhook-keys`: inbound webhooks' signing secrets (SPEC §4, §5); the webhook-key gate decides who may act on which. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreatedWebhookKey,
  CreateWebhookKeyBody,
  ListWebhookKeysQuery,
  RotateWebhookKeyBody,
  VerifyWebhookBody,
  WebhookKey,
  WebhookKeyPage,
  WebhookVerdict,
} from '../../api/webhook-keys.js';
import { verifyWebhookKey } from '../../modules/webhook-keys/webhook-key-verify.service.js';
import {
  createWebhookKey,
  getWebhookKey,
  deleteWebhookKey,
  listWebhookKeys,
  rotateWebhookKey,
} from '../../modules/webhook-keys/webhook-keys.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['webhook keys'];

/** 1 MiB: the request to verify, its headers and its body as JSON text (or base64). */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export const webhookKeyRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps }) => {
  app.post('/v1/webhook-keys', {
    config: { requires: { gate: 'webhookKey', action: 'create' }, action: 'webhookKey.create' },
    schema: {
      tags,
      operationId: 'createWebhookKey',
      summary: "Create a webhook key: a sender's signing secret, generated or imported, answered this once",
      body: CreateWebhookKeyBody,
      response: { 201: CreatedWebhookKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await createWebhookKey(deps, callerOf(request), request.body), 201),
  });
  app.get('/v1/webhook-keys', {
    config: { requires: { permission: 'webhooks.manage' }, action: 'webhookKey.list' },
    schema: {
      tags,
      operationId: 'listWebhookKeys',
      summary: "List an environment's webhook keys, by hint only",
      querystring: ListWebhookKeysQuery,
      response: { 200: WebhookKeyPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listWebhookKeys(deps, callerOf(request), request.query)),
  });
  app.get('/v1/webhook-keys/:id', {
    config: { requires: { gate: 'webhookKey', action: 'read' }, action: 'webhookKey.read' },
    schema: {
      tags,
      operationId: 'getWebhookKey',
      summary: 'Read a webhook key (its secret never again: its hint)',
      params: IdParams('webhookKey'),
      response: { 200: WebhookKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getWebhookKey(deps, callerOf(request), request.params.id)),
  });
  app.delete('/v1/webhook-keys/:id', {
    config: { requires: { gate: 'webhookKey', action: 'delete' }, action: 'webhookKey.delete' },
    schema: {
      tags,
      operationId: 'deleteWebhookKey',
      summary: 'Delete a webhook key and its secrets',
      params: IdParams('webhookKey'),
      response: { 200: WebhookKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteWebhookKey(deps, callerOf(request), request.params.id)),
  });
  app.post('/v1/webhook-keys/:id/rotate', {
    config: { requires: { gate: 'webhookKey', action: 'rotate' }, action: 'webhookKey.rotate' },
    schema: {
      tags,
      operationId: 'rotateWebhookKey',
      summary: 'A new secret, answered this once; the previous one verifies on for the grace period',
      params: IdParams('webhookKey'),
      body: RotateWebhookKeyBody,
      response: { 200: CreatedWebhookKey, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await rotateWebhookKey(deps, callerOf(request), request.params.id, request.body)),
  });
  app.post('/v1/webhook-keys/:id/verify', {
    config: { requires: { gate: 'webhookKey', action: 'verify' }, action: 'webhookKey.verify' },
    // A delivery's body travels inside this one: larger than the 64 KiB other calls may send.
    bodyLimit: WEBHOOK_BODY_LIMIT,
    schema: {
      tags,
      operationId: 'verifyWebhookKey',
      summary: "Does a received request carry a valid signature under this key's secret? {valid, reason?}",
      params: IdParams('webhookKey'),
      body: VerifyWebhookBody,
      response: { 200: WebhookVerdict, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await verifyWebhookKey(deps, callerOf(request), request.params.id, request.body)),
  });
};
