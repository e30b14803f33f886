/**
 * Everything the verify path reads from or writes to storage, as one port: the hot path knows no
 * repository (STYLE.md: the arrows; `never Verify -> Modules`). src/modules/verify-store/ is the
 * implementation, handed in by the app; tests may hand in their own.
 */
import type { TargetResource } from '../core/check.js';
import type { KeyRecord } from '../core/key-record.js';
import type { ResourceQueryObject } from '../api/verify.js';
import type { SpendCredits } from '../storage/credit-spend.js';
import type { LeaseStore } from '../storage/credit-leases.js';
import type { KeyUsageDaysTable, KeyUsageTable, KeyUsageTagsTable } from '../storage/database.js';

/** A key found by one of its hashes: which secret that was, and the key as the check sees it. */
export interface StoredKey {
  readonly id: string;
  /** The hash of its current secret. */
  readonly keyHash: string;
  /** The hash of the secret before its last rotation, accepted until `previousValidUntil`. */
  readonly previousKeyHash: string | null;
  readonly previousValidUntil: number | null;
  /** Compiles the key's grants: called only for a key that is let in. */
  record(): KeyRecord;
}

/** One key's verifies on one UTC day with one verdict code, added to what is stored. */
export type UsageDayRow = KeyUsageDaysTable;
/** One key's latest use, kept where it is later than the stored one. */
export type LastUseRow = KeyUsageTable;
/** One key's verifies with one tag in one UTC hour, added to what is stored. */
export type UsageTagRow = KeyUsageTagsTable;
/** One key's verifies in one UTC hour (`hour`: its start, ms) with one verdict code: rolled up per tenant. */
export interface UsageHourRow {
  readonly key_id: string;
  readonly hour: number;
  readonly code: string;
  readonly count: number;
}

/** A key's tenant and environment (null: none), whose analytics rollups its usage is added to. */
export interface KeyOwner {
  readonly tenantId: string | null;
  readonly environmentId: string | null;
}

export interface VerifyStore {
  /** The key whose current or previous secret hashes to `hash` (the one indexed lookup of a miss). */
  keyByHash(hash: string): Promise<StoredKey | undefined>;
  /** Whether a pepper rotation recorded the key as pending with this hash, and it still has it. */
  isPendingUnderPreviousPepper(keyId: string, hash: string): Promise<boolean>;
  /** The registered prefixes of imported keys (read at start; new ones arrive through the change log). */
  importPrefixes(): Promise<string[]>;
  /** Replaces the key's current hash `from` by `to` unless it changed meanwhile; answers whether it did. */
  rehash(keyId: string, from: string, to: string): Promise<boolean>;
  /** The resource by `id`, or by `externalId` in `environmentId`, with its chain; undefined when unknown. */
  resource(query: ResourceQueryObject, environmentId: string | null): Promise<TargetResource | undefined>;
  /**
   * Adds one slice of a usage flush in one transaction: these keys' day counts, last uses and tag
   * counts, and their hour counts and tags rolled up for analytics (issue 26) under each key's
   * owner in `owners` (known to verify, so a flush need not read them; issue 27).
   */
  writeUsage(
    days: readonly UsageDayRow[],
    lastUses: readonly LastUseRow[],
    tags: readonly UsageTagRow[],
    hours: readonly UsageHourRow[],
    owners: ReadonlyMap<string, KeyOwner>,
  ): Promise<void>;
  /** Spends credits by the one compiled conditional UPDATE (src/storage/credit-spend.ts). */
  readonly spendCredits: SpendCredits;
  /** Takes, marks and gives back blocks of credits (src/storage/credit-leases.ts; verify/credit-leases.ts). */
  readonly leases: LeaseStore;
}
