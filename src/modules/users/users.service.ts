/**
 * Users: people of a tenant, outside environments, with no access until given a key. Deleting a
 * user revokes its keys in the same transaction.
 */
import { deleteUserMfa } from '../mfa/mfa.repository.js';
import { removeUserFromAllGroups } from '../groups/groups.repository.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import type { PageOf, PageQueryType } from '../../api/common.js';
import type { CreateUserInput, PatchUserInput, UserObject } from '../../api/users.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate, type UnitOfWork } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound, resolveTenantId } from '../scope.js';
import { liveKeyIdsOfUser, lockLiveKeysOfUser, updateKey } from '../keys/keys.repository.js';
import { findTenant } from '../tenants/tenants.repository.js';
import {
  deleteUser as deleteUserRow,
  findUserByEmail,
  findUserByExternalId,
  insertUser,
  listUsers as listUserRows,
  searchUsers,
  lockUser,
  updateUser as updateUserRow,
  type UserRow,
} from './users.repository.js';
import type { Db } from '../../storage/database.js';
import { readTarget } from '../target-rows.js';

export function toUserObject(row: UserRow): UserObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    email: row.email,
    role: row.role === 'admin' ? 'admin' : 'member',
    externalId: row.external_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** 409 when another user of the tenant has this externalId (the unique index holds it under races too). */
async function externalIdTaken(trx: Db, tenantId: string, externalId: string, self?: string): Promise<Result<null>> {
  const holder = await findUserByExternalId(trx, tenantId, externalId);
  return holder === undefined || holder.id === self
    ? ok(null)
    : fail('CONFLICT', `another user of this tenant has externalId ${externalId}`, { field: 'externalId' });
}

/** Emails compare case-insensitively: `Ada@x.io` and `ada@x.io` are one person. */
function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findVisibleUser(deps: ServiceDeps, caller: Caller, id: string): Promise<UserRow | undefined> {
  const row = await readTarget(deps.db, caller, 'user', id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function createUser(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateUserInput,
): Promise<Result<UserObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  const email = normaliseEmail(input.email);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    if ((await findTenant(trx, tenantId.value)) === undefined) return notFound('tenant', tenantId.value);
    if ((await findUserByEmail(trx, tenantId.value, email)) !== undefined) {
      return fail('CONFLICT', `a user with email ${email} already exists in this tenant`, { field: 'email' });
    }
    if (input.externalId !== undefined) {
      const taken = await externalIdTaken(trx, tenantId.value, input.externalId);
      if (!taken.ok) return taken;
    }
    const row: UserRow = {
      id: newId('user', now),
      tenant_id: tenantId.value,
      name: input.name,
      email,
      role: input.role ?? 'member',
      external_id: input.externalId ?? null,
      created_at: now,
      updated_at: now,
    };
    await insertUser(trx, row);
    await record('user.create', row, 'create', { role: row.role });
    return ok(toUserObject(row));
  });
}

export async function listUsers(
  deps: ServiceDeps,
  caller: Caller,
  query: PageQueryType & { tenantId?: string | undefined; q?: string | undefined },
): Promise<Result<PageOf<UserObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const { limit } = page.value;
  const rows =
    query.q === undefined
      ? await listUserRows(deps.db, { ...page.value })
      : await searchUsers(deps.db, { ...page.value }, query.q);
  return ok(toPage(rows, limit, toUserObject));
}

export async function getUser(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<UserObject>> {
  const row = await findVisibleUser(deps, caller, id);
  return row === undefined ? notFound('user', id) : ok(toUserObject(row));
}

export async function updateUser(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchUserInput,
): Promise<Result<UserObject>> {
  if ((await findVisibleUser(deps, caller, id)) === undefined) return notFound('user', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockUser(trx, id);
    if (current === undefined) return notFound('user', id);
    const email = input.email === undefined ? current.email : normaliseEmail(input.email);
    if (email !== current.email && (await findUserByEmail(trx, current.tenant_id, email)) !== undefined) {
      return fail('CONFLICT', `a user with email ${email} already exists in this tenant`, { field: 'email' });
    }
    if (input.externalId != null) {
      const taken = await externalIdTaken(trx, current.tenant_id, input.externalId, id);
      if (!taken.ok) return taken;
    }
    if (input.role === 'member' && current.role === 'admin') {
      const adminKeys = (await liveKeyIdsOfUser(trx, id)).filter((key) => key.admin);
      if (adminKeys.length > 0) {
        return fail(
          'CONFLICT',
          `user ${id} owns ${adminKeys.length} live admin key(s); revoke them before making the user a member`,
        );
      }
    }
    const next: UserRow = {
      ...current,
      name: input.name ?? current.name,
      email,
      role: input.role ?? current.role,
      external_id: input.externalId === undefined ? current.external_id : input.externalId,
      updated_at: now,
    };
    await updateUserRow(trx, id, next);
    await record('user.update', current, 'update', { fields: Object.keys(input) });
    return ok(toUserObject(next));
  });
}

async function revokeKeysOfUser(unit: UnitOfWork, userId: string): Promise<number> {
  // Every key locked before the first is written: a key being changed meanwhile is waited for,
  // and none is locked after an audit event holds the tenant's chain (which its writer wants next).
  const keys = await lockLiveKeysOfUser(unit.trx, userId);
  for (const key of keys) {
    await updateKey(unit.trx, key.id, { revoked_at: unit.now, updated_at: unit.now });
    await unit.record('key.revoke', key, 'update', { reason: 'user deleted' });
  }
  return keys.length;
}

export async function deleteUser(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<UserObject>> {
  if ((await findVisibleUser(deps, caller, id)) === undefined) return notFound('user', id);
  return mutate(deps, caller.actor, async (unit) => {
    // Locked first: a key being created for the user waits, then finds no user (404), or
    // committed already and is revoked here with the others.
    const current = await lockUser(unit.trx, id);
    if (current === undefined) return notFound('user', id);
    const revoked = await revokeKeysOfUser(unit, id);
    await deleteUserMfa(unit.trx, id);
    await removeUserFromAllGroups(unit.trx, id);
    await deleteUserRow(unit.trx, id);
    await unit.record('user.delete', current, 'delete', { keysRevoked: revoked });
    return ok(toUserObject(current));
  });
}
