/**
 * Verification counts for analytics, within one tenant (and environment, key): the tenant's
 * rollups (migration 0023) for the tenant as a whole, each read an index range over its own
 * buckets; the per-key usage tables for one key.
 */
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

/** One key's verifies per UTC day by code, from `from` to `to` (days, inclusive): its primary key's range. */
export async function dayCounts(db: Db, scope: AnalyticsScope & { keyId: string }, from: string, to: string) {
  const rows = await db
    .selectFrom('key_usage_days')
    .select(['day as at', 'code as group'])
    .select((eb) => eb.fn.sum<number>('count').as('count'))
    .where('key_id', '=', scope.keyId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .groupBy(['day', 'code'])
    .execute();
  return rows.map((row): CountRow => ({ at: row.at, group: row.group, count: Number(row.count) }));
}

/** One key's verify tags per UTC hour, from `from` (inclusive) to `to` (exclusive), ms: its primary key's range. */
export async function tagCounts(db: Db, scope: AnalyticsScope & { keyId: string }, from: number, to: number) {
  const rows = await db
    .selectFrom('key_usage_tags')
    .select(['hour as at', 'tag as group'])
    .select((eb) => eb.fn.sum<number>('count').as('count'))
    .where('key_id', '=', scope.keyId)
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .groupBy(['hour', 'tag'])
    .execute();
  return rows.map((row): CountRow => ({ at: Number(row.at), group: row.group, count: Number(row.count) }));
}

export interface RollupRange {
  readonly dimension: 'code' | 'key' | 'tag';
  readonly granularity: 'hour' | 'day';
  /** Bucket starts, ms: `from` inclusive, `to` exclusive. */
  readonly from: number;
  readonly to: number;
}

/** A time range of one dimension in the tenant's rollups (the primary key's range, or the group index's). */
function rollupQuery(db: Db, scope: AnalyticsScope, range: RollupRange) {
  let query = db
    .selectFrom('usage_rollups')
    .where('tenant_id', '=', scope.tenantId)
    .where('dimension', '=', range.dimension)
    .where('granularity', '=', range.granularity)
    .where('bucket', '>=', range.from)
    .where('bucket', '<', range.to);
  if (scope.environmentId !== undefined) query = query.where('environment_id', '=', scope.environmentId);
  return query;
}

/** The tenant's counts per bucket and group; `groups`: only these (the top keys, or one key). */
export function rollupCountsQuery(db: Db, scope: AnalyticsScope, range: RollupRange, groups?: readonly string[]) {
  let query = rollupQuery(db, scope, range);
  if (groups !== undefined) query = query.where('group_name', 'in', [...groups]);
  return query
    .select(['bucket as at', 'group_name as group'])
    .select((eb) => eb.fn.sum<number>('count').as('count'))
    .groupBy(['bucket', 'group_name']);
}

export async function rollupCounts(
  db: Db,
  scope: AnalyticsScope,
  range: RollupRange,
  groups?: readonly string[],
): Promise<CountRow[]> {
  if (groups?.length === 0) return [];
  const rows = await rollupCountsQuery(db, scope, range, groups).execute();
  return rows.map((row) => ({ at: Number(row.at), group: row.group, count: Number(row.count) }));
}

/** The `limit` busiest groups over the range (the top keys), busiest first, ties by name: at most `limit` rows. */
export function topGroupsQuery(db: Db, scope: AnalyticsScope, range: RollupRange, limit: number) {
  return rollupQuery(db, scope, range)
    .select('group_name as group')
    .select((eb) => eb.fn.sum<number>('count').as('total'))
    .groupBy('group_name')
    .orderBy('total', 'desc')
    .orderBy('group_name')
    .limit(limit);
}

export async function topGroups(db: Db, scope: AnalyticsScope, range: RollupRange, limit: number): Promise<string[]> {
  const rows = await topGroupsQuery(db, scope, range, limit).execute();
  return rows.map((row) => row.group);
}

/** One bucket's `depth` busiest groups, busiest first: a range of the busiest-first index. */
export function busiestInBucketQuery(db: Db, scope: AnalyticsScope, range: RollupRange, bucket: number, depth: number) {
  let query = db
    .selectFrom('usage_rollups')
    .select(['group_name as group', 'count'])
    .where('tenant_id', '=', scope.tenantId)
    .where('dimension', '=', range.dimension)
    .where('granularity', '=', range.granularity)
    .where('bucket', '=', bucket);
  if (scope.environmentId !== undefined) query = query.where('environment_id', '=', scope.environmentId);
  return query.orderBy('count', 'desc').limit(depth);
}

export async function busiestInBucket(
  db: Db,
  scope: AnalyticsScope,
  range: RollupRange,
  bucket: number,
  depth: number,
): Promise<{ group: string; count: number }[]> {
  const rows = await busiestInBucketQuery(db, scope, range, bucket, depth).execute();
  return rows.map((row) => ({ group: row.group, count: Number(row.count) }));
}

/** Rows per IN list: far below either database's parameter limit. */
const IN_CHUNK = 500;

/** Each of `groups`' total over the range: a range of the group index per group. */
export async function groupTotals(
  db: Db,
  scope: AnalyticsScope,
  range: RollupRange,
  groups: readonly string[],
): Promise<{ group: string; total: number }[]> {
  const totals: { group: string; total: number }[] = [];
  for (let start = 0; start < groups.length; start += IN_CHUNK) {
    const rows = await rollupQuery(db, scope, range)
      .where('group_name', 'in', groups.slice(start, start + IN_CHUNK))
      .select('group_name as group')
      .select((eb) => eb.fn.sum<number>('count').as('total'))
      .groupBy('group_name')
      .execute();
    for (const row of rows) totals.push({ group: row.group, total: Number(row.total) });
  }
  return totals;
}
