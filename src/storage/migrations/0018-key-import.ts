/**
 * Issue 29, adopting Keyward without re-issuing keys: the prefixes of imported keys that verify
 * recognises (a key that is not of Keyward's format is looked up only under one of these), the
 * platform's own id for a person (`users.external_id`, unique per tenant, answered by verify), and
 * verify tags counted per key, UTC hour and tag (a day is the sum of its hours).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('key_import_prefixes')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
  // NULLs are distinct in a unique index on both databases: users without one never collide.
  await db.schema
    .createIndex('users_tenant_external_id')
    .on('users')
    .columns(['tenant_id', 'external_id'])
    .unique()
    .execute();
  await db.schema
    .createTable('key_usage_tags')
    .addColumn('key_id', 'text', (c) => c.notNull())
    // The start of the UTC hour, ms since the epoch.
    .addColumn('hour', 'bigint', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('key_usage_tags_pk', ['key_id', 'hour', 'tag'])
    .execute();
  await db.schema.createIndex('key_usage_tags_hour').on('key_usage_tags').columns(['hour']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_usage_tags').execute();
  await db.schema.dropIndex('users_tenant_external_id').execute();
  await db.schema.alterTable('users').dropColumn('external_id').execute();
  await db.schema.dropTable('key_import_prefixes').execute();
}
