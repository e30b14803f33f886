/** API keys at rest. Lookups by id or by the key's HMAC (the one indexed lookup of a verify miss). */
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
import type { RateBucket } from '../../core/key-record.js';
import type { GrantSet } from '../../core/grants/grant-set.js';
import { bucketsOf } from '../ratelimits/ratelimit-columns.js';

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

/** When a user key must pass MFA again: its user's last pass, and `mfaReverifyDays` in force. */
export interface MfaReverify {
  readonly days: number | null;
  readonly passedAt: number | null;
}

/** A key, the grants of every policy linked to it, and its MFA re-verification. */
export interface KeyWithPolicies {
  readonly row: KeyRow;
  readonly policies: readonly GrantSet[];
  readonly mfa: MfaReverify;
  /** The rate limits of every linked policy, one shared bucket each. */
  readonly policyLimits?: readonly RateBucket[];
  /** The key's environment's IP allowlist, null when it has none. */
  readonly environmentIpAllowlist?: readonly string[] | null;
  /** The key's tenant's time zone (credits refill in it); null: UTC. */
  readonly timeZone?: string | null;
  /** The key's user's externalId (the platform's own id for the person); null: none, or no user. */
  readonly userExternalId?: string | null;
}

/**
 * The verify miss: one statement, by the indexed HMAC of the current secret or of the one before
 * the last rotation, returning the key once per linked policy with that policy's grants (or once
 * with none).
 */
export async function findKeyWithPoliciesByHash(db: Db, keyHash: string): Promise<KeyWithPolicies | undefined> {
  const rows = await db
    .selectFrom('api_keys')
    .leftJoin('key_policies', 'key_policies.key_id', 'api_keys.id')
    .leftJoin('policies', 'policies.id', 'key_policies.policy_id')
    .leftJoin('environments', 'environments.id', 'api_keys.environment_id')
    .leftJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .leftJoin('user_mfa', 'user_mfa.user_id', 'api_keys.user_id')
    .leftJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select(['policies.id as policy_id', 'policies.ratelimits as policy_ratelimits'])
    .select([
      'policies.permissions as policy_permissions',
      'policies.scopes as policy_scopes',
      'policies.levels as policy_levels',
    ])
    .select([
      'environments.mfa_reverify_days as env_reverify_days',
      'tenants.mfa_reverify_days as tenant_reverify_days',
      'user_mfa.passed_at as mfa_passed_at',
    ])
    .select(['environments.ip_allowlist as env_ip_allowlist', 'tenants.time_zone as tenant_time_zone'])
    .select('users.external_id as user_external_id')
    .where((eb) => eb.or([eb('api_keys.key_hash', '=', keyHash), eb('api_keys.previous_key_hash', '=', keyHash)]))
    .execute();
  const first = rows[0];
  if (first === undefined) return undefined;
  const {
    policy_id: _i,
    policy_ratelimits: _r,
    policy_permissions: _p,
    policy_scopes: _s,
    policy_levels: _l,
    env_reverify_days,
    tenant_reverify_days,
    mfa_passed_at,
    env_ip_allowlist,
    tenant_time_zone,
    user_external_id,
    ...row
  } = first;
  // The key and each policy decoded once here; a column that does not read names the key.
  return readingRow(first.id, () => {
    const policies: GrantSet[] = [];
    const policyLimits: RateBucket[] = [];
    for (const joined of rows) {
      const { policy_permissions: permissions, policy_scopes: scopes, policy_levels: levels } = joined;
      if (permissions !== null && scopes !== null && levels !== null)
        policies.push({
          permissions: stringList.decode(permissions, 'policies.permissions'),
          scopes: stringList.decode(scopes, 'policies.scopes'),
          levels: stringMap.decode(levels, 'policies.levels'),
          preset: null,
        });
      if (joined.policy_id !== null)
        policyLimits.push(
          ...bucketsOf(
            'policy',
            joined.policy_id,
            rateLimitList.decode(joined.policy_ratelimits ?? '[]', 'policies.ratelimits'),
          ),
        );
    }
    return {
      row: columns.decode(row),
      policies,
      mfa: { days: env_reverify_days ?? tenant_reverify_days ?? null, passedAt: mfa_passed_at ?? null },
      environmentIpAllowlist: stringList.decodeNullable(env_ip_allowlist ?? null, 'environments.ip_allowlist'),
      timeZone: tenant_time_zone ?? null,
      userExternalId: user_external_id ?? null,
      policyLimits,
    };
  });
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
