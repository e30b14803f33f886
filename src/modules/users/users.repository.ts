/** Users at rest. */
import type { Selectable } from 'kysely';
import type { Db, UsersTable } from '../../storage/database.js';
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

export async function listUsers(
  db: Db,
  filter: { tenantId?: string | undefined; afterId: string | null; limit: number },
): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  return query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
}

export async function updateUser(db: Db, id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}
