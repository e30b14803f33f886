/**
 * Key usage (SPEC §4), written in batches off the verify path: each key's last use, and per key,
 * day and verdict code how many verifies there were.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('key_usage')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_ip', 'text')
    .execute();
  await db.schema
    .createTable('key_usage_days')
    .addColumn('key_id', 'text', (c) => c.notNull())
    // UTC day, YYYY-MM-DD.
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_usage_days_pk', ['key_id', 'day', 'code'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_usage_days').execute();
  await db.schema.dropTable('key_usage').execute();
}
