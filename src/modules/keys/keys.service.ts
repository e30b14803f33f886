/**
 * API keys: listed, read, changed (renamed, re-described, disabled, re-granted) and revoked.
 * Creating one is create-key.ts's, rotating one rotation.service.ts's.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { PageOf } from '../../api/common.js';
import type { KeyObject, ListKeysInput, PatchKeyInput } from '../../api/keys.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { checkMetadata } from '../metadata.js';
import { mutate } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, filterVisible, notFound } from '../scope.js';
import { findEnvironment } from '../environments/environments.repository.js';
import type { Db } from '../../storage/database.js';
import { findGroup, lockGroups } from '../groups/groups.repository.js';
import { checkRateLimits } from '../ratelimits/ratelimit-columns.js';
import { findPolicy, policyIdsByKey } from '../policies/policies.repository.js';
import { grantColumns, grantSetOf } from './key-grants.js';
import { changeGrants } from './key-grant-change.js';
import { keyChangeEvents } from './key-change-events.js';
import { DAY_MS } from '../../core/clock.js';
import { toKeyObject } from './key-object.js';
import { canonicalAllowlist } from '../../core/ip-allowlist.js';
import { addCredits, creditColumns, creditColumnsOf, creditTimeZone, withLeased } from './key-credits.js';
import { voidLeases } from '../../storage/credit-leases.js';
import {
  listKeys as listKeyRows,
  lockKey,
  updateKey as updateKeyRow,
  type KeyListFilter,
  type KeyRow,
} from './keys.repository.js';
import { searchKeys } from './key-search.repository.js';
import { findUser } from '../users/users.repository.js';
import { lastUsedAtOf, lastUsedAtOfKey, type PendingUsage } from '../usage/usage.service.js';
import { readTarget } from '../target-rows.js';

export async function listKeys(
  deps: ServiceDeps,
  caller: Caller,
  query: ListKeysInput,
): Promise<Result<PageOf<KeyObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  for (const filter of [
    await filterVisible(caller.key, 'environment', query.environmentId, (id) => findEnvironment(deps.db, id)),
    await filterVisible(caller.key, 'policy', query.policyId, (id) => findPolicy(deps.db, id)),
    await filterVisible(caller.key, 'group', query.groupId, (id) => findGroup(deps.db, id)),
    await filterVisible(caller.key, 'user', query.userId, (id) => findUser(deps.db, id)),
  ]) {
    if (!filter.ok) return filter;
  }
  const { limit } = page.value;
  const now = deps.clock.now();
  const expiringBefore =
    query.expiringWithinDays === undefined ? undefined : { now, before: now + query.expiringWithinDays * DAY_MS };
  const filter: KeyListFilter = {
    ...page.value,
    environmentId: query.environmentId,
    policyId: query.policyId,
    groupId: query.groupId,
    userId: query.userId,
    kind: query.kind,
    status: query.status === undefined ? undefined : { is: query.status, now },
    expiringBefore,
    oldestFirst: query.sort === 'oldest',
  };
  const rows = query.q === undefined ? await listKeyRows(deps.db, filter) : await searchKeys(deps.db, filter, query.q);
  const policies = await policyIdsByKey(
    deps.db,
    rows.map((row) => row.id),
  );
  const lastUsed = await lastUsedAtOf(
    deps.db,
    deps.usage,
    rows.map((row) => row.id),
  );
  return ok(
    toPage(rows, limit, (row) =>
      toKeyObject(withLeased(row, deps.credits), now, policies.get(row.id), lastUsed.get(row.id) ?? null),
    ),
  );
}

/** A stored key as shown: its policies and its last use (stored, or `usage` pending on this node). */
export async function shownKey(db: Db, row: KeyRow, now: number, usage?: PendingUsage): Promise<KeyObject> {
  return toKeyObject(
    row,
    now,
    (await policyIdsByKey(db, [row.id])).get(row.id),
    await lastUsedAtOfKey(db, usage, row.id),
  );
}

