/**
 * A key as the check sees it: its identity, state and compiled grants, with no secret. The
 * verify cache holds these; `keyVerdict` decides SPEC §3 steps 2–3 from one, without I/O.
 */
import type { VerdictCode } from './error-codes.js';
import { ALWAYS_HELD } from './permissions.js';

export type KeyKind = 'root' | 'user' | 'application';

export interface KeyRecord {
  readonly id: string;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  readonly userId: string | null;
  readonly kind: KeyKind;
  readonly admin: boolean;
  readonly enabled: boolean;
  readonly revokedAt: number | null;
  readonly expiresAt: number | null;
  readonly permissions: ReadonlySet<string>;
}

export function isRoot(key: KeyRecord): boolean {
  return key.kind === 'root';
}

/** Revoked, disabled or expired, in that order (SPEC §3 steps 2–3); VALID otherwise. */
export function keyVerdict(key: KeyRecord, now: number): VerdictCode {
  if (key.revokedAt !== null) return 'REVOKED';
  if (!key.enabled) return 'DISABLED';
  if (key.expiresAt !== null && now >= key.expiresAt) return 'EXPIRED';
  return 'VALID';
}

/** Whether the key holds a named permission: directly, as the root key, or `assistant.use`. */
export function holdsPermission(key: KeyRecord, permission: string): boolean {
  return permission === ALWAYS_HELD || isRoot(key) || key.permissions.has(permission);
}
