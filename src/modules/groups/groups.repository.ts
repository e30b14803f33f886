/** Groups at rest, and their members. A key's row keeps its group ids; both change together. */
import type { Selectable } from 'kysely';
import type { Db, GroupsTable } from '../../storage/database.js';

export type GroupRow = Selectable<GroupsTable>;

export async function insertGroup(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto('groups').values(row).execute();
}

export async function findGroup(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function groupsByIds(db: Db, ids: readonly string[]): Promise<GroupRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('groups').selectAll().where('id', 'in', ids).execute();
}

export async function listGroups(db: Db, filter: { tenantId?: string | undefined; afterId: string | null; limit: number }): Promise<GroupRow[]> {
  let query = db.selectFrom('groups').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  return query.orderBy('id').limit(filter.limit + 1).execute();
}

export async function renameGroup(db: Db, id: string, name: string, now: number): Promise<void> {
  await db.updateTable('groups').set({ name, updated_at: now }).where('id', '=', id).execute();
}

export async function membersOf(db: Db, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const byGroup = new Map<string, string[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db.selectFrom('group_members').selectAll().where('group_id', 'in', groupIds).orderBy('key_id').execute();
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row.key_id]);
  return byGroup;
}

async function writeKeyGroups(db: Db, keyId: string): Promise<void> {
  const rows = await db.selectFrom('group_members').select('group_id').where('key_id', '=', keyId).orderBy('group_id').execute();
  await db.updateTable('api_keys').set({ group_ids: JSON.stringify(rows.map((row) => row.group_id)) }).where('id', '=', keyId).execute();
}

/** Adds a member (no-op when already one) and refreshes the key's own list. */
export async function addMember(db: Db, groupId: string, keyId: string, now: number): Promise<boolean> {
  const existing = await db.selectFrom('group_members').select('key_id').where('group_id', '=', groupId).where('key_id', '=', keyId).executeTakeFirst();
  if (existing !== undefined) return false;
  await db.insertInto('group_members').values({ group_id: groupId, key_id: keyId, created_at: now }).execute();
  await writeKeyGroups(db, keyId);
  return true;
}

export async function removeMember(db: Db, groupId: string, keyId: string): Promise<boolean> {
  const result = await db.deleteFrom('group_members').where('group_id', '=', groupId).where('key_id', '=', keyId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await writeKeyGroups(db, keyId);
  return true;
}

/** Deletes the group, its memberships and the roles it held on resources; answers the former members. */
export async function deleteGroup(db: Db, id: string): Promise<string[]> {
  const members = (await membersOf(db, [id])).get(id) ?? [];
  await db.deleteFrom('group_members').where('group_id', '=', id).execute();
  for (const keyId of members) await writeKeyGroups(db, keyId);
  await db.deleteFrom('resource_roles').where('principal_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
  return members;
}
