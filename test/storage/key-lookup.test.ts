/** Storage contract: `findKeyByHash`, the one lookup of a verify miss, finds by the exact hash only. */
import { keyRowWith } from '../support/rows.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateKey, keyHint } from '../../src/core/key-format.js';
import { hashKey } from '../../src/core/key-hash.js';
import { newId } from '../../src/core/ids.js';
import { findKeyByHash, insertKey, type KeyRow } from '../../src/modules/keys/keys.repository.js';
import type { Db } from '../../src/storage/database.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

const NOW = Date.UTC(2026, 0, 1);
const PEPPER = Buffer.from('pepper for the key lookup contract');

/** Stores a new application key (no tenant, so no parent rows are needed) and returns it with its row. */
async function storeKey(db: Db): Promise<{ key: string; row: KeyRow }> {
  const key = generateKey('kw');
  const row = keyRowWith({
    id: newId('key', NOW),
    name: 'lookup',
    key_hash: hashKey(PEPPER, key),
    hint: keyHint(key),
    created_at: NOW,
    updated_at: NOW,
  });
  await insertKey(db, row);
  return { key, row };
}

describe.each(testDatabases())('findKeyByHash on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let db: Db;
  beforeEach(() => {
    db = fresh().storage.db;
  });

  it('finds each key by the hash of its secret', async () => {
    const first = await storeKey(db);
    const second = await storeKey(db);
    expect((await findKeyByHash(db, hashKey(PEPPER, first.key)))?.id).toBe(first.row.id);
    expect((await findKeyByHash(db, hashKey(PEPPER, second.key)))?.id).toBe(second.row.id);
  });

  it('finds nothing for the hash of another key', async () => {
    await storeKey(db);
    expect(await findKeyByHash(db, hashKey(PEPPER, generateKey('kw')))).toBeUndefined();
  });

  it('finds nothing for the same key hashed under another pepper', async () => {
    const { key } = await storeKey(db);
    expect(await findKeyByHash(db, hashKey(Buffer.from('another pepper'), key))).toBeUndefined();
  });

  it('finds nothing by the key itself, its id or its hint', async () => {
    const { key, row } = await storeKey(db);
    for (const probe of [key, row.id, row.hint]) expect(await findKeyByHash(db, probe), probe).toBeUndefined();
  });

  it('finds nothing by a part of the hash or the hash in upper case', async () => {
    const { row } = await storeKey(db);
    for (const probe of [
      row.key_hash.slice(0, 32),
      row.key_hash.slice(0, -1),
      row.key_hash.toUpperCase(),
      `${row.key_hash} `,
      '',
    ]) {
      expect(await findKeyByHash(db, probe), probe).toBeUndefined();
    }
  });

  it('does not treat LIKE wildcards in the probe as wildcards', async () => {
    const { row } = await storeKey(db);
    expect(await findKeyByHash(db, `${row.key_hash.slice(0, 10)}%`)).toBeUndefined();
    expect(await findKeyByHash(db, '%')).toBeUndefined();
  });
});
