/** Endpoints and deliveries as the API shows them: never a secret, never the receiver's answer. */
import type { WebhookDeliveryObject, WebhookEndpointObject } from '../../api/webhooks.js';
import type { DeliveryStatus, WebhookEventType } from '../../api/webhooks.js';
import { iso } from '../scope.js';
import type { DeliveryRow } from './deliveries.repository.js';
import type { EndpointRow } from './endpoints.repository.js';

export function toEndpointObject(row: EndpointRow, now: number): WebhookEndpointObject {
  const overlap =
    row.previous_secret_until !== null && row.previous_secret_until > now ? row.previous_secret_until : null;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEventType[],
    enabled: row.enabled,
    expiringLeadDays: row.expiring_lead_days,
    creditsLowThreshold: row.credits_low_threshold,
    previousSecretValidUntil: iso(overlap),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function toDeliveryObject(row: DeliveryRow): WebhookDeliveryObject {
  const waiting = row.status === 'pending' || row.status === 'sending';
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    messageId: row.message_id,
    type: row.type,
    keyId: row.key_id,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: waiting ? iso(row.next_attempt_at) : null,
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at),
  };
}
