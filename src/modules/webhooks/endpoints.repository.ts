/** Webhook endpoints at rest. */
import type { Selectable } from 'kysely';
import { flag, stringList, tableColumns } from '../../storage/column-codec.js';
import type { Db, WebhookEndpointsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import { type TenantPageRequest, tenantPageQuery } from '../pagination.js';

/** Exported for the delivery claims, which lock an endpoint with their own query. */
export const endpointColumns = tableColumns<Selectable<WebhookEndpointsTable>>('webhook_endpoints')({
  events: stringList.column,
  enabled: flag,
});

/** An endpoint, its events a list and its enabled flag a boolean. */
export type EndpointRow = ReturnType<typeof endpointColumns.decode>;

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(endpointColumns.encode(row)).execute();
}

export async function findEndpoint(db: Db, id: string): Promise<EndpointRow | undefined> {
  return endpointColumns.decodeFound(
    await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst(),
  );
}

/** The endpoint, locked until `trx` ends: its writers, and the delivery claims that read its bound. */
export async function lockEndpoint(trx: Db, id: string): Promise<EndpointRow | undefined> {
  return endpointColumns.decodeFound(
    await lockForUpdate(trx, trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

export async function listEndpoints(db: Db, filter: TenantPageRequest): Promise<EndpointRow[]> {
  return (await tenantPageQuery(db.selectFrom('webhook_endpoints').selectAll(), filter).execute()).map(
    endpointColumns.decode,
  );
}

/** The enabled endpoints of a tenant that hear events of `environmentId` (all of them, where null). */
export async function enabledEndpointsOf(
  db: Db,
  tenantId: string,
  environmentId: string | null,
): Promise<EndpointRow[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).where('enabled', '=', 1);
  if (environmentId !== null)
    query = query.where((eb) => eb.or([eb('environment_id', 'is', null), eb('environment_id', '=', environmentId)]));
  return (await query.orderBy('id').execute()).map(endpointColumns.decode);
}

/** Every enabled endpoint of every tenant (the time-driven scans; few rows: endpoints, not events). */
export async function allEnabledEndpoints(db: Db): Promise<EndpointRow[]> {
  return (await db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).orderBy('id').execute()).map(
    endpointColumns.decode,
  );
}

export async function updateEndpoint(db: Db, id: string, patch: Partial<Omit<EndpointRow, 'id'>>): Promise<void> {
  await db.updateTable('webhook_endpoints').set(endpointColumns.encode(patch)).where('id', '=', id).execute();
}

/** The endpoint with its deliveries and alerts: nothing is sent to a deleted endpoint. */
export async function deleteEndpoint(trx: Db, id: string): Promise<void> {
  await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  await trx.deleteFrom('webhook_credit_alerts').where('endpoint_id', '=', id).execute();
  await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}
