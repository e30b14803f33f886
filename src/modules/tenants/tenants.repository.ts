/** Tenants at rest. */
import type { Selectable } from 'kysely';
import type { Db, TenantsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type TenantRow = Selectable<TenantsTable>;

export async function insertTenant(db: Db, row: TenantRow): Promise<void> {
  await db.insertInto('tenants').values(row).execute();
}

export async function findTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The tenant holding this name key (tenant-name-key.ts), if any. */
export async function findTenantByNameKey(db: Db, nameKey: string): Promise<TenantRow | undefined> {
  return db.selectFrom('tenants').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
}

/** The tenant, locked until `trx` ends (its settings' read-modify-write). */
export async function lockTenant(trx: Db, id: string): Promise<TenantRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('tenants').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function listTenants(
  db: Db,
  filter: { onlyId?: string | undefined; afterId: string | null; limit: number },
): Promise<TenantRow[]> {
  let query = db.selectFrom('tenants').selectAll();
  if (filter.onlyId !== undefined) query = query.where('id', '=', filter.onlyId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateTenant(db: Db, id: string, patch: Partial<Omit<TenantRow, 'id'>>): Promise<void> {
  await db.updateTable('tenants').set(patch).where('id', '=', id).execute();
}
