/**
 * TOTP MFA of users (SPEC §4–§5): enrol (the seed is shown once and kept sealed, bound to the
 * user), confirm with a first code, reset, and check a code. A code is good once: its time step
 * is recorded and no step at or before it is taken again. Failures are limited per user, and
 * counted in their own write, so the count survives the request that fails. The seed, codes and
 * the otpauth URI never go into an audit event, a problem detail or the log.
 */
import { holdsPermission } from '../../core/key-record.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newTotpSecret, stepOf, totpUrl } from '../../core/totp.js';
import type { MfaEnrolmentObject, MfaStatusObject, MfaVerifiedObject } from '../../api/mfa.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate } from '../mutation.js';
import { iso, notFound } from '../scope.js';
import { lockUser } from '../users/users.repository.js';
import { findVisibleUser } from '../users/users.service.js';
import {
  acceptStep,
  chargeAttempt,
  tenantAsksReverify,
  deleteUserMfa,
  findUserMfa,
  insertUserMfa,
  lockUserMfa,
  restartUserMfa,
  type UserMfaRow,
} from './mfa.repository.js';

/** At most this many failed codes per user in one window… */
export const MFA_FAILURE_LIMIT = 5;
/** …which opens at the first failure and lasts this long. */
export const MFA_FAILURE_WINDOW_MS = 5 * 60_000;

/** What the seed is sealed against: a sealed seed copied onto another user does not open. */
const boundTo = (userId: string): string => `mfa:${userId}`;

const invalid = (): Result<never> => fail('MFA_INVALID', 'the one-time code is wrong or was already used');

function statusOf(userId: string, row: UserMfaRow | undefined): MfaStatusObject {
  const confirmedAt = row?.confirmed_at ?? null;
  return { userId, enrolled: confirmedAt !== null, confirmedAt: iso(confirmedAt) };
}

