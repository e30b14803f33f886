/**
 * From a presented key to the key record: format and checksum first (a malformed key never
 * reaches storage), then the HMAC, then the cache, and on a miss one indexed lookup by HMAC.
 * Verify takes the two halves apart (`fromCache`, then `fromStorage` only on a miss) so a cache
 * hit is answered in the same turn, with no promise. After a pepper rotation (`previousPepper`
 * set), a key that misses is looked up once more by its HMAC under the previous pepper and, if
 * it is one the rotation recorded as pending, re-hashed under the current one.
 */
import type { Clock } from '../core/clock.js';
import { isWellFormedKey } from '../core/key-format.js';
import { hashKey, hashOfDigest, importedKeyDigest, keyDigest, sameHash } from '../core/key-hash.js';
import type { KeyRecord } from '../core/key-record.js';
import type { ImportPrefixes } from './import-prefixes.js';
import type { KeyCache } from './key-cache.js';
import type { StoredKey, VerifyStore } from './verify-store.js';

/** No key: `malformed` when the token is not of the key format at all. */
export interface NoKey {
  readonly found: false;
  readonly malformed: boolean;
}

export type Authentication = { readonly found: true; readonly key: KeyRecord } | NoKey;

/** An authentication as a management call gets it: a key found also says the HMAC it was found by. */
export type KeyAuthentication = { readonly found: true; readonly key: KeyRecord; readonly hash: string } | NoKey;

/** What the cache could not answer: the HMAC to look up in storage (and the key, for the previous pepper). */
export interface CacheMiss {
  readonly found: 'ask-storage';
  /** The HMAC in hex, as stored. */
  readonly hash: string;
  /** The same HMAC as the cache keys it (`keyDigest`): what the record found is cached under. */
  readonly digest: string;
  readonly presented: string;
  /** Not of Keyward's format but of a registered import prefix: looked up by its SHA-256 too. */
  readonly imported: boolean;
}

const MALFORMED: NoKey = { found: false, malformed: true };
const UNKNOWN: NoKey = { found: false, malformed: false };

export interface Authenticator {
  /**
   * Both halves in one, for a management call; a key found comes with `hash`, the presented
   * secret's HMAC under the current pepper (`Caller.presentedHash`), computed once.
   */
  authenticate(presented: string): Promise<KeyAuthentication>;
  /** Answers from the format check and the cache alone; a miss says what to look up. */
  fromCache(presented: string, now: number): Authentication | CacheMiss;
  /** The storage half of `authenticate`, for a miss of `fromCache`. */
  fromStorage(miss: CacheMiss): Promise<Authentication>;
}

/** Verify's key-cache lookups: plain counters, read by `/metrics` (cache hit ratio). */
export interface CacheLookups {
  hits: number;
  misses: number;
}

export interface AuthenticatorDeps {
  readonly store: Pick<VerifyStore, 'keyByHash' | 'isPendingUnderPreviousPepper' | 'rehash'>;
  readonly pepper: Buffer;
  readonly clock: Clock;
  readonly cache: KeyCache;
  /**
   * Whether this node has confirmed recently enough (as of `now`) that it saw every change (SPEC
   * §6 `KEYWARD_MAX_STALENESS`). When it has not, the cache is not trusted: every key is read
   * from storage, and if storage does not answer the caller gets 503, never a stale yes.
   */
  readonly cacheTrusted?: (now: number) => boolean;
  /** `KEYWARD_PEPPER_PREVIOUS`: the pepper before the last rotation, while keys still hash under it. */
  readonly previousPepper?: Buffer | undefined;
  /** Told when a re-hash under the current pepper failed (the key is still let in). */
  readonly onRehashError?: (error: unknown) => void;
  /** Told when a busy key's refresh could not read storage (its entry answers until its TTL). */
  readonly onRefreshError?: (error: unknown) => void;
  /** Counted on every lookup of a well-formed key (a miss includes a cache not trusted). */
  readonly lookups?: CacheLookups;
  /** The prefixes of imported keys (issue 29); absent or empty: anything not of Keyward's format is malformed. */
  readonly importPrefixes?: ImportPrefixes;
}

/**
 * The lookup under the previous pepper, on a miss only. Only a key the rotation recorded as
 * pending, by the very hash it recorded, is let in (see pepper-rotation.ts): its hash is re-hashed
 * under the current pepper, and it is answered as if it had been found by it. A secret rotated
 * out before the pepper rotation is not recorded, so it stops working at the rotation.
 */
async function findUnderPreviousPepper(
  deps: AuthenticatorDeps,
  previousPepper: Buffer,
  presented: string,
  hash: string,
): Promise<StoredKey | undefined> {
  const oldHash = hashKey(previousPepper, presented);
  const found = await deps.store.keyByHash(oldHash);
  if (found === undefined || !sameHash(found.keyHash, oldHash)) return undefined;
  if (!(await deps.store.isPendingUnderPreviousPepper(found.id, oldHash))) return undefined;
  try {
    await deps.store.rehash(found.id, oldHash, hash);
  } catch (error) {
    deps.onRehashError?.(error);
  }
  return { ...found, keyHash: hash };
}

