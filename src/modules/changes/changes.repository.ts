/** The reads of the replica's services (changes.service.ts). */
import type { Db } from '../../storage/database.js';

/** Of `keyIds`, those of keys in `environmentId`. */
export async function keysOfEnvironment(
  db: Db,
  environmentId: string,
  keyIds: readonly string[],
): Promise<ReadonlySet<string>> {
  if (keyIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('api_keys')
    .select('id')
    .where('environment_id', '=', environmentId)
    .where('id', 'in', keyIds)
    .execute();
  return new Set(rows.map((row) => row.id));
}
