/** Users at rest. */
import type { Expression, Selectable, SqlBool } from 'kysely';
import type { Db, UsersTable } from '../../storage/database.js';
import { startsWith } from '../../storage/prefix-match.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The user, locked until `trx` ends. Every write that a user's deletion must not miss locks it:
 * a key created for the user, a group membership of the user, its MFA enrolment.
 */
export async function lockUser(trx: Db, id: string): Promise<UserRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('users').selectAll().where('id', '=', id)).executeTakeFirst();
}

/** Users in id order, locked until `trx` ends. */
export async function lockUsers(trx: Db, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return lockForUpdate(trx, trx.selectFrom('users').selectAll().where('id', 'in', ids).orderBy('id')).execute();
}

export async function findUserByExternalId(db: Db, tenantId: string, externalId: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

export async function findUserByEmail(db: Db, tenantId: string, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export interface UserListFilter {
  readonly tenantId?: string | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

/** A page of users in id order, with `where` (a search's match) if given. */
export function userPageQuery(db: Db, filter: UserListFilter, where?: Expression<SqlBool>) {
  let query = db.selectFrom('users').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  if (where !== undefined) query = query.where(where);
  return query.orderBy('id').limit(filter.limit + 1);
}

export async function listUsers(db: Db, filter: UserListFilter): Promise<UserRow[]> {
  return userPageQuery(db, filter).execute();
}

/**
 * Users whose name or email starts with `q` (case-insensitive): one indexed query for each
 * (migration 0020-key-search's users_tenant_name and users_tenant_email_prefix), merged by id.
 */
export async function searchUsers(db: Db, filter: UserListFilter, q: string): Promise<UserRow[]> {
  const answers = await Promise.all(
    (['users.name', 'users.email'] as const).map((column) =>
      userPageQuery(db, filter, startsWith(db, column, q)).execute(),
    ),
  );
  const byId = new Map<string, UserRow>();
  for (const row of answers.flat()) byId.set(row.id, row);
  return [...byId.keys()]
    .sort()
    .slice(0, filter.limit + 1)
    .map((id) => byId.get(id) as UserRow);
}

export async function updateUser(db: Db, id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}
