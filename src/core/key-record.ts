/**
 * A key as the check sees it: its identity, state and compiled grants, with no secret. The
 * verify cache holds these; `keyVerdict` decides SPEC §3 steps 2–3 from one, without I/O.
 */
import type { VerdictCode } from './error-codes.js';
import type { KeyPosition } from './check.js';
import type { CompiledGrants } from './grants/compile-grants.js';
import type { IpAllowlist } from './ip-allowlist.js';
import type { RefillInterval } from './credit-period.js';

/** One rate-limit budget: `id` names the bucket (`key:<keyId>:<name>` or `policy:<policyId>:<name>`). */
export interface RateBucket {
  readonly id: string;
  readonly name: string;
  readonly limit: number;
  readonly durationMs: number;
  /**
   * The in-memory limiter's window for this bucket, kept on the bucket (verify/rate-limits.ts): a
   * take reads it beside the bucket instead of looking it up by id in a map of every key's
   * windows, whose probe and key comparison missed the CPU's caches on each verify of a key at random.
   */
  window?: BucketWindow | undefined;
}

/** A bucket's current window in one node's memory: units used since `start`. */
export interface BucketWindow {
  start: number;
  used: number;
  /** The windows of the limiter that made it: a bucket found by two limiters (tests, a fallback) is told apart. */
  readonly limiter: object;
  /** False once its limiter swept it: the bucket looks its window up again. */
  live: boolean;
}

export type KeyKind = 'root' | 'user' | 'application';

export interface KeyRecord {
  readonly id: string;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  readonly userId: string | null;
  readonly kind: KeyKind;
  /** Who is calling, answered by verify (SPEC §4): the key's name and metadata, its user's externalId. */
  readonly name?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly externalId?: string | null;
  readonly admin: boolean;
  readonly enabled: boolean;
  readonly revokedAt: number | null;
  readonly expiresAt: number | null;
  /** Everything the key may do, compiled once when the key is loaded (always-held permissions included). */
  readonly grants: CompiledGrants;
  /** The sharing groups the key belongs to: roles they hold on resources count as the key's. */
  readonly groupIds: readonly string[];
  /** Presented with a secret rotated out and still in its grace period: it may only be used (SPEC §4). */
  readonly rotatedOut?: true;
  /**
   * From when the key answers MFA_REQUIRED: its user's last TOTP pass plus `mfaReverifyDays`
   * (SPEC §4). Absent or null: the setting is off, or the key has no user.
   */
  readonly mfaDueAt?: number | null;
  /** The key's own rate limits, then its policies'; absent when it has none (the common case). */
  readonly ratelimits?: readonly RateBucket[];
  /**
   * The IP allowlists that apply (the key's and its environment's, each where set): the address
   * must be in every one. Absent when neither is set, so the common key checks nothing.
   */
  readonly ipAllowlists?: readonly IpAllowlist[];
  /** Present when the key is metered by usage credits: how its balance refills (issue 17). */
  readonly credits?: {
    readonly refill: { readonly amount: number; readonly interval: RefillInterval } | null;
    /** The tenant's time zone, where refill periods begin. */
    readonly timeZone: string;
  };
}

export function isRoot(key: KeyRecord): boolean {
  return key.kind === 'root';
}

/** Revoked, disabled, expired (SPEC §3 steps 2–3), or due to pass MFA again (§4), in that order; VALID otherwise. */
export function keyVerdict(key: KeyRecord, now: number): VerdictCode {
  if (key.revokedAt !== null) return 'REVOKED';
  if (!key.enabled) return 'DISABLED';
  if (key.expiresAt !== null && now >= key.expiresAt) return 'EXPIRED';
  if (key.mfaDueAt != null && now >= key.mfaDueAt) return 'MFA_REQUIRED';
  return 'VALID';
}

/** Whether the key holds a named permission: as the root key, or among its compiled grants. */
export function holdsPermission(key: KeyRecord, permission: string): boolean {
  return isRoot(key) || key.grants.permissions.has(permission);
}

/** Where the key stands, as the check of SPEC §3 step 4 takes it. */
const positions = new WeakMap<KeyRecord, KeyPosition>();

/** Computed once per record: a cached key answers verify without allocating this again. */
export function keyPosition(key: KeyRecord): KeyPosition {
  let position = positions.get(key);
  if (position === undefined) {
    position = {
      root: isRoot(key),
      tenantId: key.tenantId,
      environmentId: key.environmentId,
      principals: [key.id, ...key.groupIds],
    };
    positions.set(key, position);
  }
  return position;
}
