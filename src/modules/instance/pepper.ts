/**
 * The server pepper: `KEYWARD_PEPPER`, or 32 random bytes generated into `<data dir>/pepper`
 * (0600) on first start. The database remembers a fingerprint of it, so a node started with a
 * different pepper refuses to start instead of answering NOT_FOUND for every key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../storage/database.js';
import { restrictIfPresent, writeOwnerOnlyFile } from '../../storage/owner-only.js';

export const FINGERPRINT_SETTING = 'pepper_fingerprint';

export function loadPepper(configured: string | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, 'pepper');
  if (existsSync(file)) {
    restrictIfPresent(file);
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pepper = randomBytes(32).toString('base64url');
  writeOwnerOnlyFile(file, pepper + '\n', 'wx');
  return Buffer.from(pepper, 'utf8');
}

export function fingerprint(pepper: Buffer): string {
  return createHmac('sha256', pepper).update('keyward pepper fingerprint v1').digest('hex');
}

/** Records the pepper's fingerprint on first use; throws if a different pepper was used before. */
export async function checkPepper(db: Db, pepper: Buffer): Promise<void> {
  const expected = fingerprint(pepper);
  await db
    .insertInto('instance_settings')
    .values({ name: FINGERPRINT_SETTING, value: expected })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', FINGERPRINT_SETTING)
    .executeTakeFirstOrThrow();
  if (row.value !== expected) {
    throw new Error(
      'this database was initialised with a different pepper: set KEYWARD_PEPPER (or <data dir>/pepper) to the original',
    );
  }
}
