/**
 * Issue 24, events out: a tenant's webhook endpoints, the outbox of deliveries written in the same
 * transaction as the change they tell of (one row per endpoint and event, claimed by one node at a
 * time), and the credit alerts that make `key.credits_low` fire once per crossing. Times are epoch
 * ms, flags 0/1, lists JSON text, as everywhere (database.ts).
 */
import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // Null: every environment of the tenant.
    .addColumn('environment_id', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // The `whsec_…` secret, sealed (secret-box.ts) and bound to the endpoint id; the previous one signs too until its time.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'bigint')
    .addColumn('expiring_lead_days', 'integer', (c) => c.notNull())
    .addColumn('credits_low_threshold', 'bigint')
    .addColumn('created_by_key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_endpoints_tenant')
    .on('webhook_endpoints')
    .columns(['tenant_id', 'id'])
    .execute();

  const deliveries = db.schema.createTable('webhook_deliveries');
  // The sequence orders deliveries of one key; ids order pages.
  await (isPostgres(db)
    ? deliveries.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : deliveries.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('environment_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    // Deliveries of one endpoint with one order key go out one at a time, in sequence (the key's id).
    .addColumn('order_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('lease_until', 'bigint')
    // A scanned event's once-only mark (`key.expiring:<key>:<expiresAt>`); null for the others.
    .addColumn('dedupe_key', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_order')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'order_key', 'seq'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_log')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'id'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_dedupe')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'dedupe_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('webhook_credit_alerts')
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_credit_alerts_pk', ['endpoint_id', 'key_id'])
    .execute();

  // The expiry scan reads a tenant's keys by expiry: an index range, not every key.
  await db.schema
    .createIndex('api_keys_tenant_expires_at')
    .on('api_keys')
    .columns(['tenant_id', 'expires_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_tenant_expires_at').execute();
  for (const table of ['webhook_credit_alerts', 'webhook_deliveries', 'webhook_endpoints']) {
    await db.schema.dropTable(table).execute();
  }
}
