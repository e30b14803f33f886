/**
 * The verify path's port (src/verify/verify-store.ts) on the repositories: the key lookup of a
 * miss, the pepper rotation's re-hash, the resource lookup, usage flushes and credit spends.
 * Shaped to the port without importing it (modules know nothing of verify); the app holds the
 * two together where it hands this to verify.
 */
import type { AuthModel } from '../../core/model/model.js';
import { creditSpends } from '../../storage/credit-spend.js';
import { batchedCreditSpends } from '../../storage/credit-spend-batch.js';
import { leaseStore } from '../../storage/credit-leases.js';
import type { ResourceQueryObject } from '../../api/verify.js';
import type { Database } from '../../storage/database.js';
import type { Kysely } from 'kysely';
import { isPendingUnderPreviousPepper } from '../instance/pepper-rotation.js';
import { listImportPrefixes } from '../keys/key-import.repository.js';
import { findKeyWithPoliciesByHash } from '../keys/key-lookup.repository.js';
import { rehashKey } from '../keys/keys.repository.js';
import { toKeyRecord } from '../keys/key-record-of.js';
import { loadTarget } from '../resources/resource-targets.js';
import { findPlacement } from '../resources/resources.repository.js';
import {
  type KeyOwner,
  type LastUseRow,
  type UsageDayRow,
  type UsageHourRow,
  type UsageTagRow,
  writeUsageSlice,
} from '../usage/usage.repository.js';

// The return type is left to inference: app.ts assigns it to `VerifyStore`, where a drift fails typecheck.
export function createVerifyStore(db: Kysely<Database>, model: AuthModel) {
  return {
    async keyByHash(hash: string) {
      const found = await findKeyWithPoliciesByHash(db, hash);
      if (found === undefined) return undefined;
      const { row } = found;
      return {
        id: row.id,
        keyHash: row.key_hash,
        previousKeyHash: row.previous_key_hash,
        previousValidUntil: row.previous_valid_until,
        record: () => toKeyRecord(found, model),
      };
    },
    isPendingUnderPreviousPepper: (keyId: string, hash: string) => isPendingUnderPreviousPepper(db, keyId, hash),
    rehash: (keyId: string, from: string, to: string) => rehashKey(db, keyId, 'key_hash', from, to),
    importPrefixes: () => listImportPrefixes(db),
    async resource(query: ResourceQueryObject, environmentId: string | null) {
      const row =
        query.id !== undefined
          ? await findPlacement(db, { id: query.id })
          : query.externalId === undefined || environmentId === null
            ? undefined
            : await findPlacement(db, { environmentId, type: query.type, externalId: query.externalId });
      return row === undefined ? undefined : loadTarget(db, model, row);
    },
    writeUsage: (
      days: readonly UsageDayRow[],
      lastUses: readonly LastUseRow[],
      tags: readonly UsageTagRow[],
      hours: readonly UsageHourRow[],
      owners: ReadonlyMap<string, KeyOwner>,
    ) => writeUsageSlice(db, days, lastUses, tags, hours, owners),
    spendCredits: batchedCreditSpends(db, creditSpends(db)),
    leases: leaseStore(db),
  };
}
