/** The one lookup a well-formed leaked token costs: the key whose current or rotated-out secret has this HMAC (both indexed). */
import type { Db } from '../../storage/database.js';

export async function findKeyIdByHash(db: Db, keyHash: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where((eb) => eb.or([eb('key_hash', '=', keyHash), eb('previous_key_hash', '=', keyHash)]))
    .executeTakeFirst();
  return row?.id;
}
