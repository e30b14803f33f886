/** API keys at rest, as services see them (domain values); the verify miss's lookup is key-lookup.repository.ts's. */
import type { Selectable } from 'kysely';
import {
  flag,
  jsonObject,
  rateLimitList,
  readingRow,
  stringList,
  stringMap,
  tableColumns,
} from '../../storage/column-codec.js';
import type { ApiKeysTable, Db } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

const columns = tableColumns<Selectable<ApiKeysTable>>('api_keys')({
  admin: flag,
  enabled: flag,
  permissions: stringList.column,
  scopes: stringList.column,
  levels: stringMap.column,
  group_ids: stringList.column,
  ratelimits: rateLimitList.column,
  metadata: jsonObject.column,
  ip_allowlist: stringList.nullable,
});

/** A key: its flags booleans, its grants, groups, limits and allowlist lists, its metadata an object. */
export type KeyRow = ReturnType<typeof columns.decode>;

/** A key row as read, decoded; a column it cannot read is said with the key's id. */
export function decodeKeyRow(row: Selectable<ApiKeysTable>): KeyRow {
  return readingRow(row.id, () => columns.decode(row));
}

const decodeFound = (row: Selectable<ApiKeysTable> | undefined) => (row === undefined ? undefined : decodeKeyRow(row));

export async function insertKey(db: Db, row: KeyRow): Promise<void> {
  await db.insertInto('api_keys').values(columns.encode(row)).execute();
}

/** Many keys in one statement (fixtures that need a table's worth). */
export async function insertKeys(db: Db, rows: readonly KeyRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('api_keys').values(rows.map(columns.encode)).execute();
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<KeyRow | undefined> {
  return decodeFound(await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst());
}

/**
 * After a pepper rotation: replaces a key's hash (current or rotated-out) made under the previous
 * pepper with the one under the new, unless the key changed meanwhile. Answers whether it did.
 */
export async function rehashKey(
  db: Db,
  id: string,
  column: 'key_hash' | 'previous_key_hash',
  from: string,
  to: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ [column]: to })
    .where('id', '=', id)
    .where(column, '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findKeyById(db: Db, id: string): Promise<KeyRow | undefined> {
  return decodeFound(await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst());
}

/** The key, locked until `trx` ends: what a read-modify-write of it reads (row-lock.ts). */
export async function lockKey(trx: Db, id: string): Promise<KeyRow | undefined> {
  return decodeFound(
    await lockForUpdate(trx, trx.selectFrom('api_keys').selectAll().where('id', '=', id)).executeTakeFirst(),
  );
}

export type KeyListStatus = 'active' | 'disabled' | 'expired' | 'revoked';

export interface KeyListFilter {
  readonly tenantId?: string | undefined;
  readonly environmentId?: string | undefined;
  readonly policyId?: string | undefined;
  readonly groupId?: string | undefined;
  readonly userId?: string | undefined;
  readonly kind?: 'user' | 'application' | undefined;
  /** Keys in this state at `now` (key-object.ts's keyStatus, as SQL). */
  readonly status?: { readonly is: KeyListStatus; readonly now: number } | undefined;
  /** Live keys expiring after `now` and before this time. */
  readonly expiringBefore?: { readonly now: number; readonly before: number } | undefined;
  /** Ids sort by creation time: newest first unless `oldestFirst`. */
  readonly oldestFirst?: boolean | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

/** Every filter of a listing but the order and the page size: a search adds its own match to it. */
export function keyListQuery(db: Db, filter: KeyListFilter) {
  let query = db.selectFrom('api_keys').selectAll().where('kind', '!=', 'root');
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.environmentId !== undefined) query = query.where('environment_id', '=', filter.environmentId);
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  const { policyId, groupId, status } = filter;
  if (policyId !== undefined)
    query = query.where('id', 'in', (eb) =>
      eb.selectFrom('key_policies').select('key_id').where('policy_id', '=', policyId),
    );
  if (filter.expiringBefore !== undefined) {
    query = query
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', filter.expiringBefore.now)
      .where('expires_at', '<=', filter.expiringBefore.before);
  }
  if (status !== undefined) {
    if (status.is === 'revoked') query = query.where('revoked_at', 'is not', null);
    else if (status.is === 'disabled') query = query.where('revoked_at', 'is', null).where('enabled', '=', 0);
    else {
      query = query.where('revoked_at', 'is', null).where('enabled', '=', 1);
      query =
        status.is === 'expired'
          ? query.where('expires_at', '<=', status.now)
          : query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', status.now)]));
    }
  }
  if (groupId !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('group_members').select('key_id').where('group_id', '=', groupId)),
        eb('user_id', 'in', eb.selectFrom('group_user_members').select('user_id').where('group_id', '=', groupId)),
      ]),
    );
  }
  if (filter.afterId !== null) query = query.where('id', filter.oldestFirst ? '>' : '<', filter.afterId);
  return query;
}

export type KeyListQuery = ReturnType<typeof keyListQuery>;

/** One page of keys (and one more row, saying a next page exists), in creation order. */
export function pageOf(query: KeyListQuery, filter: KeyListFilter): KeyListQuery {
  return query.orderBy('id', filter.oldestFirst ? 'asc' : 'desc').limit(filter.limit + 1);
}

export async function listKeys(db: Db, filter: KeyListFilter): Promise<KeyRow[]> {
  return (await pageOf(keyListQuery(db, filter), filter).execute()).map(decodeKeyRow);
}

/**
 * Writes a live key; a revoked one is left as it is (revocation is terminal: nothing sets a
 * revoked key live again or gives it a new secret). Answers whether the key was written.
 */
export async function updateKey(db: Db, id: string, patch: Partial<Omit<KeyRow, 'id'>>): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set(columns.encode(patch))
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function liveKeyIdsOfUser(db: Db, userId: string): Promise<KeyRow[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map(decodeKeyRow);
}

/** A user's live keys, locked until `trx` ends, in id order (the order every writer locks keys in). */
export async function lockLiveKeysOfUser(trx: Db, userId: string): Promise<KeyRow[]> {
  const rows = await lockForUpdate(
    trx,
    trx.selectFrom('api_keys').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('id'),
  ).execute();
  return rows.map(decodeKeyRow);
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
