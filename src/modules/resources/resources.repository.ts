/** Resources and the roles principals hold on them, at rest. */
import type { Selectable } from 'kysely';
import type { Db, ResourceRolesTable, ResourcesTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type ResourceRow = Selectable<ResourcesTable>;
export type ResourceRoleRow = Selectable<ResourceRolesTable>;

export async function insertResource(db: Db, row: ResourceRow): Promise<void> {
  await db.insertInto('resources').values(row).execute();
}

export async function findResource(db: Db, id: string): Promise<ResourceRow | undefined> {
  return db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The resource, locked until `trx` ends: changed, deleted, or given a child (which its deletion must not miss). */
export async function lockResource(trx: Db, id: string): Promise<ResourceRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('resources').selectAll().where('id', '=', id)).executeTakeFirst();
}

export async function findResourceByExternalId(
  db: Db,
  environmentId: string,
  type: string,
  externalId: string,
): Promise<ResourceRow | undefined> {
  return db
    .selectFrom('resources')
    .selectAll()
    .where('environment_id', '=', environmentId)
    .where('type', '=', type)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function resourcesByIds(db: Db, ids: readonly string[]): Promise<ResourceRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('resources').selectAll().where('id', 'in', ids).execute();
}

export async function rolesOn(db: Db, resourceIds: readonly string[]): Promise<ResourceRoleRow[]> {
  if (resourceIds.length === 0) return [];
  return db.selectFrom('resource_roles').selectAll().where('resource_id', 'in', resourceIds).execute();
}

export async function insertRoles(db: Db, rows: readonly ResourceRoleRow[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('resource_roles')
      .values([...rows])
      .execute();
}

export async function updateResource(db: Db, id: string, patch: Partial<Omit<ResourceRow, 'id'>>): Promise<void> {
  await db.updateTable('resources').set(patch).where('id', '=', id).execute();
}

export async function deleteResource(db: Db, id: string): Promise<void> {
  await db.deleteFrom('resource_roles').where('resource_id', '=', id).execute();
  await db.deleteFrom('resources').where('id', '=', id).execute();
}

/** Every resource under `id`, deepest first (so each can be deleted before its parent). */
export async function descendantsOf(db: Db, id: string): Promise<ResourceRow[]> {
  const found: ResourceRow[] = [];
  let level = [id];
  while (level.length > 0) {
    const children = await db
      .selectFrom('resources')
      .selectAll()
      .where('parent_id', 'in', level)
      .orderBy('id')
      .execute();
    found.push(...children);
    level = children.map((child) => child.id);
  }
  return found.reverse();
}

export async function hasChildren(db: Db, id: string): Promise<boolean> {
  return (
    (await db.selectFrom('resources').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst()) !==
    undefined
  );
}

export async function countResourcesInEnvironment(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('resources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
