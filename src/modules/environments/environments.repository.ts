/** Environments at rest. */
import type { Selectable } from 'kysely';
import { optionalFlag, stringList, tableColumns } from '../../storage/column-codec.js';
import type { Db, EnvironmentsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import { type TenantPageRequest, tenantPageQuery } from '../pagination.js';

const columns = tableColumns<Selectable<EnvironmentsTable>>('environments')({
  mfa_required: optionalFlag,
  ip_allowlist: stringList.nullable,
});

/** An environment, its MFA flag a boolean (null: the tenant's) and its allowlist a list. */
export type EnvironmentRow = ReturnType<typeof columns.decode>;

export async function insertEnvironment(db: Db, row: EnvironmentRow): Promise<void> {
  await db.insertInto('environments').values(columns.encode(row)).execute();
}

export async function findEnvironment(db: Db, id: string): Promise<EnvironmentRow | undefined> {
  return columns.decodeFound(await db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst());
}

/** The environment, locked until `trx` ends: its writers, and what must not land in it while it is deleted (keys, resources). */
export async function lockEnvironment(trx: Db, id: string): Promise<EnvironmentRow | undefined> {
  return columns.decodeFound(
    await lockForUpdate(trx, trx.selectFrom('environments').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

export async function findEnvironmentByName(
  db: Db,
  tenantId: string,
  name: string,
): Promise<EnvironmentRow | undefined> {
  return columns.decodeFound(
    await db
      .selectFrom('environments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst(),
  );
}

export async function listEnvironments(db: Db, filter: TenantPageRequest): Promise<EnvironmentRow[]> {
  return (await tenantPageQuery(db.selectFrom('environments').selectAll(), filter).execute()).map(columns.decode);
}

export async function updateEnvironment(db: Db, id: string, patch: Partial<Omit<EnvironmentRow, 'id'>>): Promise<void> {
  await db.updateTable('environments').set(columns.encode(patch)).where('id', '=', id).execute();
}

export async function deleteEnvironment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('environments').where('id', '=', id).execute();
}
