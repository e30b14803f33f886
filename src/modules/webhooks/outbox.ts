/**
 * The outbox (SPEC §4, events out): an event becomes one delivery row per enabled endpoint of its
 * tenant that subscribes to it, written by the caller's own transaction. So there is no event
 * without its change and no change without its event: both commit or neither does. Delivery is
 * the worker's business (delivery-worker.ts), off the request path.
 *
 * The one function other modules call is `emitEvent` (see /work/wt/notes/outbox-api.md).
 */
import type { WebhookEventType } from '../../api/webhooks.js';
import { newId } from '../../core/ids.js';
import type { Db } from '../../storage/database.js';
import { enabledEndpointsOf, type EndpointRow } from './endpoints.repository.js';

export interface OutboxEvent {
  readonly tenantId: string;
  /** The environment the event happened in; endpoints bound to another environment do not hear it. */
  readonly environmentId: string | null;
  readonly type: WebhookEventType;
  /** The key it is about: a key's events reach each endpoint one at a time, in the order emitted. */
  readonly keyId?: string | null;
  /** The payload's `data`: never a secret (no key, hash or signing secret). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** Whether the endpoint subscribes to `type`. */
export function subscribes(endpoint: EndpointRow, type: string): boolean {
  return endpoint.events.includes(type);
}

/** The body every attempt sends: `{type, timestamp, data}`. */
export function payloadOf(type: string, now: number, data: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
}

export interface DeliveryDraft {
  readonly endpointId: string;
  readonly tenantId: string;
  readonly environmentId: string | null;
  readonly type: string;
  readonly keyId: string | null;
  readonly messageId: string;
  readonly payload: string;
  /** A once-only mark per endpoint (the scanner's); a second draft with the same mark writes nothing. */
  readonly dedupeKey?: string;
}

/** Deliveries this process has written (committed or not), a hint read after each commit (webhooks-runtime.ts). */
let written = 0;

export function outboxWrites(): number {
  return written;
}

/** Writes one delivery, due now; answers whether it was written (false: its dedupe mark existed). */
export async function insertDelivery(trx: Db, draft: DeliveryDraft, now: number): Promise<boolean> {
  const result = await trx
    .insertInto('webhook_deliveries')
    .values({
      id: newId('webhookDelivery', now),
      message_id: draft.messageId,
      endpoint_id: draft.endpointId,
      tenant_id: draft.tenantId,
      environment_id: draft.environmentId,
      type: draft.type,
      key_id: draft.keyId,
      order_key: draft.keyId ?? draft.messageId,
      payload: draft.payload,
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      next_attempt_at: now,
      claimed_by: null,
      lease_until: null,
      dedupe_key: draft.dedupeKey ?? null,
      delivered_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.columns(['endpoint_id', 'dedupe_key']).doNothing())
    .executeTakeFirst();
  const inserted = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (inserted) written++;
  return inserted;
}

/**
 * Puts `event` in the outbox of every enabled endpoint of its tenant that subscribes to its type,
 * inside `trx` (which must be the transaction of the change: `mutate()`'s `unit.trx`). Answers how
 * many deliveries it wrote (0 when no endpoint listens).
 */
export async function emitEvent(trx: Db, event: OutboxEvent, now: number): Promise<number> {
  if (!trx.isTransaction) throw new Error('emitEvent needs the transaction of the change it tells of');
  const endpoints = (await enabledEndpointsOf(trx, event.tenantId, event.environmentId)).filter((endpoint) =>
    subscribes(endpoint, event.type),
  );
  if (endpoints.length === 0) return 0;
  const messageId = newId('message', now);
  const payload = payloadOf(event.type, now, event.data);
  for (const endpoint of endpoints) {
    await insertDelivery(
      trx,
      {
        endpointId: endpoint.id,
        tenantId: event.tenantId,
        environmentId: event.environmentId,
        type: event.type,
        keyId: event.keyId ?? null,
        messageId,
        payload,
      },
      now,
    );
  }
  return endpoints.length;
}
