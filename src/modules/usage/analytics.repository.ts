/** Verification counts for analytics: summed from the usage tables, within one tenant (and environment, key). */
import type { Db } from '../../storage/database.js';

export interface AnalyticsScope {
  readonly tenantId: string;
  readonly environmentId?: string | undefined;
  readonly keyId?: string | undefined;
}

export interface CountRow {
  /** `YYYY-MM-DD` for day counts, ms of the hour's start for tag counts. */
  readonly at: string | number;
  readonly group: string;
  readonly count: number;
}

/** Verifies per UTC day grouped by code or key, from `from` to `to` (days, inclusive). */
export async function dayCounts(
  db: Db,
  scope: AnalyticsScope,
  groupBy: 'code' | 'key',
  from: string,
  to: string,
): Promise<CountRow[]> {
  const group = groupBy === 'code' ? 'key_usage_days.code' : 'key_usage_days.key_id';
  let query = db
    .selectFrom('key_usage_days')
    .innerJoin('api_keys', 'api_keys.id', 'key_usage_days.key_id')
    .select(['key_usage_days.day as at', `${group} as group`])
    .select((eb) => eb.fn.sum<number>('key_usage_days.count').as('count'))
    .where('api_keys.tenant_id', '=', scope.tenantId)
    .where('key_usage_days.day', '>=', from)
    .where('key_usage_days.day', '<=', to);
  if (scope.environmentId !== undefined) query = query.where('api_keys.environment_id', '=', scope.environmentId);
  if (scope.keyId !== undefined) query = query.where('key_usage_days.key_id', '=', scope.keyId);
  const rows = await query.groupBy(['key_usage_days.day', group]).execute();
  return rows.map((row) => ({ at: row.at, group: row.group, count: Number(row.count) }));
}

/** Verify tags per UTC hour, from `from` (inclusive) to `to` (exclusive), ms. */
export async function tagCounts(db: Db, scope: AnalyticsScope, from: number, to: number): Promise<CountRow[]> {
  let query = db
    .selectFrom('key_usage_tags')
    .innerJoin('api_keys', 'api_keys.id', 'key_usage_tags.key_id')
    .select(['key_usage_tags.hour as at', 'key_usage_tags.tag as group'])
    .select((eb) => eb.fn.sum<number>('key_usage_tags.count').as('count'))
    .where('api_keys.tenant_id', '=', scope.tenantId)
    .where('key_usage_tags.hour', '>=', from)
    .where('key_usage_tags.hour', '<', to);
  if (scope.environmentId !== undefined) query = query.where('api_keys.environment_id', '=', scope.environmentId);
  if (scope.keyId !== undefined) query = query.where('key_usage_tags.key_id', '=', scope.keyId);
  const rows = await query.groupBy(['key_usage_tags.hour', 'key_usage_tags.tag']).execute();
  return rows.map((row) => ({ at: Number(row.at), group: row.group, count: Number(row.count) }));
}