async function rateLimited(deps: ServiceDeps, userId: string, now: number): Promise<Result<never>> {
  const row = await findUserMfa(deps.db, userId);
  // No attempt was counted because the enrolment was reset meanwhile: the code is for a seed that is gone.
  if (row === undefined) return invalid();
  const opened = row.failed_window_started_at ?? now;
  const retryAfterSeconds = Math.max(1, Math.ceil((opened + MFA_FAILURE_WINDOW_MS - now) / 1000));
  return fail('RATE_LIMITED', `too many wrong one-time codes for this user; try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}

/**
 * The time step `code` matches for `row`'s seed, with the attempt counted first (a success
 * clears it when its step is accepted). RATE_LIMITED while the limit holds, MFA_INVALID when
 * the code is wrong or its step is not after the last one used.
 */
async function matchCode(deps: ServiceDeps, row: UserMfaRow, code: string): Promise<Result<number>> {
  const now = deps.clock.now();
  if (!(await chargeAttempt(deps.db, row.user_id, now, MFA_FAILURE_LIMIT, MFA_FAILURE_WINDOW_MS)))
    return rateLimited(deps, row.user_id, now);
  const seed = deps.secrets.open(row.secret, boundTo(row.user_id));
  // Broken infrastructure, not an expected outcome: the seed was sealed under another pepper or altered.
  if (seed === null) throw new Error(`the MFA seed of user ${row.user_id} cannot be opened`);
  const step = stepOf(seed, code, now);
  if (step === null || (row.last_step !== null && step <= row.last_step)) return invalid();
  return ok(step);
}

/**
 * A code of `userId`'s confirmed enrolment, accepted once. A sign-in check (`signIn`: the caller)
 * is audited in the same transaction (without a change-log row: see ChangeRecord.cached).
 * Refusals are audited by the HTTP layer, like every 401 of a management call.
 */
async function checkConfirmed(
  deps: ServiceDeps,
  userId: string,
  code: string | undefined,
  signIn: Caller | null,
): Promise<Result<null>> {
  const row = await findUserMfa(deps.db, userId);
  if (code === undefined || row === undefined || row.confirmed_at === null) {
    return fail(
      'MFA_REQUIRED',
      row?.confirmed_at == null
        ? 'this needs a one-time code, and the user has not enrolled in MFA'
        : 'this needs a one-time code (otp) of the user',
    );
  }
  const step = await matchCode(deps, row, code);
  if (!step.ok) return step;
  if (signIn === null)
    return (await acceptStep(deps.db, userId, row.secret, step.value, deps.clock.now())) ? ok(null) : invalid();
  return mutate(deps, signIn.actor, async ({ trx, now, record }) => {
    if (!(await acceptStep(trx, userId, row.secret, step.value, now))) return invalid();
    // Where MFA is asked periodically the pass renews the user's keys, which every node caches
    // with their due time: then it is a change they must drop. Elsewhere nothing cached moves.
    const renews = signIn.key.tenantId !== null && (await tenantAsksReverify(trx, signIn.key.tenantId));
    // Filed where the signing-in key lives: its environment, which a user (tenant-wide) has not.
    const subject = { id: userId, tenant_id: signIn.key.tenantId, environment_id: signIn.key.environmentId };
    await record('me.mfa.verify', subject, 'update', undefined, renews ? {} : { cached: false });
    return ok(null);
  });
}

/** Checks a TOTP code of `userId`: MFA_REQUIRED when code is undefined or the user has no confirmed enrolment; RATE_LIMITED after too many failures; MFA_INVALID when wrong or already used; ok(null) when right, recording its time step so it is never accepted again. */
export async function checkUserOtp(deps: ServiceDeps, userId: string, code: string | undefined): Promise<Result<null>> {
  return checkConfirmed(deps, userId, code, null);
}

export async function getUserMfa(deps: ServiceDeps, caller: Caller, userId: string): Promise<Result<MfaStatusObject>> {
  if ((await findVisibleUser(deps, caller, userId)) === undefined) return notFound('user', userId);
  return ok(statusOf(userId, await findUserMfa(deps.db, userId)));
}

/** Starts enrolment, or starts it again with a new seed while it is unconfirmed. */
export async function enrolUserMfa(
  deps: ServiceDeps,
  caller: Caller,
  userId: string,
): Promise<Result<MfaEnrolmentObject>> {
  const user = await findVisibleUser(deps, caller, userId);
  if (user === undefined) return notFound('user', userId);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // The user locked first, as its deletion does: no enrolment is made for a user being deleted.
    if ((await lockUser(trx, userId)) === undefined) return notFound('user', userId);
    const current = await lockUserMfa(trx, userId);
    const conflict = fail('CONFLICT', `user ${userId} already has MFA; reset it before enrolling again`);
    if (current !== undefined && current.confirmed_at !== null) return conflict;
    const secret = newTotpSecret();
    const sealed = deps.secrets.seal(secret, boundTo(userId));
    if (current === undefined) {
      await insertUserMfa(trx, {
        user_id: userId,
        secret: sealed,
        confirmed_at: null,
        last_step: null,
        failed_count: 0,
        failed_window_started_at: null,
        passed_at: null,
        created_at: now,
        updated_at: now,
      });
    } else if (!(await restartUserMfa(trx, userId, sealed, now))) {
      return conflict;
    }
    await record('user.mfa.enrol', user, 'update', { restarted: current !== undefined });
    return ok({ secret, otpauthUrl: totpUrl(secret, user.email) });
  });
}

/** The first right code confirms an enrolment: from then on the user's codes are asked for. */
export async function confirmUserMfa(
  deps: ServiceDeps,
  caller: Caller,
  userId: string,
  code: string,
): Promise<Result<MfaStatusObject>> {
  const user = await findVisibleUser(deps, caller, userId);
  if (user === undefined) return notFound('user', userId);
  const row = await findUserMfa(deps.db, userId);
  if (row === undefined) return fail('CONFLICT', `user ${userId} has not started MFA enrolment`);
  if (row.confirmed_at !== null) return fail('CONFLICT', `user ${userId} has already confirmed MFA`);
  const step = await matchCode(deps, row, code);
  if (!step.ok) return step;
  const confirmed = await mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Restarted, confirmed or reset since it was read: the code was for a seed that is gone.
    if (!(await acceptStep(trx, userId, row.secret, step.value, now, now))) return invalid();
    await record('user.mfa.confirm', user, 'update');
    return ok(statusOf(userId, { ...row, confirmed_at: now }));
  });
  return confirmed;
}

/** Removes the enrolment, confirmed or not; the user may enrol again. */
export async function resetUserMfa(
  deps: ServiceDeps,
  caller: Caller,
  userId: string,
): Promise<Result<MfaStatusObject>> {
  const user = await findVisibleUser(deps, caller, userId);
  if (user === undefined) return notFound('user', userId);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    // Locked: a confirmation landing meanwhile is waited for, and then counts as confirmed here.
    const current = await lockUserMfa(trx, userId);
    if (current === undefined) return fail('NOT_FOUND', `user ${userId} has no MFA enrolment`);
    // A user's own key resetting a confirmed enrolment, then enrolling again, would be a way
    // around MFA for whoever holds that key, users.manage or not: only another users.manage key
    // resets a confirmed one (SPEC §4).
    if (
      current.confirmed_at !== null &&
      (caller.key.userId === userId || !holdsPermission(caller.key, 'users.manage'))
    ) {
      return fail(
        'FORBIDDEN',
        "resetting a confirmed MFA enrolment needs users.manage, held by a key of another user than the enrolment's",
        { needed: 'users.manage' },
      );
    }
    if (!(await deleteUserMfa(trx, userId))) return fail('NOT_FOUND', `user ${userId} has no MFA enrolment`);
    await record('user.mfa.reset', user, 'update', { wasConfirmed: current.confirmed_at !== null });
    return ok(statusOf(userId, undefined));
  });
}

/** `POST /v1/me/mfa/verify`: the calling key's user's code (UI sign-in). */
export async function verifyMfaCode(
  deps: ServiceDeps,
  caller: Caller,
  code: string,
): Promise<Result<MfaVerifiedObject>> {
  const userId = caller.key.userId;
  if (userId === null)
    return fail('VALIDATION', 'this key has no user (an application or root key), so it has no MFA to check');
  const checked = await checkConfirmed(deps, userId, code, caller);
  if (!checked.ok) return checked;
  return ok({ valid: true, userId });
}
