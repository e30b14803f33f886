/**
 * Sessions (SPEC §6): a person signed in through SSO acts with one of their own keys. A session
 * is opened by the SSO callback, completed by the person (the key to act with when several may,
 * a TOTP code when the tenant requires MFA and the provider did not assert it), read on every
 * request it authenticates, and ended by its person, by `users.manage`, by its expiry, or by its
 * key stopping (revoked, disabled, expired) or its user going: checked on each request, so the
 * next request after a revocation fails. Every opening and end is audited.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { holdsPermission, isRoot } from '../../core/key-record.js';
import type { PageOf } from '../../api/common.js';
import type {
  CompleteSessionInput,
  ListSessionsInput,
  PendingSessionObject,
  SessionObject,
} from '../../api/sessions.js';
import type { Actor } from '../mutation.js';
import { mutate } from '../mutation.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound } from '../scope.js';
import { lockKey } from '../keys/keys.repository.js';
import { checkUserOtp } from '../mfa/mfa.service.js';
import { candidateKeys, currentKeyRecord, mayActWith, type CandidateKey } from './acting-key.js';
import { hashSessionToken, newSessionToken } from './session-tokens.js';
import {
  deleteExpiredSessions,
  deleteSessionRow,
  findSession,
  insertSession,
  selectSessions,
  updateSession,
  type SessionRow,
} from './sessions.repository.js';

export function toSessionObject(row: SessionRow, currentId: string | undefined): SessionObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    email: row.email,
    identityProviderId: row.provider_id,
    keyId: row.key_id,
    client: row.client === 'cli' ? 'cli' : 'console',
    complete: isComplete(row),
    current: row.id === currentId,
    sourceIp: row.source_ip,
    createdAt: iso(row.created_at) as string,
    expiresAt: iso(row.expires_at) as string,
  };
}

function isComplete(row: SessionRow): boolean {
  return row.key_id !== null && !row.mfa_pending;
}

export interface OpenSessionInput {
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly email: string;
  readonly providerId: string | null;
  readonly candidates: readonly CandidateKey[];
  /** The tenant requires MFA and the provider did not assert it (or the key is due for it). */
  readonly mfaPending: boolean;
  readonly client: 'console' | 'cli';
  /** The root key, for an operator's session. */
  readonly rootKeyId?: string;
}

/** Opens a session; the token is answered once, here, and only its hash is kept. */
export async function openSession(
  deps: ServiceDeps,
  actor: Actor,
  ttlMs: number,
  input: OpenSessionInput,
): Promise<Result<{ token: string; session: SessionRow }>> {
  const token = newSessionToken();
  return mutate(deps, actor, async ({ trx, now, record }) => {
    await deleteExpiredSessions(trx, now);
    const only = input.candidates.length === 1 ? input.candidates[0] : undefined;
    let keyId = input.rootKeyId ?? null;
    if (only !== undefined) {
      // Locked: a revocation of the key waits for this session, or this session sees it revoked.
      const key = await lockKey(trx, only.id);
      if (key === undefined || key.revoked_at !== null) return noKey();
      keyId = key.id;
    }
    const row: SessionRow = {
      id: newId('session', now),
      token_hash: hashSessionToken(token),
      tenant_id: input.tenantId,
      user_id: input.userId,
      email: input.email,
      provider_id: input.providerId,
      key_id: keyId,
      candidate_key_ids: input.candidates.map((candidate) => candidate.id),
      mfa_pending: input.mfaPending,
      client: input.client,
      source_ip: actor.sourceIp,
      created_at: now,
      expires_at: now + ttlMs,
    };
    await insertSession(trx, row);
    await record({
      action: 'session.create',
      tenantId: row.tenant_id,
      environmentId: null,
      target: { type: 'session', id: row.id },
      op: 'create',
      details: {
        userId: row.user_id,
        email: row.email,
        identityProviderId: row.provider_id,
        keyId,
        client: row.client,
      },
      cached: false,
    });
    return ok({ token, session: row });
  });
}

function noKey(): Result<never> {
  return fail('SSO_REFUSED', `you have no live key holding applications.use to act with; ask an admin for one`, {
    reason: 'no_key',
  });
}

function notActable(keyId: string): Result<never> {
  return fail('VALIDATION', `key ${keyId} is not one of your keys this session may act with`, { field: 'keyId' });
}

