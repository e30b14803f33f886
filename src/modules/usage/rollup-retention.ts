/**
 * Hourly analytics rollups are kept `KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS` (90 by default),
 * then removed; daily rollups are kept. Hourly rows by key are the bulk of `usage_rollups`: a
 * tenant with 10 000 keys used every hour adds 240 000 rows a day, and nothing read them past
 * the widest hourly range analytics answers (31 days, analytics.service.ts).
 *
 * Every node prunes (an hourly pass, http/rollup-upkeep.ts): the deletes are idempotent, and
 * each reads its rows from the primary key's range for one tenant and dimension, a bounded batch
 * at a time, so a first pass over a long-kept table is many short statements, not one long one.
 * Two nodes pruning the same rows at once on PostgreSQL may deadlock: the one aborted stops its
 * pass there, and the other's (or the next hour's) removes the rest.
 */
import { DAY_MS } from '../../core/clock.js';
import type { Db } from '../../storage/database.js';
import { isDeadlock } from '../../storage/dialect.js';

const HOUR_MS = 3_600_000;

/** Rows removed per statement. */
export const ROLLUP_PRUNE_BATCH = 1000;

const DIMENSIONS = ['code', 'key', 'tag'] as const;

type Dimension = (typeof DIMENSIONS)[number];

/** One batch of one tenant's and dimension's hourly rows older than `cutoff`, on the primary key's range. */
export function hourlyPruneQuery(db: Db, tenantId: string, dimension: Dimension, cutoff: number) {
  return db
    .deleteFrom('usage_rollups')
    .where('tenant_id', '=', tenantId)
    .where('dimension', '=', dimension)
    .where('granularity', '=', 'hour')
    .where(({ eb, refTuple, selectFrom }) =>
      eb(
        refTuple('bucket', 'environment_id', 'group_name'),
        'in',
        selectFrom('usage_rollups as old')
          .select(['old.bucket', 'old.environment_id', 'old.group_name'])
          .where('old.tenant_id', '=', tenantId)
          .where('old.dimension', '=', dimension)
          .where('old.granularity', '=', 'hour')
          .where('old.bucket', '<', cutoff)
          .orderBy('old.bucket')
          .orderBy('old.environment_id')
          .orderBy('old.group_name')
          .limit(ROLLUP_PRUNE_BATCH)
          .$asTuple('bucket', 'environment_id', 'group_name'),
      ),
    );
}

/** Removes hourly rollups of hours that began more than `retentionDays` before `now`; answers how many. */
export async function pruneHourlyRollups(db: Db, now: number, retentionDays: number): Promise<number> {
  // Whole hours only: an hour partly inside the retention is kept whole.
  const cutoff = Math.floor((now - retentionDays * DAY_MS) / HOUR_MS) * HOUR_MS;
  const tenants = await db.selectFrom('tenants').select('id').execute();
  let removed = 0;
  try {
    for (const { id: tenantId } of tenants) {
      for (const dimension of DIMENSIONS) {
        for (;;) {
          const result = await hourlyPruneQuery(db, tenantId, dimension, cutoff).executeTakeFirst();
          const deleted = Number(result.numDeletedRows);
          removed += deleted;
          if (deleted < ROLLUP_PRUNE_BATCH) break;
        }
      }
    }
  } catch (error) {
    if (!isDeadlock(error)) throw error;
  }
  return removed;
}
