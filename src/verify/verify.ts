/**
 * `POST /v1/verify`: the check for a presented key. Every key and permission outcome is a
 * verdict (200); only a malformed request (an unknown permission) is a problem.
 */
import type { Clock } from '../core/clock.js';
import { fail, ok, type Result, type VerdictCode } from '../core/error-codes.js';
import { holdsPermission, keyVerdict, type KeyRecord } from '../core/key-record.js';
import { isKnownPermission } from '../core/permissions.js';
import type { VerifyAnswerObject, VerifyInput } from '../api/verify.js';
import type { Authenticator } from './authenticate.js';

function answer(code: VerdictCode, key: KeyRecord | null, cacheTtlMs: number): VerifyAnswerObject {
  return {
    valid: code === 'VALID',
    code,
    keyId: key?.id ?? null,
    tenantId: key?.tenantId ?? null,
    environmentId: key?.environmentId ?? null,
    expiresAt: key?.expiresAt == null ? null : new Date(key.expiresAt).toISOString(),
    cacheTtlMs: code === 'VALID' ? cacheTtlMs : 0,
  };
}

export async function verifyKey(
  deps: { authenticator: Authenticator; clock: Clock; clientCacheTtlMs: number },
  input: VerifyInput,
): Promise<Result<VerifyAnswerObject>> {
  if (input.permission !== undefined && !isKnownPermission(input.permission)) {
    return fail('VALIDATION', `unknown permission: ${input.permission}`, { field: 'permission' });
  }
  const authentication = await deps.authenticator.authenticate(input.key);
  if (!authentication.found) return ok(answer('NOT_FOUND', null, 0));
  const key = authentication.key;
  const verdict = keyVerdict(key, deps.clock.now());
  if (verdict !== 'VALID') return ok(answer(verdict, key, 0));
  if (input.permission !== undefined && !holdsPermission(key, input.permission)) {
    return ok({ ...answer('FORBIDDEN', key, 0), missing: { permission: input.permission } });
  }
  return ok(answer('VALID', key, deps.clientCacheTtlMs));
}
