/**
 * The audit chains become MAC chains (SPEC §5): each chain's head is sealed under a key derived
 * from the pepper. Migrations never see the pepper, so this only adds the columns; the first
 * start after it checks each old (plain SHA-256) chain and re-seals it, once (audit-reseal.ts).
 * And pepper rotation's memory of which keys still hash under the previous pepper.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Null until the chain is sealed: only a chain from before this migration, until the next start.
  await db.schema.alterTable('audit_chain_heads').addColumn('head_mac', 'text').execute();
  // An old chain that failed its check when it was sealed keeps saying so: the event it broke at.
  await db.schema.alterTable('audit_chain_heads').addColumn('legacy_bad_event_id', 'text').execute();
  // A key is still under the previous pepper while its key_hash is the one recorded here at the
  // rotation: a re-hash on use, or a rotation of the key, changes it.
  await db.schema
    .createTable('pepper_pending_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pepper_pending_keys').execute();
  await db.schema.alterTable('audit_chain_heads').dropColumn('legacy_bad_event_id').execute();
  await db.schema.alterTable('audit_chain_heads').dropColumn('head_mac').execute();
}