async function findVisibleKey(deps: ServiceDeps, caller: Caller, id: string): Promise<KeyRow | undefined> {
  const row = await readTarget(deps.db, caller, 'key', id);
  if (row === undefined) return undefined;
  return row.id === caller.key.id || canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function getKey(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<KeyObject>> {
  const row = await findVisibleKey(deps, caller, id);
  if (row === undefined) return notFound('key', id);
  return ok(await shownKey(deps.db, withLeased(row, deps.credits), deps.clock.now(), deps.usage));
}

export async function updateKey(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchKeyInput,
): Promise<Result<KeyObject>> {
  const seen = await findVisibleKey(deps, caller, id);
  if (seen === undefined) return notFound('key', id);
  const metadata = input.metadata === undefined ? undefined : checkMetadata(input.metadata);
  if (metadata !== undefined && !metadata.ok) return metadata;
  const ratelimits = checkRateLimits(input.ratelimits);
  if (!ratelimits.ok) return ratelimits;
  const ipAllowlist = canonicalAllowlist(input.ipAllowlist, 'ipAllowlist');
  if (!ipAllowlist.ok) return ipAllowlist;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Groups are locked before keys by every writer: those it joins or leaves, first.
    if (input.groupIds !== undefined) await lockGroups(trx, [...input.groupIds, ...seen.group_ids]);
    // Read again under the lock, not taken from the request's earlier read (caller.targets): a
    // change landing in between is waited for, and this one builds on the row as it is now.
    const current = await lockKey(trx, id);
    if (current === undefined) return notFound('key', id);
    if (current.revoked_at !== null) return fail('CONFLICT', `key ${id} is revoked; a revoked key cannot change`);
    if (current.kind === 'root' && input.enabled === false) return fail('CONFLICT', 'the root key cannot be disabled');
    const grantsChanged =
      input.permissions !== undefined ||
      input.scopes !== undefined ||
      input.levels !== undefined ||
      input.policyIds !== undefined ||
      input.groupIds !== undefined;
    if (grantsChanged && current.kind === 'root')
      return fail('CONFLICT', 'the root key holds everything; its grants cannot change');
    const next: KeyRow = {
      ...current,
      name: input.name ?? current.name,
      metadata: metadata?.value ?? current.metadata,
      enabled: input.enabled ?? current.enabled,
      ratelimits: ratelimits.value ?? current.ratelimits,
      ip_allowlist: ipAllowlist.value === undefined ? current.ip_allowlist : ipAllowlist.value,
      updated_at: now,
    };
    const details: Record<string, unknown> = { fields: Object.keys(input).sort() };
    if (input.enabled !== undefined) details['enabled'] = input.enabled;
    if (input.ratelimits !== undefined) details['ratelimits'] = next.ratelimits;
    if (input.ipAllowlist !== undefined) details['ipAllowlist'] = input.ipAllowlist;
    const timeZone =
      input.credits === undefined && input.creditsAdd === undefined
        ? null
        : await creditTimeZone(trx, current.tenant_id);
    if (input.credits !== undefined) {
      Object.assign(next, creditColumns(input.credits, timeZone, now, current));
      details['credits'] = input.credits;
      // The balance set is the balance: blocks leased from the old one are void (nodes drop them as they follow the change).
      await voidLeases(trx, id);
    }
    if (input.creditsAdd !== undefined) {
      if (next.credits_remaining === null)
        return fail('CONFLICT', `key ${id} has no credits to add to; set credits first`, { field: 'creditsAdd' });
      details['creditsAdd'] = input.creditsAdd;
    }
    const policyIdsBefore = (await policyIdsByKey(trx, [id])).get(id) ?? [];
    let policyIds = policyIdsBefore;
    if (grantsChanged) {
      const changed = await changeGrants(deps, caller, trx, current, input, now);
      if (!changed.ok) return changed;
      Object.assign(next, changed.value.columns);
      policyIds = changed.value.policyIds;
      Object.assign(details, changed.value.details);
    }
    await updateKeyRow(trx, id, {
      name: next.name,
      metadata: next.metadata,
      enabled: next.enabled,
      ip_allowlist: next.ip_allowlist,
      ratelimits: next.ratelimits,
      ...(input.credits === undefined ? {} : creditColumnsOf(next)),
      ...grantColumns(grantSetOf(next)),
      updated_at: now,
    });
    if (input.creditsAdd !== undefined)
      next.credits_remaining = await addCredits(trx, next, input.creditsAdd, timeZone, now);
    const lastUsedAt = await lastUsedAtOfKey(trx, deps.usage, id);
    const shown = input.credits === undefined ? withLeased(next, deps.credits) : next;
    const after = toKeyObject(shown, now, policyIds, lastUsedAt);
    const before = toKeyObject(withLeased(current, deps.credits), now, policyIdsBefore, lastUsedAt);
    for (const event of keyChangeEvents(input, before, after, details))
      await record(event.action, current, 'update', event.details);
    return ok(after);
  });
}

/** Permanent and immediate. Revoking a revoked key answers it unchanged. */
export async function revokeKey(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<KeyObject>> {
  if ((await findVisibleKey(deps, caller, id)) === undefined) return notFound('key', id);
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    // Locked: a rotation or change of the key in flight is waited for; none can follow it.
    const current = await lockKey(trx, id);
    if (current === undefined) return notFound('key', id);
    if (current.kind === 'root') return fail('CONFLICT', 'the root key cannot be revoked');
    if (current.revoked_at !== null) return ok(await shownKey(trx, current, now, deps.usage));
    const next: KeyRow = { ...current, revoked_at: now, updated_at: now };
    await updateKeyRow(trx, id, { revoked_at: now, updated_at: now });
    await record('key.revoke', current, 'update');
    return ok(await shownKey(trx, next, now, deps.usage));
  });
}
