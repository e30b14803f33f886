/**
 * Hourly analytics rollups are kept `KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS` (90 by default),
 * then removed; daily rollups are kept. Hourly rows by key are the bulk of `usage_rollups`: a
 * tenant with 10 000 keys used every hour adds 240 000 rows a day, kept forever before, while
 * analytics answers at most 31 days of hours at once (analytics.service.ts).
 *
 * Every node prunes (an hourly pass, http/hourly-pass.ts): the deletes are idempotent, and
 * each reads its rows from the primary key's range for one tenant and dimension, a bounded batch
 * at a time, so a first pass over a long-kept table is many short statements, not one long one.
 * Two nodes pruning at once on PostgreSQL split the rows: a batch skips the rows another node's
 * batch holds (SKIP LOCKED) rather than wait for them, so neither waits on the other, in a
 * deadlock or past the statement timeout. SQLite has one writer.
 */
import { sql } from 'kysely';
import { DAY_MS, HOUR_MS } from '../../core/clock.js';
import type { Db } from '../../storage/database.js';
import { isPostgres } from '../../storage/dialect.js';

/** Rows removed per statement. */
export const ROLLUP_PRUNE_BATCH = 1000;

const DIMENSIONS = ['code', 'key', 'tag'] as const;

type Dimension = (typeof DIMENSIONS)[number];

/**
 * One batch of one tenant's and dimension's hourly rows older than `cutoff`: read on the primary
 * key's range, then deleted by their row ids (PostgreSQL's ctid, SQLite's rowid). Matched on the
 * key's columns instead, a table without statistics yet (a new one) let PostgreSQL run the batch's
 * subquery once per candidate row: 2.2 s for 2 500 rows, past the statement timeout.
 */
export function hourlyPruneQuery(db: Db, tenantId: string, dimension: Dimension, cutoff: number) {
  const postgres = isPostgres(db);
  const rowId = sql.raw(postgres ? 'ctid' : 'rowid');
  let old = db
    .selectFrom('usage_rollups as old')
    .select(sql`old.${rowId}`.as('row_id'))
    .where('old.tenant_id', '=', tenantId)
    .where('old.dimension', '=', dimension)
    .where('old.granularity', '=', 'hour')
    .where('old.bucket', '<', cutoff)
    .orderBy('old.bucket')
    .orderBy('old.environment_id')
    .orderBy('old.group_name')
    .limit(ROLLUP_PRUNE_BATCH);
  if (postgres) old = old.forUpdate().skipLocked();
  // The batch is read once and its rows found by id (PostgreSQL's TID scan). Nothing else is
  // asked of them: on PostgreSQL the batch holds its rows locked, and SQLite has one writer, so
  // no row changes between the read and the delete; any other condition here let PostgreSQL
  // prefer an index scan of every tenant's old hours, filtered by id.
  return db
    .deleteFrom('usage_rollups')
    .where(postgres ? sql<boolean>`ctid = any(array${old})` : sql<boolean>`rowid in ${old}`);
}

/** Removes hourly rollups of hours that began more than `retentionDays` before `now`; answers how many. */
export async function pruneHourlyRollups(db: Db, now: number, retentionDays: number): Promise<number> {
  // Whole hours only: an hour partly inside the retention is kept whole.
  const cutoff = Math.floor((now - retentionDays * DAY_MS) / HOUR_MS) * HOUR_MS;
  const tenants = await db.selectFrom('tenants').select('id').execute();
  let removed = 0;
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
  return removed;
}
