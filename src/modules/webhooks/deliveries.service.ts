/**
 * An endpoint's delivery log (status, attempts, last status code, next try), manual redelivery of
 * a delivered or dead delivery (its attempts counted afresh, its `webhook-id` the same so a
 * receiver can tell it has seen it), and a test event sent to one endpoint.
 */
import type { PageOf } from '../../api/common.js';
import { TEST_EVENT_TYPE, type ListDeliveriesInput, type WebhookDeliveryObject } from '../../api/webhooks.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate } from '../mutation.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../pagination.js';
import { notFound } from '../scope.js';
import { findDelivery, listDeliveries, lockDelivery, requeueDelivery } from './deliveries.repository.js';
import { lockEndpoint } from './endpoints.repository.js';
import { visibleEndpoint } from './endpoints.service.js';
import { insertDelivery, payloadOf } from './outbox.js';
import { toDeliveryObject } from './webhook-objects.js';

export async function listWebhookDeliveries(
  deps: ServiceDeps,
  caller: Caller,
  endpointId: string,
  query: ListDeliveriesInput,
): Promise<Result<PageOf<WebhookDeliveryObject>>> {
  if ((await visibleEndpoint(deps, caller, endpointId)) === undefined) return notFound('webhook endpoint', endpointId);
  const before = decodeCursor(query.cursor);
  if (!before.ok) return before;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const rows = await listDeliveries(deps.db, { endpointId, status: query.status, beforeId: before.value, limit });
  return ok(toPage(rows, limit, toDeliveryObject));
}

export async function redeliverWebhookDelivery(
  deps: ServiceDeps,
  caller: Caller,
  endpointId: string,
  deliveryId: string,
): Promise<Result<WebhookDeliveryObject>> {
  if ((await visibleEndpoint(deps, caller, endpointId)) === undefined) return notFound('webhook endpoint', endpointId);
  const seen = await findDelivery(deps.db, deliveryId);
  if (seen === undefined || seen.endpoint_id !== endpointId) return notFound('delivery', deliveryId);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: a node finishing an attempt of it, or another redelivery, is waited for and then seen.
    const current = await lockDelivery(trx, deliveryId);
    if (current === undefined || current.endpoint_id !== endpointId) return notFound('delivery', deliveryId);
    if (current.status === 'pending' || current.status === 'sending')
      return fail('CONFLICT', `delivery ${deliveryId} is ${current.status} already; it is sent without asking`);
    await requeueDelivery(trx, deliveryId, now);
    await record({
      action: 'webhookDelivery.redeliver',
      tenantId: current.tenant_id,
      environmentId: current.environment_id,
      target: { type: 'webhookDelivery', id: deliveryId },
      op: 'update',
      details: { endpointId, previousStatus: current.status, attempts: current.attempts },
    });
    return ok(
      toDeliveryObject({
        ...current,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_by: null,
        lease_until: null,
      }),
    );
  });
}

/** A `webhook.test` event to this endpoint alone, whatever it subscribes to: for checking a receiver. */
export async function testWebhookEndpoint(
  deps: ServiceDeps,
  caller: Caller,
  endpointId: string,
): Promise<Result<WebhookDeliveryObject>> {
  if ((await visibleEndpoint(deps, caller, endpointId)) === undefined) return notFound('webhook endpoint', endpointId);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const endpoint = await lockEndpoint(trx, endpointId);
    if (endpoint === undefined) return notFound('webhook endpoint', endpointId);
    if (!endpoint.enabled) return fail('CONFLICT', `webhook endpoint ${endpointId} is disabled; enable it first`);
    const messageId = newId('message', now);
    await insertDelivery(
      trx,
      {
        endpointId,
        tenantId: endpoint.tenant_id,
        environmentId: endpoint.environment_id,
        type: TEST_EVENT_TYPE,
        keyId: null,
        messageId,
        payload: payloadOf(TEST_EVENT_TYPE, now, { endpointId, message: 'a test event from Keyward' }),
      },
      now,
    );
    const delivery = await trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('message_id', '=', messageId)
      .executeTakeFirstOrThrow();
    await record({
      action: 'webhookEndpoint.test',
      tenantId: endpoint.tenant_id,
      environmentId: endpoint.environment_id,
      target: { type: 'webhookEndpoint', id: endpointId },
      op: 'update',
      details: { deliveryId: delivery.id },
      cached: false,
    });
    return ok(toDeliveryObject(delivery));
  });
}
