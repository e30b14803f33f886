/**
 * `/v1/webhook-endpoints` (SPEC §4, events out; `tenant.manage`): endpoints with their secret
 * shown once, secret rotation, the delivery log, redelivery and a test event. A change that puts
 * something in the outbox wakes this node's delivery worker; it never sends from the request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams } from '../../api/common.js';
import {
  CreateEndpointBody,
  DeliveryPage,
  DeliveryParams,
  EndpointPage,
  EndpointWithSecret,
  ListDeliveriesQuery,
  ListEndpointsQuery,
  PatchEndpointBody,
  RotateEndpointSecretBody,
  WebhookDelivery,
  WebhookEndpoint,
} from '../../api/webhooks.js';
import type { Result } from '../../core/error-codes.js';
import {
  listWebhookDeliveries,
  redeliverWebhookDelivery,
  testWebhookEndpoint,
} from '../../modules/webhooks/deliveries.service.js';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  updateWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookEndpointSecret,
} from '../../modules/webhooks/endpoints.service.js';
import { callerOf } from '../plugins/auth.js';
import { sendResult } from '../problem.js';
import { PROBLEM_RESPONSES, type RouteContext } from './context.js';

const tags = ['webhooks'];
const manage = { permission: 'tenant.manage' } as const;

export const webhookRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { deps, webhooks }) => {
  /** Wakes the worker once a change that queued a delivery committed. */
  const woken = <T>(result: Result<T>): Result<T> => {
    if (result.ok) webhooks.wake();
    return result;
  };
  app.post('/v1/webhook-endpoints', {
    config: { requires: manage, action: 'webhookEndpoint.create' },
    schema: {
      tags,
      operationId: 'createWebhookEndpoint',
      summary: 'Create a webhook endpoint; the answer carries its signing secret, this once',
      body: CreateEndpointBody,
      response: { 201: EndpointWithSecret, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await createWebhookEndpoint(deps, callerOf(request), request.body, webhooks.allowPrivate),
        201,
      ),
  });
  app.get('/v1/webhook-endpoints', {
    config: { requires: manage, action: 'webhookEndpoint.list' },
    schema: {
      tags,
      operationId: 'listWebhookEndpoints',
      summary: "List the tenant's webhook endpoints",
      querystring: ListEndpointsQuery,
      response: { 200: EndpointPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await listWebhookEndpoints(deps, callerOf(request), request.query)),
  });
  app.get('/v1/webhook-endpoints/:id', {
    config: { requires: manage, action: 'webhookEndpoint.read' },
    schema: {
      tags,
      operationId: 'getWebhookEndpoint',
      summary: 'Read a webhook endpoint',
      params: IdParams('webhookEndpoint'),
      response: { 200: WebhookEndpoint, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await getWebhookEndpoint(deps, callerOf(request), request.params.id)),
  });
  app.patch('/v1/webhook-endpoints/:id', {
    config: { requires: manage, action: 'webhookEndpoint.update' },
    schema: {
      tags,
      operationId: 'updateWebhookEndpoint',
      summary: 'Change a webhook endpoint',
      params: IdParams('webhookEndpoint'),
      body: PatchEndpointBody,
      response: { 200: WebhookEndpoint, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        woken(
          await updateWebhookEndpoint(deps, callerOf(request), request.params.id, request.body, webhooks.allowPrivate),
        ),
      ),
  });
  app.delete('/v1/webhook-endpoints/:id', {
    config: { requires: manage, action: 'webhookEndpoint.delete' },
    schema: {
      tags,
      operationId: 'deleteWebhookEndpoint',
      summary: 'Delete a webhook endpoint and its undelivered events',
      params: IdParams('webhookEndpoint'),
      response: { 200: WebhookEndpoint, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, await deleteWebhookEndpoint(deps, callerOf(request), request.params.id)),
  });
  app.post('/v1/webhook-endpoints/:id/rotate-secret', {
    config: { requires: manage, action: 'webhookEndpoint.secret.rotate' },
    schema: {
      tags,
      operationId: 'rotateWebhookEndpointSecret',
      summary: 'A new signing secret, shown this once; the old one also signs during the grace period',
      params: IdParams('webhookEndpoint'),
      body: RotateEndpointSecretBody,
      response: { 200: EndpointWithSecret, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await rotateWebhookEndpointSecret(deps, callerOf(request), request.params.id, request.body),
      ),
  });
  app.get('/v1/webhook-endpoints/:id/deliveries', {
    config: { requires: manage, action: 'webhookDelivery.list' },
    schema: {
      tags,
      operationId: 'listWebhookDeliveries',
      summary: "An endpoint's delivery log, newest first: status, attempts, last status code, next try",
      params: IdParams('webhookEndpoint'),
      querystring: ListDeliveriesQuery,
      response: { 200: DeliveryPage, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        await listWebhookDeliveries(deps, callerOf(request), request.params.id, request.query),
      ),
  });
  app.post('/v1/webhook-endpoints/:id/deliveries/:deliveryId/redeliver', {
    config: { requires: manage, action: 'webhookDelivery.redeliver' },
    schema: {
      tags,
      operationId: 'redeliverWebhookDelivery',
      summary: 'Send a delivered or dead delivery again, its attempts counted afresh',
      params: DeliveryParams,
      response: { 200: WebhookDelivery, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(
        request,
        reply,
        woken(await redeliverWebhookDelivery(deps, callerOf(request), request.params.id, request.params.deliveryId)),
      ),
  });
  app.post('/v1/webhook-endpoints/:id/test', {
    config: { requires: manage, action: 'webhookEndpoint.test' },
    schema: {
      tags,
      operationId: 'testWebhookEndpoint',
      summary: 'Send a webhook.test event to this endpoint',
      params: IdParams('webhookEndpoint'),
      response: { 201: WebhookDelivery, ...PROBLEM_RESPONSES },
    },
    handler: async (request, reply) =>
      sendResult(request, reply, woken(await testWebhookEndpoint(deps, callerOf(request), request.params.id)), 201),
  });
};
