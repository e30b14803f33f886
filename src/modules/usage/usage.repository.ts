/**
 * Key usage at rest: `key_usage` (each key's last use) and `key_usage_days` (verifies per key,
 * UTC day and verdict code). Written only in batches by the usage recorder, as upserts that add
 * to what is there, so several nodes flushing into one database each add their own counts.
 */
import type { Kysely } from 'kysely';
import type { Database, Db, KeyUsageDaysTable, KeyUsageTable } from '../../storage/database.js';

export type UsageDayRow = KeyUsageDaysTable;
export type LastUseRow = KeyUsageTable;

/** Rows per statement: 4 parameters a row stays far below SQLite's and PostgreSQL's limits. */
export const USAGE_CHUNK = 500;

/**
 * A flush's rows, built a chunk at a time as they are written. Both lists follow one order on
 * every node (key id, then day, then code), so concurrent flushes on PostgreSQL take row locks
 * in the same order and cannot deadlock.
 */
export interface UsageBatch {
  dayChunks(): Iterable<UsageDayRow[]>;
  lastUseChunks(): Iterable<LastUseRow[]>;
}

/**
 * Lets the event loop serve what waits between two statements of a flush. better-sqlite3 runs a
 * statement synchronously, so a flush of 10 000 keys' counts built and written in one go stalled
 * every verify behind it for tens of milliseconds.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Adds the batch's counts and last uses to what is stored, in one transaction. */
export async function writeUsage(db: Kysely<Database>, batch: UsageBatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const rows of batch.dayChunks()) {
      await nextTurn();
      await trx
        .insertInto('key_usage_days')
        .values(rows)
        .onConflict((oc) => oc.columns(['key_id', 'day', 'code']).doUpdateSet({ count: (eb) => eb('key_usage_days.count', '+', eb.ref('excluded.count')) }))
        .execute();
    }
    for (const rows of batch.lastUseChunks()) {
      await nextTurn();
      await trx
        .insertInto('key_usage')
        .values(rows)
        .onConflict((oc) =>
          oc
            .column('key_id')
            .doUpdateSet({ last_used_at: (eb) => eb.ref('excluded.last_used_at'), last_used_ip: (eb) => eb.ref('excluded.last_used_ip') })
            .where((eb) => eb('excluded.last_used_at', '>=', eb.ref('key_usage.last_used_at'))),
        )
        .execute();
    }
  });
}

/** The stored last use of each of `keyIds` that has one. */
export async function lastUsesOf(db: Db, keyIds: readonly string[]): Promise<Map<string, LastUseRow>> {
  const found = new Map<string, LastUseRow>();
  if (keyIds.length === 0) return found;
  const rows = await db
    .selectFrom('key_usage')
    .selectAll()
    .where('key_id', 'in', [...keyIds])
    .execute();
  for (const row of rows) found.set(row.key_id, row);
  return found;
}

/** A key's stored day counts from `from` to `to` (UTC days, inclusive), by day then code. */
export async function usageDaysOf(db: Db, keyId: string, from: string, to: string): Promise<UsageDayRow[]> {
  return db.selectFrom('key_usage_days').selectAll().where('key_id', '=', keyId).where('day', '>=', from).where('day', '<=', to).orderBy('day').orderBy('code').execute();
}
