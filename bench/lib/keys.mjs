/**
 * Many keys, fast: rows written straight into the storage a running Keyward uses, copied from a
 * key created through the API (same tenant, environment and grants), in multi-row inserts
 * inside transactions. The keys themselves (with their ids) are returned for the first `keep`.
 */
import { openStorage } from '../../dist/storage/open-storage.js';
import { generateKey, keyHint } from '../../dist/core/key-format.js';
import { hashKey } from '../../dist/core/key-hash.js';
import { newId } from '../../dist/core/ids.js';

const ROWS_PER_INSERT = 500;
const INSERTS_PER_TRANSACTION = 20;

export function openBenchStorage({ dataDir, databaseUrl, schema }) {
  return openStorage({ dataDir, databaseUrl, schema });
}

export async function insertKeys(storage, pepper, templateId, count, keep) {
  const template = await storage.db.selectFrom('api_keys').selectAll().where('id', '=', templateId).executeTakeFirstOrThrow();
  const secret = Buffer.from(pepper, 'utf8');
  const kept = [];
  const now = Date.now();
  let written = 0;
  while (written < count) {
    await storage.db.transaction().execute(async (trx) => {
      for (let insert = 0; insert < INSERTS_PER_TRANSACTION && written < count; insert++) {
        const rows = [];
        for (; rows.length < ROWS_PER_INSERT && written < count; written++) {
          const key = generateKey(template.prefix);
          const id = newId('key', now);
          if (kept.length < keep) kept.push({ key, id });
          rows.push({ ...template, id, name: `bench-${written}`, key_hash: hashKey(secret, key), hint: keyHint(key), created_at: now, updated_at: now });
        }
        await trx.insertInto('api_keys').values(rows).execute();
      }
    });
  }
  return kept;
}
