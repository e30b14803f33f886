/**
 * Issue 27 item 2, credit leases: a node takes a block of a key's credits off `api_keys` and
 * spends it in memory (src/verify/credit-leases.ts). The lease row is what makes a lost node's
 * block come back: `amount` was taken off the balance, `spent` is the most the node may have
 * spent of it (it raises that mark before it spends past it), so `amount - spent` goes back once
 * the lease has expired and nobody returned it. `period` is the balance period the block was
 * taken from: a block returned after a refill moved the key on is dropped, never added twice.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credit_leases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('spent', 'bigint', (c) => c.notNull())
    .addColumn('period', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The sweep of lost leases reads by expiry; a PATCH of a balance voids by key.
  await db.schema.createIndex('credit_leases_expires_at').on('credit_leases').column('expires_at').execute();
  await db.schema.createIndex('credit_leases_key_id').on('credit_leases').column('key_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credit_leases').execute();
}
