/**
 * TOTP enrolments at rest (`user_mfa`): one row per user, the seed sealed. The writes that guard
 * a code are single conditional updates, so two requests racing with one code, or a burst of
 * guesses, cannot both get through: the database decides, not a read made a moment before.
 */
import type { Selectable } from 'kysely';
import type { Db, UserMfaTable } from '../../storage/database.js';
import { lockForUpdate } from '../../storage/row-lock.js';

export type UserMfaRow = Selectable<UserMfaTable>;

export async function findUserMfa(db: Db, userId: string): Promise<UserMfaRow | undefined> {
  return db.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/** The enrolment, locked until `trx` ends: a reset decided on what it read (confirmed or not) deletes that. */
export async function lockUserMfa(trx: Db, userId: string): Promise<UserMfaRow | undefined> {
  return lockForUpdate(trx, trx.selectFrom('user_mfa').selectAll().where('user_id', '=', userId)).executeTakeFirst();
}

export async function insertUserMfa(db: Db, row: UserMfaRow): Promise<void> {
  await db.insertInto('user_mfa').values(row).execute();
}

/** Replaces an unconfirmed enrolment's seed; false when the row is gone or was confirmed meanwhile. */
export async function restartUserMfa(db: Db, userId: string, sealedSecret: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({
      secret: sealedSecret,
      last_step: null,
      failed_count: 0,
      failed_window_started_at: null,
      created_at: now,
      updated_at: now,
    })
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a user's enrolment (reset, or the user's deletion); whether there was one. */
export async function deleteUserMfa(db: Db, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('user_mfa').where('user_id', '=', userId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Counts one attempt against the failure limit before the code is even looked at, unless the
 * limit is reached: `limit` attempts per window of `windowMs` opened by the first. A success
 * clears the count again (see `acceptStep`), so only failures stay counted. False when the limit
 * is reached and the window still open: refuse the attempt.
 */
export async function chargeAttempt(
  db: Db,
  userId: string,
  now: number,
  limit: number,
  windowMs: number,
): Promise<boolean> {
  const windowOver = now - windowMs;
  const result = await db
    .updateTable('user_mfa')
    .set((eb) => ({
      failed_count: eb
        .case()
        .when(eb.or([eb('failed_window_started_at', 'is', null), eb('failed_window_started_at', '<=', windowOver)]))
        .then(1)
        .else(eb('failed_count', '+', 1))
        .end(),
      failed_window_started_at: eb
        .case()
        .when(eb.or([eb('failed_window_started_at', 'is', null), eb('failed_window_started_at', '<=', windowOver)]))
        .then(now)
        .else(eb.ref('failed_window_started_at'))
        .end(),
    }))
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('failed_window_started_at', 'is', null),
        eb('failed_window_started_at', '<=', windowOver),
        eb('failed_count', '<', limit),
      ]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Whether the tenant, or one of its environments, asks users to pass MFA periodically. */
export async function tenantAsksReverify(db: Db, tenantId: string): Promise<boolean> {
  const tenant = await db
    .selectFrom('tenants')
    .select('id')
    .where('id', '=', tenantId)
    .where('mfa_reverify_days', 'is not', null)
    .executeTakeFirst();
  if (tenant !== undefined) return true;
  const environment = await db
    .selectFrom('environments')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('mfa_reverify_days', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return environment !== undefined;
}

/**
 * Records `step` as used (the user passed: `passed_at`, from which mfaReverifyDays counts) and clears the failures, only if no step at or after it was used and
 * the seed is still `sealedSecret` (not restarted or reset meanwhile). `confirmAt` also confirms
 * an unconfirmed enrolment; without it, only a confirmed one is accepted. False: refuse the code.
 */
export async function acceptStep(
  db: Db,
  userId: string,
  sealedSecret: string,
  step: number,
  now: number,
  confirmAt?: number,
): Promise<boolean> {
  const result = await db
    .updateTable('user_mfa')
    .set({
      last_step: step,
      failed_count: 0,
      failed_window_started_at: null,
      passed_at: now,
      updated_at: now,
      ...(confirmAt === undefined ? {} : { confirmed_at: confirmAt }),
    })
    .where('user_id', '=', userId)
    .where('secret', '=', sealedSecret)
    .where('confirmed_at', confirmAt === undefined ? 'is not' : 'is', null)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
