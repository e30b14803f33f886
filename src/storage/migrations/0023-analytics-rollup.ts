/**
 * Issue 26, analytics at 100 000 keys: `GET /v1/analytics/verifications` summed the per-key usage
 * rows of every key of the tenant (27–30 s by key on SQLite, a statement timeout on PostgreSQL).
 * The usage recorder now also writes per-tenant rollups, hourly and daily, by verdict code, by key
 * and by verify tag, so a tenant's dashboard reads its own buckets through an index range.
 *
 * Each row counts verifies of one tenant and environment in one bucket (the UTC hour or day
 * starting at `bucket`, ms) for one group of one dimension: the code, the key id or the tag. The
 * primary key answers "this dimension over a time range" (by code, by tag); the second index
 * "the busiest groups of a bucket" (ranking the top keys); the third "these keys over a time
 * range" (the top keys' buckets, one key's).
 *
 * `environment_id` is '' for a key with no environment (a tenant-level key): a primary key column
 * cannot be null on PostgreSQL.
 *
 * Usage recorded before this migration is copied in (one statement a dimension): the daily counts
 * by code and by key from `key_usage_days`, the hourly and daily tag counts from `key_usage_tags`.
 * Hourly counts by code and by key cannot be: those were kept per day only, so hourly answers
 * start at this migration.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../dialect.js';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (a `key_usage_days.day`) as ms since the epoch of that UTC midnight. */
function dayStartMs(db: Kysely<unknown>): RawBuilder<number> {
  return isPostgres(db)
    ? sql<number>`(extract(epoch from cast(d.day as date)) * 1000)::bigint`
    : sql<number>`cast(strftime('%s', d.day) as integer) * 1000`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('usage_rollups')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    // 'code', 'key' or 'tag': what `group_name` is.
    .addColumn('dimension', 'text', (c) => c.notNull())
    // 'hour' or 'day': the bucket's length.
    .addColumn('granularity', 'text', (c) => c.notNull())
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_rollups_pk', [
      'tenant_id',
      'dimension',
      'granularity',
      'bucket',
      'environment_id',
      'group_name',
    ])
    .execute();
  // Each bucket's groups busiest first: the top keys are ranked from each bucket's busiest few
  // (analytics-top.ts), not by summing every key of the range.
  await db.schema
    .createIndex('usage_rollups_busiest')
    .on('usage_rollups')
    .columns(['tenant_id', 'dimension', 'granularity', 'bucket', 'count'])
    .execute();
  await db.schema
    .createIndex('usage_rollups_group')
    .on('usage_rollups')
    .columns(['tenant_id', 'dimension', 'granularity', 'group_name', 'bucket'])
    .execute();

  const env = sql`coalesce(k.environment_id, '')`;
  // Daily by code and by key, from the daily per-key counts.
  for (const [dimension, group] of [
    ['code', sql`d.code`],
    ['key', sql`d.key_id`],
  ] as const)
    await sql`insert into usage_rollups (tenant_id, dimension, granularity, bucket, environment_id, group_name, count)
      select k.tenant_id, ${sql.lit(dimension)}, 'day', ${dayStartMs(db)}, ${env}, ${group}, sum(d.count)
      from key_usage_days d join api_keys k on k.id = d.key_id
      group by k.tenant_id, ${dayStartMs(db)}, ${env}, ${group}`.execute(db);
  // Hourly and daily by tag, from the hourly per-key tag counts.
  for (const [granularity, bucket] of [
    ['hour', sql`t.hour`],
    ['day', sql`(t.hour / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`],
  ] as const)
    await sql`insert into usage_rollups (tenant_id, dimension, granularity, bucket, environment_id, group_name, count)
      select k.tenant_id, 'tag', ${sql.lit(granularity)}, ${bucket}, ${env}, t.tag, sum(t.count)
      from key_usage_tags t join api_keys k on k.id = t.key_id
      group by k.tenant_id, ${bucket}, ${env}, t.tag`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('usage_rollups').execute();
}
