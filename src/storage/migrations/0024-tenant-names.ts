/**
 * Issue 26 item 6, duplicate tenant names: the console told two tenants named alike apart by their
 * ids; now a second one is refused. `name_key` is the name compared case-insensitively (see
 * tenant-name-key.ts), unique: the index, not a read before the write, decides between two
 * creates of one name at the same instant, on both databases.
 *
 * Tenants already named alike are left as they are: the oldest of each name keeps the name (its
 * `name_key` set), the others get none (NULLs never collide in a unique index on either
 * database). Renaming one of them sets it; no tenant is renamed behind its operator's back, and
 * no new tenant can take any of those names.
 */
import type { Kysely } from 'kysely';
import { tenantNameKey } from '../tenant-name-key.js';

interface Tenants {
  tenants: { id: string; name: string; name_key: string | null; created_at: number };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('name_key', 'text').execute();
  const tenants = db as unknown as Kysely<Tenants>;
  // Tenants are few (one a customer): read in creation order, the first of each name keeps it.
  const rows = await tenants.selectFrom('tenants').select(['id', 'name']).orderBy('created_at').orderBy('id').execute();
  const taken = new Set<string>();
  for (const row of rows) {
    const key = tenantNameKey(row.name);
    if (taken.has(key)) continue;
    taken.add(key);
    await tenants.updateTable('tenants').set({ name_key: key }).where('id', '=', row.id).execute();
  }
  await db.schema.createIndex('tenants_name_key').on('tenants').column('name_key').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tenants_name_key').execute();
  await db.schema.alterTable('tenants').dropColumn('name_key').execute();
}
