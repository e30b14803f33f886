/**
 * Many keys, fast: rows written straight into the storage a running Keyward uses, copied from a
 * key created through the API (same tenant, environment and grants), in multi-row inserts
 * inside transactions. The keys themselves (with their ids) are returned for the first `keep`.
 */
import { openStorage } from '../../dist/storage/open-storage.js';
import { generateKey, keyHint } from '../../dist/core/key-format.js';
import { hashKey } from '../../dist/core/key-hash.js';
import { newId } from '../../dist/core/ids.js';
import { randomBytes } from 'node:crypto';

const ROWS_PER_INSERT = 500;
const INSERTS_PER_TRANSACTION = 20;

export function openBenchStorage({ dataDir, databaseUrl, schema }) {
  return openStorage({ dataDir, databaseUrl, schema });
}

export async function insertKeys(storage, pepper, templateId, count, keep) {
  const template = await storage.db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', '=', templateId)
    .executeTakeFirstOrThrow();
  const secret = Buffer.from(pepper, 'utf8');
  const kept = [];
  const now = Date.now();
  let written = 0;
  while (written < count) {
    await storage.db.transaction().execute(async (trx) => {
      for (let insert = 0; insert < INSERTS_PER_TRANSACTION && written < count; insert++) {
        const rows = [];
        for (; rows.length < ROWS_PER_INSERT && written < count; written++) {
          const id = newId('key', now);
          let hash;
          let hint;
          if (kept.length < keep) {
            const key = generateKey(template.prefix);
            kept.push({ key, id });
            hash = hashKey(secret, key);
            hint = keyHint(key);
          } else {
            // A key nobody will present needs no secret: a random hash fills its row as well (and fast).
            hash = randomBytes(32).toString('hex');
            hint = hash.slice(-4);
          }
          rows.push({
            ...template,
            id,
            name: `bench-${written}`,
            key_hash: hash,
            hint,
            created_at: now,
            updated_at: now,
          });
        }
        await trx.insertInto('api_keys').values(rows).execute();
      }
    });
  }
  return kept;
}
