/**
 * A session found by its token on each request it authenticates, with the key it acts with, both
 * read from storage (never cached). A session whose key was revoked, disabled or expired, or whose
 * user was deleted, is ended on record, and the request refused with why.
 */
import type { Problem } from '../../core/error-codes.js';
import { ok } from '../../core/error-codes.js';
import { isRoot, keyVerdict, type KeyRecord } from '../../core/key-record.js';
import type { ServiceDeps } from '../deps.js';
import { mutate, type Actor } from '../mutation.js';
import { findUser } from '../users/users.repository.js';
import { currentKeyRecord, mayActWith } from './acting-key.js';
import { hashSessionToken } from './session-tokens.js';
import { deleteSessionRow, findSessionByTokenHash, type SessionRow } from './sessions.repository.js';

const ended = (detail: string): Problem => ({ code: 'SESSION_ENDED', detail });

/** Ends a session the request found unusable, on record; a concurrent end of it is fine. */
async function endFor(deps: ServiceDeps, row: SessionRow, actor: Actor, reason: string): Promise<void> {
  await mutate(deps, actor, async ({ trx, record }) => {
    if (await deleteSessionRow(trx, row.id))
      await record({
        action: 'session.end',
        tenantId: row.tenant_id,
        environmentId: null,
        target: { type: 'session', id: row.id },
        op: 'delete',
        details: { reason, userId: row.user_id },
        cached: false,
      });
    return ok(null);
  });
}

export type SessionAuthentication =
  | { readonly ok: true; readonly session: SessionRow; readonly key: KeyRecord }
  | { readonly ok: false; readonly problem: Problem };

/** The live session a token opens, complete or not (what the sign-in's last steps act on). */
export async function liveSession(
  deps: ServiceDeps,
  token: string,
  actor: Actor,
): Promise<{ ok: true; session: SessionRow } | { ok: false; problem: Problem }> {
  const row = await findSessionByTokenHash(deps.db, hashSessionToken(token));
  if (row === undefined || row.expires_at <= deps.clock.now())
    return { ok: false, problem: ended('the session is unknown or has expired: sign in again') };
  if (row.user_id !== null && (await findUser(deps.db, row.user_id)) === undefined) {
    await endFor(deps, row, actor, 'user deleted');
    return { ok: false, problem: ended("the session's user was deleted") };
  }
  return { ok: true, session: row };
}

/** The complete session a token opens and the key it acts with, read now; a problem (and the session ended) otherwise. */
export async function authenticateSession(
  deps: ServiceDeps,
  token: string,
  actor: Actor,
): Promise<SessionAuthentication> {
  const live = await liveSession(deps, token, actor);
  if (!live.ok) return live;
  const row = live.session;
  if (row.key_id === null)
    return { ok: false, problem: { code: 'SESSION_INCOMPLETE', detail: 'choose the key this session acts with' } };
  const now = deps.clock.now();
  const key = await currentKeyRecord(deps, row.key_id);
  const verdict = key === undefined ? 'REVOKED' : keyVerdict(key, now);
  if (key === undefined || verdict === 'REVOKED' || verdict === 'DISABLED' || verdict === 'EXPIRED') {
    await endFor(deps, row, actor, `key ${verdict.toLowerCase()}`);
    return {
      ok: false,
      problem: {
        code: verdict,
        status: 401,
        detail: `the session ended: the key it acted with is ${verdict.toLowerCase()}`,
      },
    };
  }
  const fits = row.user_id === null ? isRoot(key) : mayActWith(key, row.user_id, now);
  if (!fits) {
    await endFor(deps, row, actor, 'key no longer fits');
    return { ok: false, problem: ended('the session ended: its key no longer holds applications.use') };
  }
  if (row.mfa_pending)
    return {
      ok: false,
      problem: { code: 'SESSION_INCOMPLETE', detail: 'give your one-time code to finish signing in' },
    };
  return { ok: true, session: row, key };
}
