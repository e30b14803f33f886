/** The outbound webhooks' tables (issue 24): endpoints, the delivery outbox, and credit alerts already sent. */
import type { Generated } from 'kysely';

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  /** Null: events of every environment of the tenant. */
  environment_id: string | null;
  url: string;
  description: string;
  /** JSON list of the event types it receives. */
  events: string;
  enabled: number;
  /** The `whsec_…` signing secret, sealed and bound to the endpoint id. */
  secret: string;
  /** The secret before the last rotation, sealed: it signs too until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  /** `key.expiring` fires this many days before a key expires. */
  expiring_lead_days: number;
  /** `key.credits_low` fires when a key's credits fall below this (null: never). */
  credits_low_threshold: number | null;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The outbox: one row per event and endpoint, written in the transaction of the change it tells of. */
export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  /** The Standard Webhooks message id (`webhook-id`): the same on every attempt and redelivery. */
  message_id: string;
  endpoint_id: string;
  tenant_id: string;
  environment_id: string | null;
  type: string;
  key_id: string | null;
  /** Deliveries to one endpoint sharing this go out one at a time, by `seq` (a key's events in order). */
  order_key: string;
  /** The body sent, `{type, timestamp, data}` as JSON text. */
  payload: string;
  /** pending | sending | delivered | dead */
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number;
  /** The node sending it, until `lease_until`; then any node may claim it again. */
  claimed_by: string | null;
  lease_until: number | null;
  dedupe_key: string | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A key whose credits are below an endpoint's threshold and was told so: cleared when it is back above. */
export interface WebhookCreditAlertsTable {
  endpoint_id: string;
  key_id: string;
  created_at: number;
}
