/**
 * Key usage at rest: `key_usage` (each key's last use) and `key_usage_days` (verifies per key,
 * UTC day and verdict code), with the tenant's analytics rollups beside them. Written only in
 * batches by the usage recorder, as upserts that add to what is there, so several nodes flushing
 * into one database each add their own counts.
 */
import type { Kysely } from 'kysely';
import type { Database, Db, KeyUsageDaysTable, KeyUsageTable, KeyUsageTagsTable } from '../../storage/database.js';
import { type ReusableInsert, reusableInsert } from '../../storage/reusable-insert.js';
import { addRollupRows, type KeyOwner, rollupRows } from './usage-rollups.repository.js';

export type UsageDayRow = KeyUsageDaysTable;
export type LastUseRow = KeyUsageTable;
export type UsageTagRow = KeyUsageTagsTable;
export type { KeyOwner };
/** One key's verifies in one UTC hour with one verdict code. */
export interface UsageHourRow {
  readonly key_id: string;
  readonly hour: number;
  readonly code: string;
  readonly count: number;
}

/** Rows per statement: 4 parameters a row stays far below SQLite's and PostgreSQL's limits. */
export const USAGE_CHUNK = 500;

const addTags = reusableInsert<UsageTagRow>(['key_id', 'hour', 'tag', 'count'], USAGE_CHUNK, (db, rows) =>
  db
    .insertInto('key_usage_tags')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'hour', 'tag'])
        .doUpdateSet({ count: (eb) => eb('key_usage_tags.count', '+', eb.ref('excluded.count')) }),
    ),
);

const addDays = reusableInsert<UsageDayRow>(['key_id', 'day', 'code', 'count'], USAGE_CHUNK, (db, rows) =>
  db
    .insertInto('key_usage_days')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['key_id', 'day', 'code'])
        .doUpdateSet({ count: (eb) => eb('key_usage_days.count', '+', eb.ref('excluded.count')) }),
    ),
);

const putLastUses = reusableInsert<LastUseRow>(['key_id', 'last_used_at', 'last_used_ip'], USAGE_CHUNK, (db, rows) =>
  db
    .insertInto('key_usage')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('key_id')
        .doUpdateSet({
          last_used_at: (eb) => eb.ref('excluded.last_used_at'),
          last_used_ip: (eb) => eb.ref('excluded.last_used_ip'),
        })
        .where((eb) => eb('excluded.last_used_at', '>=', eb.ref('key_usage.last_used_at'))),
    ),
);

/**
 * Lets the event loop serve verifies between two statements of a slice: better-sqlite3 runs each
 * synchronously, and a slice's statements run back to back blocked every verify (most of them
 * cache hits that touch no storage) for the whole slice. Anything else that needs the database
 * waits for the transaction to end, as it did.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Writes `rows` a statement of up to USAGE_CHUNK at a time, a turn of the event loop after each. */
async function inTurns<Row>(db: Db, insert: ReusableInsert<Row>, rows: readonly Row[]): Promise<void> {
  for (let start = 0; start < rows.length; start += USAGE_CHUNK) {
    await insert(db, rows.length <= USAGE_CHUNK ? rows : rows.slice(start, start + USAGE_CHUNK));
    await nextTurn();
  }
}

/**
 * Adds one slice of a flush, some keys' day counts, last uses and tag counts, and the tenant
 * rollups of their hour and tag counts, in one transaction. Rows come in one order on every node
 * (key id, then day, then code; the rollups last, in their key's order), so concurrent flushes on
 * PostgreSQL take row locks in the same order and cannot deadlock. `owners`: each key's tenant and
 * environment, which its rollups are added to (a key not in it has none written).
 */
export async function writeUsageSlice(
  db: Kysely<Database>,
  days: readonly UsageDayRow[],
  lastUses: readonly LastUseRow[],
  tags: readonly UsageTagRow[],
  hours: readonly UsageHourRow[],
  owners: ReadonlyMap<string, KeyOwner>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Verify tags per key, UTC hour and tag (issue 29), in the same order as the days.
    await inTurns(trx, addTags, tags);
    await inTurns(trx, addDays, days);
    await inTurns(trx, addRollupRows, rollupRows(hours, tags, owners));
    await inTurns(trx, putLastUses, lastUses);
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
  return db
    .selectFrom('key_usage_days')
    .selectAll()
    .where('key_id', '=', keyId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .orderBy('code')
    .execute();
}
