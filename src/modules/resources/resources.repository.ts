/** Resources and the roles principals hold on them, at rest. */
import type { Selectable } from 'kysely';
import { jsonObject, tableColumns } from '../../storage/column-codec.js';
import type { Db, ResourceRolesTable, ResourcesTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

const columns = tableColumns<Selectable<ResourcesTable>>('resources')({ metadata: jsonObject.column });

/** A resource, its metadata a checked object. */
export type ResourceRow = ReturnType<typeof columns.decode>;
export type ResourceRoleRow = Selectable<ResourceRolesTable>;

/** What the check needs of a resource (where it sits, who may see it): no metadata or value to read. */
const PLACEMENT = ['id', 'tenant_id', 'environment_id', 'type', 'parent_id', 'visibility'] as const;
export type ResourcePlacement = Pick<ResourceRow, (typeof PLACEMENT)[number]>;

export async function insertResource(db: Db, row: ResourceRow): Promise<void> {
  await db.insertInto('resources').values(columns.encode(row)).execute();
}

export async function findResource(db: Db, id: string): Promise<ResourceRow | undefined> {
  return columns.decodeFound(await db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst());
}

/** The resource, locked until `trx` ends: changed, deleted, or given a child (which its deletion must not miss). */
export async function lockResource(trx: Db, id: string): Promise<ResourceRow | undefined> {
  return columns.decodeFound(
    await lockForUpdate(trx, trx.selectFrom('resources').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

/** Where resource `id` sits, or by `externalId` of `type` in an environment: the verify path's lookup. */
export async function findPlacement(
  db: Db,
  by: { readonly id: string } | { readonly environmentId: string; readonly type: string; readonly externalId: string },
): Promise<ResourcePlacement | undefined> {
  const select = db.selectFrom('resources').select(PLACEMENT);
  return 'id' in by
    ? select.where('id', '=', by.id).executeTakeFirst()
    : select
        .where('environment_id', '=', by.environmentId)
        .where('type', '=', by.type)
        .where('external_id', '=', by.externalId)
        .executeTakeFirst();
}

export async function findResourceByExternalId(
  db: Db,
  environmentId: string,
  type: string,
  externalId: string,
): Promise<ResourceRow | undefined> {
  return columns.decodeFound(
    await db
      .selectFrom('resources')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('type', '=', type)
      .where('external_id', '=', externalId)
      .executeTakeFirst(),
  );
}

/** Where each of `ids` sits (those that exist). */
export async function placementsByIds(db: Db, ids: readonly string[]): Promise<ResourcePlacement[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('resources').select(PLACEMENT).where('id', 'in', ids).execute();
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
  await db.updateTable('resources').set(columns.encode(patch)).where('id', '=', id).execute();
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
    found.push(...children.map(columns.decode));
    level = children.map((child) => child.id);
  }
  return found.reverse();
}

/** Rows read elsewhere (the listing's and the search's statements) as services see them. */
export const decodeResource = columns.decode;

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
