/**
 * The resource listing finds PUBLIC rows of other tenants, and TENANT rows of its own, by the
 * types a key discovers (resource-listing.repository.ts): each an index range per type, never a
 * scan of every PUBLIC or TENANT row of every tenant.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('resources_visibility_type')
    .on('resources')
    .columns(['visibility', 'type', 'id'])
    .execute();
  // A tenant's TENANT rows of a type: read by tenant first, so other tenants' rows are never touched.
  await db.schema
    .createIndex('resources_tenant_visibility_type')
    .on('resources')
    .columns(['tenant_id', 'visibility', 'type', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('resources_tenant_visibility_type').execute();
  await db.schema.dropIndex('resources_visibility_type').execute();
}
