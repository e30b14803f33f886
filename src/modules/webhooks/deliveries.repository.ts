/** The outbox's rows as the delivery log reads and the API changes them. */
import type { Selectable } from 'kysely';
import type { DeliveryStatus } from '../../api/webhooks.js';
import type { Db, WebhookDeliveriesTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockDelivery(trx: Db, id: string): Promise<DeliveryRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', id)).executeTakeFirst();
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(
  db: Db,
  filter: { endpointId: string; status?: DeliveryStatus | undefined; beforeId: string | null; limit: number },
): Promise<DeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', filter.endpointId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.beforeId !== null) query = query.where('id', '<', filter.beforeId);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Due again now, with a fresh count of attempts (a manual redelivery). */
export async function requeueDelivery(trx: Db, id: string, now: number): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      claimed_by: null,
      lease_until: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}
