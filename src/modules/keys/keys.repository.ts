/** API keys at rest. Lookups by id or by the key's HMAC (the one indexed lookup of a verify miss). */
import type { Selectable } from 'kysely';
import type { ApiKeysTable, Db } from '../../storage/database.js';
import type { KeyKind, KeyRecord } from '../../core/key-record.js';
import { compileGrants } from '../../core/grants/compile-grants.js';
import { grantSourceOf } from '../../core/grants/grant-set.js';
import type { AuthModel } from '../../core/model/model.js';
import { grantSetOf } from './key-grants.js';

export type KeyRow = Selectable<ApiKeysTable>;

export async function insertKey(db: Db, row: KeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<KeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function findKeyById(db: Db, id: string): Promise<KeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface KeyListFilter {
  readonly tenantId?: string | undefined;
  readonly environmentId?: string | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

export async function listKeys(db: Db, filter: KeyListFilter): Promise<KeyRow[]> {
  let query = db.selectFrom('api_keys').selectAll().where('kind', '!=', 'root');
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.environmentId !== undefined) query = query.where('environment_id', '=', filter.environmentId);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  return query.orderBy('id').limit(filter.limit + 1).execute();
}

export async function updateKey(db: Db, id: string, patch: Partial<Omit<KeyRow, 'id'>>): Promise<void> {
  await db.updateTable('api_keys').set(patch).where('id', '=', id).execute();
}

export async function liveKeyIdsOfUser(db: Db, userId: string): Promise<KeyRow[]> {
  return db.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function countLiveKeysInEnvironment(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The row as the check sees it: no hash, grants compiled once through the model. */
export function toKeyRecord(row: KeyRow, model: AuthModel): KeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    userId: row.user_id,
    kind: row.kind as KeyKind,
    admin: row.admin === 1,
    enabled: row.enabled === 1,
    revokedAt: row.revoked_at,
    expiresAt: row.expires_at,
    grants: compileGrants(model, [grantSourceOf(model, grantSetOf(row))]),
  };
}
