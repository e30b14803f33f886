/**
 * Issue 26 item 1, server-side key search: `GET /v1/keys?q=` finds a key by the last 4 characters
 * of its secret (`hint`), by the start of its name, or by the start of its owner's name or email
 * (then that owner's keys), each through an index rather than by reading every key of the tenant.
 *
 * Names match by prefix on `lower(name)`: an expression index answers that on both databases
 * (PostgreSQL through `text_pattern_ops`, whose LIKE 'abc%' becomes an index range whatever the
 * database's collation; SQLite through a range on the same expression). A substring match would
 * need pg_trgm, an extension a hosted PostgreSQL may not offer.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

/** The lower-cased text column, with the operator class PostgreSQL needs to answer LIKE 'prefix%'. */
function lowered(db: Kysely<unknown>, column: string) {
  return isPostgres(db) ? sql.raw(`lower(${column}) text_pattern_ops`) : sql.raw(`lower(${column})`);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  // A hint is 4 base62 characters: equal hints are rare across the whole instance, so the hint
  // leads (the root key's all-tenant search uses the index too).
  await db.schema.createIndex('api_keys_hint').on('api_keys').columns(['hint', 'tenant_id']).execute();
  await db.schema
    .createIndex('api_keys_tenant_name')
    .on('api_keys')
    .expression(sql`tenant_id, ${lowered(db, 'name')}`)
    .execute();
  await db.schema
    .createIndex('users_tenant_name')
    .on('users')
    .expression(sql`tenant_id, ${lowered(db, 'name')}`)
    .execute();
  // Emails are stored lower-cased (users.service.ts), but the index is on lower(email) so the
  // owner search is one expression on both columns.
  await db.schema
    .createIndex('users_tenant_email_prefix')
    .on('users')
    .expression(sql`tenant_id, ${lowered(db, 'email')}`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['users_tenant_email_prefix', 'users_tenant_name', 'api_keys_tenant_name', 'api_keys_hint'])
    await db.schema.dropIndex(index).execute();
}
