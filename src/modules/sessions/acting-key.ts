/**
 * The keys a person may act with in a session: their own live keys holding `applications.use`
 * (the console's sign-in permission), each read from storage as the check sees it. A session
 * reads its key this way on every request, never from a cache, so a revocation ends it at once.
 */
import { holdsPermission, keyVerdict, type KeyRecord } from '../../core/key-record.js';
import type { Db } from '../../storage/database.js';
import type { AuthModel } from '../../core/model/model.js';
import { findKeyWithPoliciesByHash } from '../keys/key-lookup.repository.js';
import { findKeyById, liveKeyIdsOfUser } from '../keys/keys.repository.js';
import { toKeyRecord } from '../keys/key-record-of.js';

export const SIGN_IN_PERMISSION = 'applications.use';

interface KeyReading {
  readonly db: Db;
  readonly model: AuthModel;
}

/** The key as the check sees it now, read from storage; undefined when it is gone. */
export async function currentKeyRecord(deps: KeyReading, keyId: string): Promise<KeyRecord | undefined> {
  const row = await findKeyById(deps.db, keyId);
  if (row === undefined) return undefined;
  const found = await findKeyWithPoliciesByHash(deps.db, row.key_hash);
  if (found === undefined) return undefined;
  return toKeyRecord(found, deps.model);
}

/** Whether a session may act with this key now: live (a passed-due MFA is asked by the session) and able to sign in. */
export function mayActWith(key: KeyRecord, userId: string, now: number): boolean {
  const verdict = keyVerdict(key, now);
  return (
    key.userId === userId &&
    (verdict === 'VALID' || verdict === 'MFA_REQUIRED') &&
    holdsPermission(key, SIGN_IN_PERMISSION)
  );
}

export interface CandidateKey {
  readonly id: string;
  readonly name: string;
  readonly environmentId: string | null;
  readonly mfaDue: boolean;
}

/** The person's keys a session may act with, in id order. */
export async function candidateKeys(deps: KeyReading, userId: string, now: number): Promise<CandidateKey[]> {
  const rows = await liveKeyIdsOfUser(deps.db, userId);
  const candidates: CandidateKey[] = [];
  for (const row of [...rows].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = await currentKeyRecord(deps, row.id);
    if (key === undefined || !mayActWith(key, userId, now)) continue;
    candidates.push({
      id: row.id,
      name: row.name,
      environmentId: row.environment_id,
      mfaDue: keyVerdict(key, now) === 'MFA_REQUIRED',
    });
  }
  return candidates;
}
