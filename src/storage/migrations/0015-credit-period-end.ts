/**
 * Issue 21, credits exact across nodes and time: the instant at which the period a key's balance
 * belongs to ends, so a refill is decided by order (src/storage/credit-refill.ts). Additive: keys
 * refilled before it have only their period's label, which decides alone until their next refill
 * writes both, and nodes of the previous version keep working on the label while nodes roll.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('credits_period_end', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('credits_period_end').execute();
}
