/**
 * Resources (SPEC §1) and the roles principals hold on them (the creator's `owner`, later its
 * groups'). `external_id` is unique per environment and type; NULLs do not collide in either
 * SQLite or PostgreSQL.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('resources.id'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    // A `secret` value is sealed (AES-256-GCM); a `variable` value is in clear; null otherwise.
    .addColumn('value', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('created_by_key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('resources_external_id_unique', ['environment_id', 'type', 'external_id'])
    .execute();
  await db.schema.createIndex('resources_environment_id').on('resources').columns(['environment_id', 'id']).execute();
  await db.schema
    .createIndex('resources_visibility')
    .on('resources')
    .columns(['visibility', 'tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('resources_parent_id').on('resources').column('parent_id').execute();

  await db.schema
    .createTable('resource_roles')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id'))
    // A key (`key_…`) or a group (`grp_…`).
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_roles_pk', ['resource_id', 'principal_id'])
    .execute();
  await db.schema.createIndex('resource_roles_principal_id').on('resource_roles').column('principal_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('resource_roles').execute();
  await db.schema.dropTable('resources').execute();
}
