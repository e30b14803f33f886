/**
 * Policies (reusable grant sets, seed 001's API Scopes) linked to keys, and sharing groups of
 * keys (seed 004). A key's group ids are also kept on its row, written in the same transaction
 * as the membership, so a verify miss stays one statement.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // Null: tenant-wide.
    .addColumn('environment_id', 'text', (c) => c.references('environments.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('created_by_key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policies_tenant_id').on('policies').columns(['tenant_id', 'id']).execute();

  await db.schema
    .createTable('key_policies')
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('policy_id', 'text', (c) => c.notNull().references('policies.id'))
    .addPrimaryKeyConstraint('key_policies_pk', ['key_id', 'policy_id'])
    .execute();
  await db.schema.createIndex('key_policies_policy_id').on('key_policies').columns(['policy_id', 'key_id']).execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('groups_tenant_name_unique', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id'))
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'key_id'])
    .execute();
  await db.schema.createIndex('group_members_key_id').on('group_members').column('key_id').execute();

  await db.schema
    .alterTable('api_keys')
    .addColumn('group_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('group_ids').execute();
  await db.schema.dropTable('group_members').execute();
  await db.schema.dropTable('groups').execute();
  await db.schema.dropTable('key_policies').execute();
  await db.schema.dropTable('policies').execute();
}
