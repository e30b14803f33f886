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
const CHUNK = 500;

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let start = 0; start < rows.length; start += CHUNK) yield rows.slice(start, start + CHUNK);
}

/**
 * One transaction: day counts added to the stored ones, and each key's last use kept if it is
 * later than the stored one. Rows are sorted so concurrent flushes lock rows in the same order.
 */
export async function writeUsage(db: Kysely<Database>, days: UsageDayRow[], lastUses: LastUseRow[]): Promise<void> {
  if (days.length === 0 && lastUses.length === 0) return;
  days.sort((a, b) => compare(a.key_id, b.key_id) || compare(a.day, b.day) || compare(a.code, b.code));
  lastUses.sort((a, b) => compare(a.key_id, b.key_id));
  await db.transaction().execute(async (trx) => {
    for (const rows of chunks(days)) {
      await trx
        .insertInto('key_usage_days')
        .values(rows)
        .onConflict((oc) => oc.columns(['key_id', 'day', 'code']).doUpdateSet({ count: (eb) => eb('key_usage_days.count', '+', eb.ref('excluded.count')) }))
        .execute();
    }
    for (const rows of chunks(lastUses)) {
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

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
