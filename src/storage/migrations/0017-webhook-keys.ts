/**
 * Issue 24, webhook keys: the signing secrets of inbound webhooks (Slack, GitHub, Standard
 * Webhooks), kept apart from API keys, sealed at rest, in an environment and optionally bound to a
 * `webhook` resource. Deleting that environment or resource while keys remain is refused (409),
 * so the references hold.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
    .addColumn('webhook_id', 'text', (c) => c.references('resources.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('secret_hint', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_valid_until', 'bigint')
    .addColumn('created_by_key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('rotated_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('webhook_keys_environment_id')
    .on('webhook_keys')
    .columns(['environment_id', 'id'])
    .execute();
  await db.schema.createIndex('webhook_keys_webhook_id').on('webhook_keys').column('webhook_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_keys').execute();
}
