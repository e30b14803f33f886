/** Tenants at rest. */
import type { Selectable } from 'kysely';
import { flag, tableColumns } from '../../storage/column-codec.js';
import type { Db, TenantsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

const columns = tableColumns<Selectable<TenantsTable>>('tenants')({ mfa_required: flag, require_sso: flag });

/** A tenant, its flags as booleans. */
export type TenantRow = ReturnType<typeof columns.decode>;

export async function insertTenant(db: Db, row: TenantRow): Promise<void> {
  await db.insertInto('tenants').values(columns.encode(row)).execute();
}

export async function findTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  return columns.decodeFound(await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst());
}

/** The tenant holding this name key (tenant-name-key.ts), if any. */
export async function findTenantByNameKey(db: Db, nameKey: string): Promise<TenantRow | undefined> {
  return columns.decodeFound(
    await db.selectFrom('tenants').selectAll().where('name_key', '=', nameKey).executeTakeFirst(),
  );
}

/** The tenant, locked until `trx` ends (its settings' read-modify-write). */
export async function lockTenant(trx: Db, id: string): Promise<TenantRow | undefined> {
  return columns.decodeFound(
    await lockForUpdate(trx, trx.selectFrom('tenants').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

export async function listTenants(
  db: Db,
  filter: { onlyId?: string | undefined; afterId: string | null; limit: number },
): Promise<TenantRow[]> {
  let query = db.selectFrom('tenants').selectAll();
  if (filter.onlyId !== undefined) query = query.where('id', '=', filter.onlyId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  return rows.map(columns.decode);
}

export async function updateTenant(db: Db, id: string, patch: Partial<Omit<TenantRow, 'id'>>): Promise<void> {
  await db.updateTable('tenants').set(columns.encode(patch)).where('id', '=', id).execute();
}
