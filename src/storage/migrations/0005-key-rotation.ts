/**
 * Rotation (SPEC §4): a key keeps the duration it was created with, so a rotation restarts its
 * expiry at that length, and remembers its previous secret's HMAC until the grace period ends.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('expiry_days', 'integer').execute();
  await db.schema.alterTable('api_keys').addColumn('previous_key_hash', 'text').execute();
  await db.schema.alterTable('api_keys').addColumn('previous_valid_until', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('rotated_at', 'bigint').execute();
  await db.schema.createIndex('api_keys_previous_key_hash').on('api_keys').column('previous_key_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_previous_key_hash').execute();
  for (const column of ['rotated_at', 'previous_valid_until', 'previous_key_hash', 'expiry_days']) {
    await db.schema.alterTable('api_keys').dropColumn(column).execute();
  }
}
