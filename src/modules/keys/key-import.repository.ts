/** The registered prefixes of imported keys (issue 29): what verify looks a foreign string up by its SHA-256 under. */
import type { Db } from '../../storage/database.js';

export async function listImportPrefixes(db: Db): Promise<string[]> {
  return (await db.selectFrom('key_import_prefixes').select('prefix').execute()).map((row) => row.prefix);
}

/** Registers `prefix` unless it is already; answers whether this call registered it. */
export async function registerImportPrefix(db: Db, prefix: string, now: number): Promise<boolean> {
  const known = await db
    .selectFrom('key_import_prefixes')
    .select('prefix')
    .where('prefix', '=', prefix)
    .executeTakeFirst();
  if (known !== undefined) return false;
  await db
    .insertInto('key_import_prefixes')
    .values({ prefix, created_at: now })
    .onConflict((conflict) => conflict.column('prefix').doNothing())
    .execute();
  return true;
}
