/**
 * Rotation (SPEC §4): a new secret for the same key — id, grants, groups and history kept —
 * with its expiry restarted at the key's original duration. The old secret fails at once, or
 * after `gracePeriodSeconds`. An expired key may still rotate itself inside its environment's
 * rotation window; rotations made with a user key need that user's TOTP where MFA is required.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { generateKey, keyHint } from '../../core/key-format.js';
import { hashKey, sameHash } from '../../core/key-hash.js';
import type { CreatedKeyObject, RotateKeyInput } from '../../api/keys.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { checkUserOtp } from '../mfa/mfa.service.js';
import { mutate } from '../mutation.js';
import { canSeeTenant, notFound } from '../scope.js';
import { findTenant } from '../tenants/tenants.repository.js';
import { DAY_MS } from '../../core/clock.js';
import { shownKey } from './keys.service.js';
import { lockKey, updateKey, type KeyRow } from './keys.repository.js';
import { refuseExcess, refuseGroupAssignment } from '../escalation.js';
import { policyIdsByKey } from '../policies/policies.repository.js';
import { grantSetOf } from './key-grants.js';
import { resolvePolicies } from './key-links.js';
import { readTarget } from '../target-rows.js';

export const DEFAULT_ROTATION_WINDOW_DAYS = 7;

/** What obtaining `target`'s secret would give the caller, refused (403 naming it) beyond its own. */
async function secretHandsOut(deps: ServiceDeps, caller: Caller, target: KeyRow): Promise<Result<null>> {
  const place = { tenantId: target.tenant_id as string, environmentId: target.environment_id as string };
  const policies = await resolvePolicies(
    deps.db,
    place,
    (await policyIdsByKey(deps.db, [target.id])).get(target.id) ?? [],
  );
  if (!policies.ok) return policies;
  const grants = await refuseExcess(deps, caller.key, place.tenantId, [
    { label: null, grants: grantSetOf(target) },
    ...policies.value,
  ]);
  if (!grants.ok) return grants;
  return refuseGroupAssignment(caller.key, target.group_ids);
}

export async function rotateKey(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: RotateKeyInput,
): Promise<Result<CreatedKeyObject>> {
  const target = await readTarget(deps.db, caller, 'key', id);
  if (target === undefined || (target.id !== caller.key.id && !canSeeTenant(caller.key, target.tenant_id)))
    return notFound('key', id);
  if (target.kind === 'root') return fail('CONFLICT', 'the root key is not rotated through the API');
  if (target.revoked_at !== null) return fail('CONFLICT', `key ${id} is revoked; a revoked key cannot rotate`);
  const environment = await findEnvironment(deps.db, target.environment_id as string);
  const tenant = await findTenant(deps.db, target.tenant_id as string);
  if (environment === undefined || tenant === undefined) return notFound('key', id);

  // Rotating another key hands its new secret to the caller: that is giving its grants away, so
  // no escalation applies as to creating it (a users.manage key cannot take over a stronger one).
  if (target.id !== caller.key.id) {
    const handedOut = await secretHandsOut(deps, caller, target);
    if (!handedOut.ok) return handedOut;
  }

  const now = deps.clock.now();
  if (target.id === caller.key.id && target.expires_at !== null && now >= target.expires_at) {
    const windowDays = environment.rotation_window_days ?? tenant.rotation_window_days ?? DEFAULT_ROTATION_WINDOW_DAYS;
    if (now >= target.expires_at + windowDays * DAY_MS) {
      return {
        ok: false,
        problem: {
          code: 'EXPIRED',
          status: 401,
          detail: `the key expired more than ${windowDays} days ago; only a key with users.manage can rotate or revoke it now`,
        },
      };
    }
  }
  // MFA is asked of the person behind the calling key (SPEC §4). An application key has no one
  // behind it to ask, so where MFA is required it may not hand out a user key's new secret: it
  // may revoke that key, and its user rotates it with a code.
  const mfaRequired = tenant.mfa_required || environment.mfa_required === true;
  if (mfaRequired && target.kind === 'user' && caller.key.kind === 'application') {
    return fail(
      'FORBIDDEN',
      'where MFA is required, an application key cannot rotate a user key (it may revoke it); the key is rotated with a one-time code of a user',
    );
  }
  if (mfaRequired && caller.key.kind === 'user' && caller.key.userId !== null) {
    const otp = await checkUserOtp(deps, caller.key.userId, input.otp);
    if (!otp.ok) return otp;
  }

  const grace = input.gracePeriodSeconds ?? 0;
  return mutate(deps, caller.actor, async ({ trx, now: at, record }) => {
    // Locked: a revocation in flight is waited for, then seen; one that comes later waits for
    // this rotation and revokes the new secret with the key.
    const current = await lockKey(trx, id);
    if (current === undefined) return notFound('key', id);
    if (current.revoked_at !== null) return fail('CONFLICT', `key ${id} is revoked; a revoked key cannot rotate`);
    // Another rotation of the key landed since this request authenticated: the secret the key
    // presented no longer holds, and its successor, which this one did not see, stays. Judged
    // by the presented secret, not by the row read above: that read may come after the other
    // rotation committed, and would show its secret as if it were the one presented.
    const presented = caller.presentedHash ?? target.key_hash;
    if (caller.key.id === id && !sameHash(current.key_hash, presented)) {
      return fail(
        'CONFLICT',
        `key ${id} was rotated by another request meanwhile; the secret this request presented is no longer the key's`,
      );
    }
    const secret = generateKey(environment.key_prefix);
    // Only what rotation changes is written: the row's other columns stay as the lock read them.
    const rotated = {
      key_hash: hashKey(deps.pepper, secret),
      hint: keyHint(secret),
      prefix: environment.key_prefix,
      previous_key_hash: grace > 0 ? current.key_hash : null,
      previous_valid_until: grace > 0 ? at + grace * 1000 : null,
      expires_at: current.expiry_days === null ? null : at + current.expiry_days * DAY_MS,
      rotated_at: at,
      updated_at: at,
    };
    if (!(await updateKey(trx, id, rotated)))
      return fail('CONFLICT', `key ${id} is revoked; a revoked key cannot rotate`);
    const next = { ...current, ...rotated };
    await record('key.rotate', current, 'update', {
      gracePeriodSeconds: grace,
      expiresAt: next.expires_at,
      self: caller.key.id === id,
    });
    return ok({ ...(await shownKey(trx, next, at, deps.usage)), key: secret });
  });
}
