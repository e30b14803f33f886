/** Policies at rest, and their links to keys. */
import type { Selectable } from 'kysely';
import { rateLimitList, readingRow, stringList, stringMap, tableColumns } from '../../storage/column-codec.js';
import type { Db, PoliciesTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

const columns = tableColumns<Selectable<PoliciesTable>>('policies')({
  permissions: stringList.column,
  scopes: stringList.column,
  levels: stringMap.column,
  ratelimits: rateLimitList.column,
});

/** A policy, its grants and rate limits as lists. */
export type PolicyRow = ReturnType<typeof columns.decode>;

/** A policy row as read, decoded; a column it cannot read is said with the policy's id. */
function decodePolicy(row: Selectable<PoliciesTable>): PolicyRow {
  return readingRow(row.id, () => columns.decode(row));
}

export async function insertPolicy(db: Db, row: PolicyRow): Promise<void> {
  await db.insertInto('policies').values(columns.encode(row)).execute();
}

export async function findPolicy(db: Db, id: string): Promise<PolicyRow | undefined> {
  const row = await db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : decodePolicy(row);
}

/** Policies in id order, locked until `trx` ends: edited, deleted, or linked to a key (which a deletion must not miss). */
export async function lockPolicies(trx: Db, ids: readonly string[]): Promise<PolicyRow[]> {
  if (ids.length === 0) return [];
  const rows = await lockForUpdate(
    trx,
    trx.selectFrom('policies').selectAll().where('id', 'in', ids).orderBy('id'),
  ).execute();
  return rows.map(decodePolicy);
}

export async function policiesByIds(db: Db, ids: readonly string[]): Promise<PolicyRow[]> {
  if (ids.length === 0) return [];
  return (await db.selectFrom('policies').selectAll().where('id', 'in', ids).execute()).map(decodePolicy);
}

export async function listPolicies(
  db: Db,
  filter: {
    tenantId?: string | undefined;
    environmentId?: string | undefined;
    tenantWideOnly?: boolean;
    afterId: string | null;
    limit: number;
  },
): Promise<PolicyRow[]> {
  let query = db.selectFrom('policies').selectAll();
  if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
  if (filter.environmentId !== undefined) query = query.where('environment_id', '=', filter.environmentId);
  if (filter.tenantWideOnly === true) query = query.where('environment_id', 'is', null);
  if (filter.afterId !== null) query = query.where('id', '>', filter.afterId);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  return rows.map(decodePolicy);
}

export async function updatePolicy(db: Db, id: string, patch: Partial<Omit<PolicyRow, 'id'>>): Promise<void> {
  await db.updateTable('policies').set(columns.encode(patch)).where('id', '=', id).execute();
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('key_policies').where('policy_id', '=', id).execute();
  await db.deleteFrom('policies').where('id', '=', id).execute();
}

export async function countPoliciesInEnvironment(db: Db, environmentId: string): Promise<number> {
  const row = await db
    .selectFrom('policies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('environment_id', '=', environmentId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function keyIdsLinkedTo(db: Db, policyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('key_policies')
    .select('key_id')
    .where('policy_id', '=', policyId)
    .orderBy('key_id')
    .execute();
  return rows.map((row) => row.key_id);
}

export async function policyIdsByKey(db: Db, keyIds: readonly string[]): Promise<Map<string, string[]>> {
  const byKey = new Map<string, string[]>();
  if (keyIds.length === 0) return byKey;
  const rows = await db
    .selectFrom('key_policies')
    .selectAll()
    .where('key_id', 'in', keyIds)
    .orderBy('policy_id')
    .execute();
  for (const row of rows) byKey.set(row.key_id, [...(byKey.get(row.key_id) ?? []), row.policy_id]);
  return byKey;
}

export async function setKeyPolicies(db: Db, keyId: string, policyIds: readonly string[]): Promise<void> {
  await db.deleteFrom('key_policies').where('key_id', '=', keyId).execute();
  if (policyIds.length > 0)
    await db
      .insertInto('key_policies')
      .values(policyIds.map((policyId) => ({ key_id: keyId, policy_id: policyId })))
      .execute();
}