/**
 * An imported key on a miss (issue 29): found by the SHA-256 it was imported with, one indexed
 * lookup. Its current hash is re-sealed under the pepper's HMAC on this first use, so later
 * verifies find it by the HMAC like any key; a rotated-out imported secret in its grace period is
 * answered as found by the HMAC, for the grace rules to judge.
 */
async function findImported(deps: AuthenticatorDeps, presented: string, hash: string): Promise<StoredKey | undefined> {
  const digest = importedKeyDigest(presented);
  const found = await deps.store.keyByHash(digest);
  // Another node may have re-sealed it between this node's HMAC miss and now: the HMAC finds it then.
  if (found === undefined) return deps.store.keyByHash(hash);
  if (found.previousKeyHash !== null && sameHash(found.previousKeyHash, digest))
    return { ...found, previousKeyHash: hash };
  if (!sameHash(found.keyHash, digest)) return undefined;
  try {
    await deps.store.rehash(found.id, digest, hash);
  } catch (error) {
    deps.onRehashError?.(error);
  }
  return { ...found, keyHash: hash };
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  /**
   * Whether `presented` is worth a lookup: of Keyward's format (`false`: not imported), or not but
   * of a registered import prefix (`true`); `null` for anything else, which costs nothing more.
   */
  const importedOrNot = (presented: string): boolean | null => {
    if (isWellFormedKey(presented)) return false;
    const prefixes = deps.importPrefixes;
    return prefixes !== undefined && prefixes.size !== 0 && prefixes.matches(presented) ? true : null;
  };

  const fromCache = (presented: string, now: number): Authentication | CacheMiss => {
    const imported = importedOrNot(presented);
    return imported === null ? MALFORMED : cacheLookup(keyDigest(deps.pepper, presented), presented, imported, now);
  };

  /** The cache's answer for a lookable key's HMAC (`digest`, the cache's form of it). */
  const cacheLookup = (
    digest: string,
    presented: string,
    imported: boolean,
    now: number,
  ): Authentication | CacheMiss => {
    const cached = deps.cacheTrusted === undefined || deps.cacheTrusted(now) ? deps.cache.get(digest, now) : undefined;
    const lookups = deps.lookups;
    if (cached === undefined) {
      if (lookups !== undefined) lookups.misses++;
      return { found: 'ask-storage', hash: hashOfDigest(digest), digest, presented, imported };
    }
    if (lookups !== undefined) lookups.hits++;
    if (deps.cache.refreshDue(digest, now)) refresh(digest, presented);
    return { found: true, key: cached };
  };

  /** Reads a busy key again while its entry still answers; a failure leaves the entry to its TTL. */
  const refresh = (digest: string, presented: string): void => {
    // A cached imported key was re-sealed when first found: the HMAC finds it now.
    fromStorage({ found: 'ask-storage', hash: hashOfDigest(digest), digest, presented, imported: false }).catch(
      (error: unknown) => deps.onRefreshError?.(error),
    );
  };

  const fromStorage = async ({ hash, digest, presented, imported }: CacheMiss): Promise<Authentication> => {
    const generation = deps.cache.generation();
    const previousPepper = deps.previousPepper;
    const found =
      (await deps.store.keyByHash(hash)) ??
      (previousPepper === undefined
        ? undefined
        : await findUnderPreviousPepper(deps, previousPepper, presented, hash)) ??
      (imported ? await findImported(deps, presented, hash) : undefined);
    if (found === undefined) return UNKNOWN;
    const current = sameHash(found.keyHash, hash);
    // A secret rotated out works until its grace period ends, then is unknown (SPEC §3 step 1).
    const validUntil = current ? null : found.previousValidUntil;
    // Read after the lookup: the grace period is judged at the moment the row is known.
    const now = deps.clock.now();
    if (
      !current &&
      (found.previousKeyHash === null ||
        !sameHash(found.previousKeyHash, hash) ||
        validUntil === null ||
        now >= validUntil)
    )
      return UNKNOWN;
    const record = found.record();
    // Cached under the old secret's hash only: the current secret's record stays unmarked.
    const key: KeyRecord = current ? record : { ...record, rotatedOut: true };
    deps.cache.set(digest, key, now, generation, validUntil);
    return { found: true, key };
  };

  return {
    fromCache,
    fromStorage,
    async authenticate(presented) {
      const imported = importedOrNot(presented);
      if (imported === null) return MALFORMED;
      const digest = keyDigest(deps.pepper, presented);
      const quick = cacheLookup(digest, presented, imported, deps.clock.now());
      const found = quick.found === 'ask-storage' ? await fromStorage(quick) : quick;
      if (!found.found) return found;
      return { found: true, key: found.key, hash: quick.found === 'ask-storage' ? quick.hash : hashOfDigest(digest) };
    },
  };
}
