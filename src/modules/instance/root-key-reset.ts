/**
 * `keyward root-key reset`: for a lost or leaked root key. In one transaction, the current root
 * key is revoked and a new one made, audited (`instance.root_key_reset`) with a change-log row so
 * that running nodes drop the old key from their caches. The new key is returned once and
 * written to `<data dir>/root.key` (0600).
 */
import { join } from 'node:path';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { generateKey } from '../../core/key-format.js';
import { updateKey } from '../keys/keys.repository.js';
import { mutate, type MutationDeps } from '../mutation.js';
import { insertRootKey, ROOT_KEY_PREFIX } from './root-key.js';
import { writeOwnerOnlyFile } from '../../storage/owner-only.js';

const ROOT_KEY_SETTING = 'root_key_id';

export interface RootKeyReset {
  readonly previousKeyId: string | null;
  readonly rootKeyId: string;
  readonly key: string;
}

export async function resetRootKey(
  deps: MutationDeps,
  pepper: Buffer,
  dataDir: string | null,
): Promise<Result<RootKeyReset>> {
  const secret = generateKey(ROOT_KEY_PREFIX);
  const result = await mutate(deps, { keyId: null, requestId: null, sourceIp: null }, async ({ trx, now, record }) => {
    const setting = await trx
      .selectFrom('instance_settings')
      .select('value')
      .where('name', '=', ROOT_KEY_SETTING)
      .executeTakeFirst();
    if (setting === undefined)
      return fail('NOT_FOUND', 'this instance has no root key yet: start the server once to make it');
    const previous = setting.value;
    await updateKey(trx, previous, { revoked_at: now, updated_at: now });
    await record('key.revoke', { id: previous }, 'update', { reason: 'root key reset' });
    const id = newId('key', now);
    await insertRootKey(trx, id, secret, pepper, now);
    await trx.updateTable('instance_settings').set({ value: id }).where('name', '=', ROOT_KEY_SETTING).execute();
    await record('instance.root_key_reset', { id }, 'create', { previousKeyId: previous });
    return ok({ previousKeyId: previous, rootKeyId: id, key: secret });
  });
  if (result.ok && dataDir !== null) writeOwnerOnlyFile(join(dataDir, 'root.key'), secret + '\n');
  return result;
}