export async function getSsoSignIn(deps: ServiceDeps, session: SessionRow): Promise<PendingSessionObject> {
  const now = deps.clock.now();
  const allowed = new Set(session.candidate_key_ids);
  const keys =
    session.user_id === null
      ? []
      : (await candidateKeys(deps, session.user_id, now)).filter((candidate) => allowed.has(candidate.id));
  return {
    email: session.email,
    keys: keys.map(({ id, name, environmentId }) => ({ id, name, environmentId })),
    keyChosen: session.key_id !== null,
    mfaRequired: session.mfa_pending,
  };
}

/** The person finishes signing in: the one-time code first, then the key to act with. */
export async function updateSsoSignIn(
  deps: ServiceDeps,
  actor: Actor,
  session: SessionRow,
  input: CompleteSessionInput,
): Promise<Result<PendingSessionObject>> {
  let mfaPending = session.mfa_pending;
  if (mfaPending && session.user_id !== null) {
    const checked = await checkUserOtp(deps, session.user_id, input.code);
    if (!checked.ok) return checked;
    mfaPending = false;
  }
  let keyId = session.key_id;
  if (input.keyId !== undefined && keyId === null) {
    const allowed = session.candidate_key_ids;
    const key = allowed.includes(input.keyId) ? await currentKeyRecord(deps, input.keyId) : undefined;
    if (key === undefined || session.user_id === null || !mayActWith(key, session.user_id, deps.clock.now()))
      return notActable(input.keyId);
    keyId = input.keyId;
  }
  const done = await mutate(deps, actor, async ({ trx, record }) => {
    if (keyId !== null && keyId !== session.key_id) {
      // Locked: a revocation in flight either lands first (refused here, as above) or waits and ends the session.
      const locked = await lockKey(trx, keyId);
      if (locked === undefined || locked.revoked_at !== null) return notActable(keyId);
    }
    await updateSession(trx, session.id, { key_id: keyId, mfa_pending: mfaPending });
    await record({
      action: 'session.complete',
      tenantId: session.tenant_id,
      environmentId: null,
      target: { type: 'session', id: session.id },
      op: 'update',
      details: { keyId, mfaPassed: !mfaPending },
      cached: false,
    });
    return ok(null);
  });
  if (!done.ok) return done;
  return ok(await getSsoSignIn(deps, { ...session, key_id: keyId, mfa_pending: mfaPending }));
}

/** Whether the caller may see and end this session: its own person, or `users.manage` in its tenant. */
function mayManage(caller: Caller, row: SessionRow): boolean {
  if (isRoot(caller.key)) return true;
  if (!canSeeTenant(caller.key, row.tenant_id)) return false;
  if (row.id === caller.sessionId) return true;
  if (row.user_id !== null && row.user_id === caller.key.userId) return true;
  return holdsPermission(caller.key, 'users.manage');
}

export async function listSessions(
  deps: ServiceDeps,
  caller: Caller,
  query: ListSessionsInput,
): Promise<Result<PageOf<SessionObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const manager = holdsPermission(caller.key, 'users.manage');
  // Without users.manage a person sees their own sessions; a key with no user has none.
  if (!manager && caller.key.userId === null) return ok({ items: [], nextCursor: null });
  if (!manager && query.userId !== undefined && query.userId !== caller.key.userId)
    return fail('FORBIDDEN', "listing another user's sessions needs users.manage", { needed: 'users.manage' });
  const userId = manager ? query.userId : (caller.key.userId ?? undefined);
  const rows = await selectSessions(deps.db, { ...page.value, userId, now: deps.clock.now() });
  return ok(toPage(rows, page.value.limit, (row) => toSessionObject(row, caller.sessionId)));
}

async function visibleSession(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<SessionRow>> {
  const row = await findSession(deps.db, id);
  if (row === undefined || row.expires_at <= deps.clock.now() || !canSeeTenant(caller.key, row.tenant_id))
    return notFound('session', id);
  if (!mayManage(caller, row))
    return fail('FORBIDDEN', "another person's session needs users.manage", { needed: 'users.manage' });
  return ok(row);
}

export async function getSession(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<SessionObject>> {
  const row = await visibleSession(deps, caller, id);
  return row.ok ? ok(toSessionObject(row.value, caller.sessionId)) : row;
}

export async function deleteSession(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<SessionObject>> {
  const row = await visibleSession(deps, caller, id);
  if (!row.ok) return row;
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    if (!(await deleteSessionRow(trx, id))) return notFound('session', id);
    await record({
      action: 'session.end',
      tenantId: row.value.tenant_id,
      environmentId: null,
      target: { type: 'session', id },
      op: 'delete',
      details: { reason: id === caller.sessionId ? 'signed out' : 'ended', userId: row.value.user_id },
      cached: false,
    });
    return ok(toSessionObject(row.value, caller.sessionId));
  });
}
