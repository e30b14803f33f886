/**
 * Verifications over time (SPEC §5 `GET /v1/analytics/verifications`), for dashboards: the counts
 * the usage recorder wrote (every `KEYWARD_USAGE_FLUSH_MS`), in one tenant, optionally one
 * environment or key, by UTC hour or day.
 *
 * For the tenant (issue 26) they come from its rollups, hourly and daily, so a read costs the
 * buckets it answers, not the tenant's keys times days; by key it answers the `limit` busiest keys
 * only (ranked from each bucket's busiest, analytics-top.ts; then their buckets read). For one key, by code they
 * come from the key's daily counts (so by day only) and by tag from its hourly tag counts.
 */
import { DAY_MS, HOUR_MS } from '../../core/clock.js';
import { topKeys } from './analytics-top.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { VerificationsInput, VerificationsObject } from '../../api/analytics.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { findKeyById } from '../keys/keys.repository.js';
import { notFound, resolveTenantId } from '../scope.js';
import {
  dayCounts,
  rollupCounts,
  tagCounts,
  type AnalyticsScope,
  type CountRow,
  type RollupRange,
} from './analytics.repository.js';

/** The widest range asked at once: a month by hour, a bit more than a year by day. */
const MAX_SPAN_DAYS = { hour: 31, day: 400 } as const;
const DEFAULT_SPAN_DAYS = { hour: 7, day: 30 } as const;
/** By key: the busiest keys answered unless `limit` says otherwise. */
export const DEFAULT_TOP_KEYS = 10;

const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The buckets' time range: `from` rounded down, `to` rounded up to the granularity; or why it cannot be read. */
function range(
  query: VerificationsInput,
  granularity: 'hour' | 'day',
  now: number,
): Result<{ from: number; to: number }> {
  const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const toAsked = query.to === undefined ? now : Date.parse(query.to);
  if (Number.isNaN(toAsked)) return fail('VALIDATION', `to is not a date: ${query.to}`, { field: 'to' });
  const to = Math.ceil(toAsked / step) * step;
  const fromAsked = query.from === undefined ? to - DEFAULT_SPAN_DAYS[granularity] * DAY_MS : Date.parse(query.from);
  if (Number.isNaN(fromAsked)) return fail('VALIDATION', `from is not a date: ${query.from}`, { field: 'from' });
  const from = Math.floor(fromAsked / step) * step;
  if (from >= to) return fail('VALIDATION', 'from must come before to', { field: 'from' });
  if (to - from > MAX_SPAN_DAYS[granularity] * DAY_MS)
    return fail('VALIDATION', `at most ${MAX_SPAN_DAYS[granularity]} days by ${granularity}`, { field: 'from' });
  return ok({ from, to });
}

/** The environment or key named must be of the tenant: anything else is not found. */
async function scopeOf(
  deps: ServiceDeps,
  tenantId: string,
  query: VerificationsInput,
): Promise<Result<AnalyticsScope & { readonly empty: boolean }>> {
  if (query.environmentId !== undefined) {
    const environment = await findEnvironment(deps.db, query.environmentId);
    if (environment?.tenant_id !== tenantId) return notFound('environment', query.environmentId);
  }
  if (query.keyId !== undefined) {
    const key = await findKeyById(deps.db, query.keyId);
    if (key?.tenant_id !== tenantId) return notFound('key', query.keyId);
    // A key of another environment than the one named has no verifies in it.
    if (query.environmentId !== undefined && key.environment_id !== query.environmentId)
      return ok({ tenantId, environmentId: query.environmentId, keyId: query.keyId, empty: true });
  }
  return ok({ tenantId, environmentId: query.environmentId, keyId: query.keyId, empty: false });
}

/** The stored counts the answer sums: the tenant's rollups, or for one key its own counts. */
async function countRows(
  deps: ServiceDeps,
  scope: AnalyticsScope,
  range: RollupRange,
  limit: number | undefined,
): Promise<CountRow[]> {
  const { keyId } = scope;
  if (keyId !== undefined) {
    // The key is of the tenant and environment (scopeOf): its own rows need no join.
    if (range.dimension === 'key') return rollupCounts(deps.db, scope, range, [keyId]);
    const keyScope = { ...scope, keyId };
    if (range.dimension === 'tag') return tagCounts(deps.db, keyScope, range.from, range.to);
    return dayCounts(deps.db, keyScope, dayText(range.from), dayText(range.to - DAY_MS));
  }
  if (range.dimension !== 'key') return rollupCounts(deps.db, scope, range);
  const keys = await topKeys(deps.db, scope, range, limit ?? DEFAULT_TOP_KEYS);
  return rollupCounts(deps.db, scope, range, keys);
}

export async function getAnalyticsVerifications(
  deps: ServiceDeps,
  caller: Caller,
  query: VerificationsInput,
): Promise<Result<VerificationsObject>> {
  const tenantId = resolveTenantId(caller.key, query.tenantId);
  if (!tenantId.ok) return tenantId;
  const scope = await scopeOf(deps, tenantId.value, query);
  if (!scope.ok) return scope;
  const granularity = query.granularity ?? 'day';
  const groupBy = query.groupBy ?? 'code';
  if (granularity === 'hour' && groupBy === 'code' && query.keyId !== undefined)
    return fail('VALIDATION', "one key's counts by code are kept per day: ask granularity=day, or leave keyId out", {
      field: 'granularity',
    });
  const span = range(query, granularity, deps.clock.now());
  if (!span.ok) return span;
  const { from, to } = span.value;
  const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const rows = scope.value.empty
    ? []
    : await countRows(deps, scope.value, { dimension: groupBy, granularity, from, to }, query.limit);
  const sums = new Map<string, { time: number; group: string; count: number }>();
  for (const row of rows) {
    const at = typeof row.at === 'number' ? row.at : Date.parse(row.at);
    const time = Math.floor(at / step) * step;
    const id = `${time}\u0000${row.group}`;
    const bucket = sums.get(id);
    if (bucket === undefined) sums.set(id, { time, group: row.group, count: row.count });
    else bucket.count += row.count;
  }
  const buckets = [...sums.values()]
    .sort((a, b) => a.time - b.time || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .map((bucket) => ({ time: new Date(bucket.time).toISOString(), group: bucket.group, count: bucket.count }));
  return ok({
    granularity,
    groupBy,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    total: buckets.reduce((sum, bucket) => sum + bucket.count, 0),
    buckets,
  });
}
