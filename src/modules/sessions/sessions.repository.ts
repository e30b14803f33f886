/** Sessions at rest: found by the hash of their token (indexed), never by the token itself. */
import type { Selectable } from 'kysely';
import { flag, stringList, tableColumns } from '../../storage/column-codec.js';
import type { Db, SessionsTable } from '../../storage/database.js';

const columns = tableColumns<Selectable<SessionsTable>>('sessions')({
  mfa_pending: flag,
  candidate_key_ids: stringList.column,
});

/** A session, its MFA flag a boolean and its candidate keys a list. */
export type SessionRow = ReturnType<typeof columns.decode>;

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(columns.encode(row)).execute();
}

export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<SessionRow | undefined> {
  return columns.decodeFound(
    await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  );
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return columns.decodeFound(await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst());
}

export async function selectSessions(
  db: Db,
  filter: {
    tenantId?: string | undefined;
    userId?: string | undefined;
    now: number;
    afterId: string | null;
    limit: number;
  },
): Promise<SessionRow[]> {
  let query = db.selectFrom('sessions').selectAll().where('expires_at', '>', filter.now);
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  return rows.map(columns.decode);
}

export async function updateSession(db: Db, id: string, patch: Partial<Omit<SessionRow, 'id'>>): Promise<void> {
  await db.updateTable('sessions').set(columns.encode(patch)).where('id', '=', id).execute();
}

/** Deletes the session; answers whether it was there (two ends racing: one of them ends it). */
export async function deleteSessionRow(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteSessionsOfProvider(db: Db, providerId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('provider_id', '=', providerId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sessions past their end: pruned when a new one starts, so the table does not grow with sign-ins. */
export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}
