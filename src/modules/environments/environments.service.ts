/**
 * Environments: partitions of a tenant that keys and resources live in. Their settings override
 * the tenant's, except that `mfaRequired` can only tighten it.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { canonicalAllowlist } from '../../core/ip-allowlist.js';
import { DEFAULT_KEY_PREFIX } from '../../core/key-format.js';
import { holdsPermission } from '../../core/key-record.js';
import type { PageOf, PageQueryType } from '../../api/common.js';
import type { CreateEnvironmentInput, EnvironmentObject, PatchEnvironmentInput } from '../../api/environments.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate } from '../mutation.js';
import { tenantPageRequest, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound, resolveTenantId } from '../scope.js';
import { countLiveKeysInEnvironment } from '../keys/keys.repository.js';
import { countWebhookKeysInEnvironment } from '../webhook-keys/webhook-keys.repository.js';
import { countResourcesInEnvironment } from '../resources/resources.repository.js';
import { countPoliciesInEnvironment } from '../policies/policies.repository.js';
import { findTenant, type TenantRow } from '../tenants/tenants.repository.js';
import { checkExpirySettings } from '../tenants/tenants.service.js';
import { settingChanges } from '../audit/setting-changes.js';
import { ROOT_KEY_PREFIX } from '../instance/root-key.js';
import { effectiveSettings } from './effective-settings.js';
import { authSettingsInForce, checkOnlyTightens } from './auth-settings-tightening.js';
import {
  deleteEnvironment as deleteEnvironmentRow,
  findEnvironmentByName,
  insertEnvironment,
  listEnvironments as listEnvironmentRows,
  lockEnvironment,
  updateEnvironment as updateEnvironmentRow,
  type EnvironmentRow,
} from './environments.repository.js';
import { readTarget } from '../target-rows.js';

/** With its tenant, the object says what is in force and from where (not in an audit event's before and after). */
export function toEnvironmentObject(row: EnvironmentRow, tenant?: TenantRow): EnvironmentObject {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    keyPrefix: row.key_prefix,
    mfaRequired: row.mfa_required,
    rotationWindowDays: row.rotation_window_days,
    defaultKeyExpiryDays: row.default_key_expiry_days,
    maxKeyExpiryDays: row.max_key_expiry_days,
    maxApplicationKeyExpiryDays: row.max_application_key_expiry_days,
    mfaReverifyDays: row.mfa_reverify_days,
    ipAllowlist: row.ip_allowlist,
    ...(tenant === undefined ? {} : { effective: effectiveSettings(tenant, row) }),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function checkSettings(tenant: TenantRow, env: EnvironmentRow): Result<void> {
  if (tenant.mfa_required && env.mfa_required === false) {
    return fail('VALIDATION', 'mfaRequired cannot be false while the tenant requires MFA', { field: 'mfaRequired' });
  }
  return checkExpirySettings(
    env.default_key_expiry_days ?? tenant.default_key_expiry_days,
    env.max_key_expiry_days ?? tenant.max_key_expiry_days,
  );
}

/**
 * The root key's prefix is the instance's own: a tenant's key that looked like the root key would
 * mislead whoever reads a log, a leak report or a secret scanner's alert.
 */
function checkKeyPrefix(prefix: string | undefined): Result<void> {
  if (prefix === ROOT_KEY_PREFIX)
    return fail('VALIDATION', `keyPrefix "${ROOT_KEY_PREFIX}" is reserved for the root key`, { field: 'keyPrefix' });
  return ok(undefined);
}

/** The environment if the caller may see it; anything else is indistinguishable from absent. */
export async function findVisibleEnvironment(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<EnvironmentRow | undefined> {
  const row = await readTarget(deps.db, caller, 'environment', id);
  return row !== undefined && canSeeTenant(caller.key, row.tenant_id) ? row : undefined;
}

export async function createEnvironment(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateEnvironmentInput,
): Promise<Result<EnvironmentObject>> {
  const tenantId = resolveTenantId(caller.key, input.tenantId);
  if (!tenantId.ok) return tenantId;
  const prefix = checkKeyPrefix(input.keyPrefix);
  if (!prefix.ok) return prefix;
  const ipAllowlist = canonicalAllowlist(input.ipAllowlist, 'ipAllowlist');
  if (!ipAllowlist.ok) return ipAllowlist;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const tenant = await findTenant(trx, tenantId.value);
    if (tenant === undefined) return notFound('tenant', tenantId.value);
    if ((await findEnvironmentByName(trx, tenant.id, input.name)) !== undefined) {
      return fail('CONFLICT', `an environment named "${input.name}" already exists in this tenant`, { field: 'name' });
    }
    const row: EnvironmentRow = {
      id: newId('environment', now),
      tenant_id: tenant.id,
      name: input.name,
      key_prefix: input.keyPrefix ?? DEFAULT_KEY_PREFIX,
      mfa_required: input.mfaRequired ?? null,
      rotation_window_days: input.rotationWindowDays ?? null,
      default_key_expiry_days: input.defaultKeyExpiryDays ?? null,
      max_key_expiry_days: input.maxKeyExpiryDays ?? null,
      max_application_key_expiry_days: input.maxApplicationKeyExpiryDays ?? null,
      mfa_reverify_days: input.mfaReverifyDays ?? null,
      ip_allowlist: ipAllowlist.value ?? null,
      created_at: now,
      updated_at: now,
    };
    const settings = checkSettings(tenant, row);
    if (!settings.ok) return settings;
    await insertEnvironment(trx, row);
    await record('environment.create', row, 'create', { name: row.name });
    return ok(toEnvironmentObject(row, tenant));
  });
}

