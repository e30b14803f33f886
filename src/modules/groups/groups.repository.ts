/**
 * Groups at rest, and their members: keys, and users (each of whose keys, present and future, is
 * a member through the user). A key's row keeps the ids of every group it is in either way,
 * rewritten in the same transaction as any membership that changes it.
 */
import type { Selectable } from 'kysely';
import type { Db, GroupsTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';
import { stringList } from '../../storage/column-codec.js';
import { type TenantPageRequest, tenantPageQuery } from '../pagination.js';

export type GroupRow = Selectable<GroupsTable>;

export async function insertGroup(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto('groups').values(row).execute();
}

export async function findGroup(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Groups in id order, locked until `trx` ends. Groups are locked before the users and keys
 * whose membership changes: every writer takes them in that order.
 */
export async function lockGroups(trx: Db, ids: readonly string[]): Promise<GroupRow[]> {
  if (ids.length === 0) return [];
  return lockForUpdate(
    trx,
    trx
      .selectFrom('groups')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .orderBy('id'),
  ).execute();
}

export async function groupsByIds(db: Db, ids: readonly string[]): Promise<GroupRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('groups').selectAll().where('id', 'in', ids).execute();
}

export async function listGroups(db: Db, filter: TenantPageRequest): Promise<GroupRow[]> {
  return tenantPageQuery(db.selectFrom('groups').selectAll(), filter).execute();
}

export async function renameGroup(db: Db, id: string, name: string, now: number): Promise<void> {
  await db.updateTable('groups').set({ name, updated_at: now }).where('id', '=', id).execute();
}

export async function membersOf(db: Db, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const byGroup = new Map<string, string[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .selectFrom('group_members')
    .selectAll()
    .where('group_id', 'in', groupIds)
    .orderBy('key_id')
    .execute();
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row.key_id]);
  return byGroup;
}

/** Group id → its user members, in id order. */
export async function userMembersOf(db: Db, groupIds: readonly string[]): Promise<Map<string, string[]>> {
  const byGroup = new Map<string, string[]>();
  if (groupIds.length === 0) return byGroup;
  const rows = await db
    .selectFrom('group_user_members')
    .selectAll()
    .where('group_id', 'in', groupIds)
    .orderBy('user_id')
    .execute();
  for (const row of rows) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row.user_id]);
  return byGroup;
}

/**
 * The key's groups, its own memberships and its user's, written onto its row. The row is locked
 * first: the list is then computed from what every earlier writer of it committed, not from a
 * read that a membership change committing meanwhile would make stale.
 */
export async function writeKeyGroups(db: Db, keyId: string): Promise<void> {
  await lockForUpdate(db, db.selectFrom('api_keys').select('id').where('id', '=', keyId)).execute();
  const direct = await db.selectFrom('group_members').select('group_id').where('key_id', '=', keyId).execute();
  const throughUser = await db
    .selectFrom('group_user_members')
    .innerJoin('api_keys', 'api_keys.user_id', 'group_user_members.user_id')
    .select('group_user_members.group_id')
    .where('api_keys.id', '=', keyId)
    .execute();
  const ids = [...new Set([...direct, ...throughUser].map((row) => row.group_id))].sort();
  await db
    .updateTable('api_keys')
    .set({ group_ids: stringList.encode(ids) })
    .where('id', '=', keyId)
    .execute();
}

async function writeUserKeysGroups(db: Db, userId: string): Promise<void> {
  const keys = await db.selectFrom('api_keys').select('id').where('user_id', '=', userId).orderBy('id').execute();
  for (const key of keys) await writeKeyGroups(db, key.id);
}

/** The groups a user is a member of, in id order (each of its keys is in them too). */
export async function groupIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_user_members')
    .select('group_id')
    .where('user_id', '=', userId)
    .orderBy('group_id')
    .execute();
  return rows.map((row) => row.group_id);
}

/** Adds a user member (no-op when already one) and refreshes each of its keys. */
export async function addUserMember(db: Db, groupId: string, userId: string, now: number): Promise<boolean> {
  const existing = await db
    .selectFrom('group_user_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing !== undefined) return false;
  await db.insertInto('group_user_members').values({ group_id: groupId, user_id: userId, created_at: now }).execute();
  await writeUserKeysGroups(db, userId);
  return true;
}

export async function removeUserMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('group_user_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await writeUserKeysGroups(db, userId);
  return true;
}

/** A deleted user leaves every group (its keys are revoked in the same transaction). */
export async function removeUserFromAllGroups(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('group_user_members').where('user_id', '=', userId).execute();
  await writeUserKeysGroups(db, userId);
}

/** Adds a member (no-op when already one) and refreshes the key's own list. */
export async function addMember(db: Db, groupId: string, keyId: string, now: number): Promise<boolean> {
  const existing = await db
    .selectFrom('group_members')
    .select('key_id')
    .where('group_id', '=', groupId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  if (existing !== undefined) return false;
  await db.insertInto('group_members').values({ group_id: groupId, key_id: keyId, created_at: now }).execute();
  await writeKeyGroups(db, keyId);
  return true;
}

export async function removeMember(db: Db, groupId: string, keyId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await writeKeyGroups(db, keyId);
  return true;
}

/**
 * Deletes the group, its memberships and the roles it held on resources; answers the former
 * members. The group must be locked; its user members are locked too (after it, as every writer
 * of a user's memberships does), so a key being created for one of them is seen or waits.
 */
export async function deleteGroup(db: Db, id: string): Promise<{ keys: string[]; users: string[] }> {
  const members = (await membersOf(db, [id])).get(id) ?? [];
  const users = (await userMembersOf(db, [id])).get(id) ?? [];
  if (users.length > 0)
    await lockForUpdate(db, db.selectFrom('users').select('id').where('id', 'in', users).orderBy('id')).execute();
  await db.deleteFrom('group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('group_user_members').where('group_id', '=', id).execute();
  for (const keyId of members) await writeKeyGroups(db, keyId);
  for (const userId of users) await writeUserKeysGroups(db, userId);
  await db.deleteFrom('resource_roles').where('principal_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
  return { keys: members, users };
}
