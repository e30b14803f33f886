/**
 * API keys: created (shown once), listed, read, renamed, disabled and revoked. The key itself
 * is generated here and stored only as its HMAC under the server pepper.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { generateKey, keyHint } from '../../core/key-format.js';
import { hashKey } from '../../core/key-hash.js';
import type { PageOf } from '../../api/common.js';
import type { CreatedKeyObject, CreateKeyInput, KeyObject, ListKeysInput, PatchKeyInput } from '../../api/keys.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { serialiseMetadata } from '../metadata.js';
import { mutate } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, notFound } from '../scope.js';
import { findEnvironment } from '../environments/environments.repository.js';
import { findTenant } from '../tenants/tenants.repository.js';
import { findUser } from '../users/users.repository.js';
import { grantColumns, resolveKeyGrants } from './key-grants.js';
import { resolveExpiry } from './key-expiry.js';
import { toKeyObject } from './key-object.js';
import { findKeyById, insertKey, listKeys, updateKey, type KeyRow } from './keys.repository.js';

export async function createKey(deps: ServiceDeps, caller: Caller, input: CreateKeyInput): Promise<Result<CreatedKeyObject>> {
  const environmentId = input.environmentId ?? caller.key.environmentId;
  if (environmentId === null) return fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' });
  if (input.kind === 'user' && input.userId === undefined) return fail('VALIDATION', 'userId is required for a user key', { field: 'userId' });
  if (input.kind === 'application' && input.userId !== undefined) {
    return fail('VALIDATION', 'an application key has no user; omit userId', { field: 'userId' });
  }
  const admin = input.admin === true;
  const grants = resolveKeyGrants(deps.model, caller.key, input, admin);
  if (!grants.ok) return grants;
  const metadata = serialiseMetadata(input.metadata);
  if (!metadata.ok) return metadata;

  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const environment = await findEnvironment(trx, environmentId);
    if (environment === undefined || !canSeeTenant(caller.key, environment.tenant_id)) return notFound('environment', environmentId);
    const tenant = await findTenant(trx, environment.tenant_id);
    if (tenant === undefined) return notFound('environment', environmentId);
    if (input.userId !== undefined) {
      const user = await findUser(trx, input.userId);
      if (user === undefined || user.tenant_id !== environment.tenant_id) return notFound('user', input.userId);
      if (admin && user.role !== 'admin') return fail('VALIDATION', `user ${user.id} is not an admin user, so cannot own an admin key`, { field: 'admin' });
    }
    const expiresAt = resolveExpiry(input.expiresInDays, environment, tenant, now);
    if (!expiresAt.ok) return expiresAt;

    const secret = generateKey(environment.key_prefix);
    const row: KeyRow = {
      id: newId('key', now),
      tenant_id: environment.tenant_id,
      environment_id: environment.id,
      user_id: input.userId ?? null,
      kind: input.kind,
      name: input.name,
      key_hash: hashKey(deps.pepper, secret),
      hint: keyHint(secret),
      prefix: environment.key_prefix,
      admin: admin ? 1 : 0,
      enabled: 1,
      ...grantColumns(grants.value),
      metadata: metadata.value,
      expires_at: expiresAt.value,
      revoked_at: null,
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
    };
    await insertKey(trx, row);
    await record({
      action: 'key.create',
      tenantId: row.tenant_id,
      environmentId: row.environment_id,
      target: { type: 'key', id: row.id },
      op: 'create',
      details: { name: row.name, kind: row.kind, admin, ...grants.value, expiresAt: row.expires_at },
    });
    return ok({ ...toKeyObject(row, now), key: secret });
  });
}

export async function listKeysFor(deps: ServiceDeps, caller: Caller, query: ListKeysInput): Promise<Result<PageOf<KeyObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const { limit } = page.value;
  const rows = await listKeys(deps.db, { ...page.value, environmentId: query.environmentId });
  const now = deps.clock.now();
  return ok(toPage(rows, limit, (row) => toKeyObject(row, now)));
}

async function findVisibleKey(deps: ServiceDeps, caller: Caller, id: string): Promise<KeyRow | undefined> {
  const row = await findKeyById(deps.db, id);
  if (row === undefined) return undefined;
  return row.id === caller.key.id || canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function getKey(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<KeyObject>> {
  const row = await findVisibleKey(deps, caller, id);
  return row === undefined ? notFound('key', id) : ok(toKeyObject(row, deps.clock.now()));
}

export async function patchKey(deps: ServiceDeps, caller: Caller, id: string, input: PatchKeyInput): Promise<Result<KeyObject>> {
  if ((await findVisibleKey(deps, caller, id)) === undefined) return notFound('key', id);
  const metadata = input.metadata === undefined ? undefined : serialiseMetadata(input.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await findKeyById(trx, id);
    if (current === undefined) return notFound('key', id);
    if (current.revoked_at !== null) return fail('CONFLICT', `key ${id} is revoked; a revoked key cannot change`);
    if (current.kind === 'root' && input.enabled === false) return fail('CONFLICT', 'the root key cannot be disabled');
    const next: KeyRow = {
      ...current,
      name: input.name ?? current.name,
      metadata: metadata?.value ?? current.metadata,
      enabled: input.enabled === undefined ? current.enabled : input.enabled ? 1 : 0,
      updated_at: now,
    };
    await updateKey(trx, id, { name: next.name, metadata: next.metadata, enabled: next.enabled, updated_at: now });
    const details: Record<string, unknown> = { fields: Object.keys(input) };
    if (input.enabled !== undefined) details['enabled'] = input.enabled;
    await record({ action: 'key.update', tenantId: current.tenant_id, environmentId: current.environment_id, target: { type: 'key', id }, op: 'update', details });
    return ok(toKeyObject(next, now));
  });
}

/** Permanent and immediate. Revoking a revoked key answers it unchanged. */
export async function revokeKey(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<KeyObject>> {
  if ((await findVisibleKey(deps, caller, id)) === undefined) return notFound('key', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await findKeyById(trx, id);
    if (current === undefined) return notFound('key', id);
    if (current.kind === 'root') return fail('CONFLICT', 'the root key cannot be revoked');
    if (current.revoked_at !== null) return ok(toKeyObject(current, now));
    const next: KeyRow = { ...current, revoked_at: now, updated_at: now };
    await updateKey(trx, id, { revoked_at: now, updated_at: now });
    await record({ action: 'key.revoke', tenantId: current.tenant_id, environmentId: current.environment_id, target: { type: 'key', id }, op: 'update' });
    return ok(toKeyObject(next, now));
  });
}
