/**
 * From a presented key to the key record: format and checksum first (a malformed key never
 * reaches storage), then the HMAC, then the cache, and on a miss one indexed lookup by HMAC.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { parseKey } from '../core/key-format.js';
import { hashKey, sameHash } from '../core/key-hash.js';
import type { KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { Database } from '../storage/database.js';
import { findKeyWithPoliciesByHash, toKeyRecord } from '../modules/keys/keys.repository.js';
import type { KeyCache } from './key-cache.js';

export type Authentication =
  | { readonly found: true; readonly key: KeyRecord }
  | { readonly found: false; readonly malformed: boolean };

const MALFORMED: Authentication = { found: false, malformed: true };
const UNKNOWN: Authentication = { found: false, malformed: false };

export interface Authenticator {
  authenticate(presented: string): Promise<Authentication>;
}

export interface AuthenticatorDeps {
  readonly db: Kysely<Database>;
  readonly pepper: Buffer;
  readonly clock: Clock;
  readonly cache: KeyCache;
  readonly model: AuthModel;
  /**
   * Whether this node has confirmed recently enough that it saw every change (SPEC §6
   * `KEYWARD_MAX_STALENESS`). When it has not, the cache is not trusted: every key is read from
   * storage, and if storage does not answer the caller gets 503, never a stale yes.
   */
  readonly cacheTrusted?: () => boolean;
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  return {
    async authenticate(presented) {
      if (parseKey(presented) === null) return MALFORMED;
      const hash = hashKey(deps.pepper, presented);
      const cached = deps.cacheTrusted === undefined || deps.cacheTrusted() ? deps.cache.get(hash, deps.clock.now()) : undefined;
      if (cached !== undefined) return { found: true, key: cached };
      const generation = deps.cache.generation();
      const found = await findKeyWithPoliciesByHash(deps.db, hash);
      if (found === undefined) return UNKNOWN;
      const { row } = found;
      const current = sameHash(row.key_hash, hash);
      // A secret rotated out works until its grace period ends, then is unknown (SPEC §3 step 1).
      const validUntil = current ? null : row.previous_valid_until;
      const now = deps.clock.now();
      if (!current && (row.previous_key_hash === null || !sameHash(row.previous_key_hash, hash) || validUntil === null || now >= validUntil)) return UNKNOWN;
      const key = toKeyRecord(row, deps.model, found.policies, found.mfa);
      deps.cache.set(hash, key, now, generation, validUntil);
      return { found: true, key };
    },
  };
}
