/**
 * The audit log as hash chains (SPEC §5): one per tenant and one for instance-level events.
 * Each event carries its sequence in its chain and the hash of the event before it; each chain's
 * head (last sequence, hash and event id, and where pruning left off) is kept apart, so an edited,
 * deleted (first, middle or last) or reordered event is found. Tenants may set a retention.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('chain_id', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('chain_seq', 'bigint').execute();
  await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
  await db.schema.createIndex('audit_events_chain').on('audit_events').columns(['chain_id', 'chain_seq']).execute();
  await db.schema
    .createTable('audit_chain_heads')
    .addColumn('chain_id', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('last_event_id', 'text')
    // Events up to and including this sequence were pruned by retention; the next links to its hash.
    .addColumn('pruned_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pruned_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('tenants').addColumn('audit_retention_days', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('audit_retention_days').execute();
  await db.schema.dropTable('audit_chain_heads').execute();
  await db.schema.dropIndex('audit_events_chain').execute();
  for (const column of ['hash', 'prev_hash', 'chain_seq', 'chain_id'])
    await db.schema.alterTable('audit_events').dropColumn(column).execute();
}
