/**
 * The root key: created once per instance, on the first start, shown once and written to
 * `<data dir>/root.key` (0600). A restart finds it in the database and creates nothing.
 */
import { BLANK_KEY_COLUMNS } from '../keys/blank-key.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ok } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { generateKey, keyHint } from '../../core/key-format.js';
import { hashKey } from '../../core/key-hash.js';
import { mutate, type MutationDeps } from '../mutation.js';
import { insertKey } from '../keys/keys.repository.js';
import { writeOwnerOnlyFile } from '../../storage/owner-only.js';
import type { Db } from '../../storage/database.js';

const ROOT_KEY_SETTING = 'root_key_id';
export const ROOT_KEY_PREFIX = 'kwroot';

/** The root key's id, as the first start recorded it (a reset records the new one); undefined before then. */
export async function rootKeyIdOf(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', ROOT_KEY_SETTING)
    .executeTakeFirst();
  return row?.value;
}

export interface RootKeyBootstrap {
  readonly rootKeyId: string;
  /** The key itself, only when this start created it. */
  readonly createdKey: string | null;
}

export async function ensureRootKey(
  deps: MutationDeps,
  pepper: Buffer,
  dataDir: string | null,
): Promise<RootKeyBootstrap> {
  const existing = await deps.db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', ROOT_KEY_SETTING)
    .executeTakeFirst();
  if (existing !== undefined) return { rootKeyId: existing.value, createdKey: null };

  const secret = generateKey(ROOT_KEY_PREFIX);
  const result = await mutate(deps, { keyId: null, requestId: null, sourceIp: null }, async ({ trx, now, record }) => {
    const id = newId('key', now);
    // The primary key on the setting makes a second, concurrent first start fail here and roll back.
    await trx.insertInto('instance_settings').values({ name: ROOT_KEY_SETTING, value: id }).execute();
    await insertRootKey(trx, id, secret, pepper, now);
    await record('instance.bootstrap', { id }, 'create');
    return ok(id);
  });
  if (!result.ok) {
    const winner = await deps.db
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', ROOT_KEY_SETTING)
      .executeTakeFirstOrThrow();
    return { rootKeyId: winner.value, createdKey: null };
  }
  if (dataDir !== null) {
    // On PostgreSQL with KEYWARD_PEPPER set, nothing else has made the data directory yet.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeOwnerOnlyFile(join(dataDir, 'root.key'), secret + '\n');
  }
  return { rootKeyId: result.value, createdKey: secret };
}

/** The root key's row: no tenant, no environment, no grants (it passes every requirement). */
export async function insertRootKey(trx: Db, id: string, secret: string, pepper: Buffer, now: number): Promise<void> {
  await insertKey(trx, {
    id,
    tenant_id: null,
    environment_id: null,
    user_id: null,
    kind: 'root',
    name: 'root',
    key_hash: hashKey(pepper, secret),
    hint: keyHint(secret),
    prefix: ROOT_KEY_PREFIX,
    admin: true,
    enabled: true,
    ...BLANK_KEY_COLUMNS,
    created_at: now,
    updated_at: now,
  });
}