export async function listEnvironments(
  deps: ServiceDeps,
  caller: Caller,
  query: PageQueryType & { tenantId?: string | undefined },
): Promise<Result<PageOf<EnvironmentObject>>> {
  const page = tenantPageRequest(caller.key, query);
  if (!page.ok) return page;
  const { limit } = page.value;
  const rows = await listEnvironmentRows(deps.db, { ...page.value });
  const tenants = new Map<string, TenantRow | undefined>();
  for (const row of rows)
    if (!tenants.has(row.tenant_id)) tenants.set(row.tenant_id, await findTenant(deps.db, row.tenant_id));
  return ok(toPage(rows, limit, (row) => toEnvironmentObject(row, tenants.get(row.tenant_id))));
}

export async function getEnvironment(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<EnvironmentObject>> {
  const row = await findVisibleEnvironment(deps, caller, id);
  return row === undefined
    ? notFound('environment', id)
    : ok(toEnvironmentObject(row, await findTenant(deps.db, row.tenant_id)));
}

function pick<T>(input: T | undefined, current: T): T {
  return input === undefined ? current : input;
}

export async function updateEnvironment(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchEnvironmentInput,
): Promise<Result<EnvironmentObject>> {
  if ((await findVisibleEnvironment(deps, caller, id)) === undefined) return notFound('environment', id);
  const prefix = checkKeyPrefix(input.keyPrefix);
  if (!prefix.ok) return prefix;
  const ipAllowlist = canonicalAllowlist(input.ipAllowlist, 'ipAllowlist');
  if (!ipAllowlist.ok) return ipAllowlist;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockEnvironment(trx, id);
    const tenant = current && (await findTenant(trx, current.tenant_id));
    if (current === undefined || tenant === undefined) return notFound('environment', id);
    if (
      input.name !== undefined &&
      input.name !== current.name &&
      (await findEnvironmentByName(trx, tenant.id, input.name)) !== undefined
    ) {
      return fail('CONFLICT', `an environment named "${input.name}" already exists in this tenant`, { field: 'name' });
    }
    const mfa = input.mfaRequired === undefined ? current.mfa_required : input.mfaRequired;
    const next: EnvironmentRow = {
      ...current,
      name: pick(input.name, current.name),
      key_prefix: pick(input.keyPrefix, current.key_prefix),
      mfa_required: mfa,
      rotation_window_days: pick(input.rotationWindowDays, current.rotation_window_days),
      default_key_expiry_days: pick(input.defaultKeyExpiryDays, current.default_key_expiry_days),
      max_key_expiry_days: pick(input.maxKeyExpiryDays, current.max_key_expiry_days),
      max_application_key_expiry_days: pick(input.maxApplicationKeyExpiryDays, current.max_application_key_expiry_days),
      mfa_reverify_days: pick(input.mfaReverifyDays, current.mfa_reverify_days),
      ip_allowlist: pick(ipAllowlist.value, current.ip_allowlist),
      updated_at: now,
    };
    const settings = checkSettings(tenant, next);
    if (!settings.ok) return settings;
    // The route's gate let authConfig.manage through to the auth settings alone; it may only tighten them.
    if (!holdsPermission(caller.key, 'tenant.manage')) {
      const tightened = checkOnlyTightens(authSettingsInForce(current, tenant), authSettingsInForce(next, tenant));
      if (!tightened.ok) return tightened;
    }
    await updateEnvironmentRow(trx, id, next);
    const fields = Object.keys(input);
    await record('environment.update', next, 'update', {
      fields,
      changes: settingChanges(toEnvironmentObject(current), toEnvironmentObject(next), fields),
    });
    return ok(toEnvironmentObject(next, tenant));
  });
}

export async function deleteEnvironment(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
): Promise<Result<EnvironmentObject>> {
  if ((await findVisibleEnvironment(deps, caller, id)) === undefined) return notFound('environment', id);
  return mutate(deps, caller.actor, async ({ trx, record }) => {
    // Locked: a key or resource being created in it waits, then finds it gone (404), or is counted.
    const current = await lockEnvironment(trx, id);
    if (current === undefined) return notFound('environment', id);
    const liveKeys = await countLiveKeysInEnvironment(trx, id);
    if (liveKeys > 0) return fail('CONFLICT', `environment ${id} still has ${liveKeys} live key(s); revoke them first`);
    const resources = await countResourcesInEnvironment(trx, id);
    if (resources > 0)
      return fail('CONFLICT', `environment ${id} still has ${resources} resource(s); delete them first`);
    const policies = await countPoliciesInEnvironment(trx, id);
    if (policies > 0) return fail('CONFLICT', `environment ${id} still has ${policies} policy(ies); delete them first`);
    const webhookKeys = await countWebhookKeysInEnvironment(trx, id);
    if (webhookKeys > 0)
      return fail('CONFLICT', `environment ${id} still has ${webhookKeys} webhook key(s); delete them first`);
    await deleteEnvironmentRow(trx, id);
    await record('environment.delete', current, 'delete', { name: current.name });
    return ok(toEnvironmentObject(current, await findTenant(trx, current.tenant_id)));
  });
}
