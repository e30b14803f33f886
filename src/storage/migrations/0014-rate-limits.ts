/** Issue 17: rate limits (`ratelimits`, JSON `[{name, limit, durationMs}]`) on keys and policies. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'policies']) {
    await db.schema
      .alterTable(table)
      .addColumn('ratelimits', 'text', (c) => c.notNull().defaultTo(sql`'[]'`))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'policies']) await db.schema.alterTable(table).dropColumn('ratelimits').execute();
}
