/** Webhook keys at rest: plain functions over the `webhook_keys` table, taking the db or a transaction first. */
import type { Selectable } from 'kysely';
import type { Db, WebhookKeysTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type WebhookKeyRow = Selectable<WebhookKeysTable>;

export async function insertWebhookKey(db: Db, row: WebhookKeyRow): Promise<void> {
  await db.insertInto('webhook_keys').values(row).execute();
}

export async function findWebhookKey(db: Db, id: string): Promise<WebhookKeyRow | undefined> {
  return db.selectFrom('webhook_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The webhook key, locked until `trx` ends: what a rotation or deletion reads (row-lock.ts). */
export async function lockWebhookKey(trx: Db, id: string): Promise<WebhookKeyRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('webhook_keys').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function updateWebhookKey(db: Db, id: string, patch: Partial<Omit<WebhookKeyRow, 'id'>>): Promise<void> {
  await db.updateTable('webhook_keys').set(patch).where('id', '=', id).execute();
}

export async function deleteWebhookKey(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhook_keys').where('id', '=', id).execute();
}

export interface WebhookKeyFilter {
  readonly tenantId?: string | undefined;
  readonly environmentId?: string | undefined;
  readonly webhookId?: string | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

/** One page in id order (creation order), with one row more than `limit` when a next page exists. */
export async function selectWebhookKeys(db: Db, filter: WebhookKeyFilter): Promise<WebhookKeyRow[]> {
  let query = db.selectFrom('webhook_keys').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.environmentId !== undefined) query = query.where('environment_id', '=', filter.environmentId);
  if (filter.webhookId !== undefined) query = query.where('webhook_id', '=', filter.webhookId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

/** Webhook keys of an environment: an environment that has any is not deleted (409). */
export async function countWebhookKeysInEnvironment(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Webhook keys bound to any of these resources: such a resource is not deleted (409). */
export async function countWebhookKeysBoundTo(db: Db, resourceIds: readonly string[]): Promise<number> {
  if (resourceIds.length === 0) return 0;
  const row = await db
    .selectFrom('webhook_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('webhook_id', 'in', resourceIds)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Every sealed secret, for the pepper rotation to re-seal. */
export async function allWebhookSecrets(db: Db): Promise<Pick<WebhookKeyRow, 'id' | 'secret' | 'previous_secret'>[]> {
  return db.selectFrom('webhook_keys').select(['id', 'secret', 'previous_secret']).execute();
}
