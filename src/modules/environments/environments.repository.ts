/** Environments at rest. */
import type { Selectable } from 'kysely';
import type { Db, EnvironmentsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import { type TenantPageRequest, tenantPageQuery } from '../pagination.js';

export type EnvironmentRow = Selectable<EnvironmentsTable>;

export async function insertEnvironment(db: Db, row: EnvironmentRow): Promise<void> {
  await db.insertInto('environments').values(row).execute();
}

export async function findEnvironment(db: Db, id: string): Promise<EnvironmentRow | undefined> {
  return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The environment, locked until `trx` ends: its writers, and what must not land in it while it is deleted (keys, resources). */
export async function lockEnvironment(trx: Db, id: string): Promise<EnvironmentRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('environments').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function findEnvironmentByName(
  db: Db,
  tenantId: string,
  name: string,
): Promise<EnvironmentRow | undefined> {
  return db
    .selectFrom('environments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function listEnvironments(db: Db, filter: TenantPageRequest): Promise<EnvironmentRow[]> {
  return tenantPageQuery(db.selectFrom('environments').selectAll(), filter).execute();
}

export async function updateEnvironment(db: Db, id: string, patch: Partial<Omit<EnvironmentRow, 'id'>>): Promise<void> {
  await db.updateTable('environments').set(patch).where('id', '=', id).execute();
}

export async function deleteEnvironment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('environments').where('id', '=', id).execute();
}
