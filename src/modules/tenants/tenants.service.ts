/** Tenants: created by the root key; read and changed by the root key or their own `tenant.manage` keys. */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { checkTimeZone } from '../../core/time-zones.js';
import { newId } from '../../core/ids.js';
import type { PageOf, PageQueryType } from '../../api/common.js';
import type { CreateTenantInput, PatchTenantInput, TenantObject } from '../../api/tenants.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { mutate } from '../mutation.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage } from '../pagination.js';
import { canSeeTenant, iso, notFound } from '../scope.js';
import { checkAuditRetention, retentionChange } from '../audit/audit.service.js';
import { settingChanges } from '../audit/setting-changes.js';
import { effectiveSettings } from '../environments/effective-settings.js';
import {
  findTenant,
  findTenantByNameKey,
  insertTenant,
  listTenants as listTenantRows,
  lockTenant,
  updateTenant as updateTenantRow,
  type TenantRow,
} from './tenants.repository.js';
import type { Db } from '../../storage/database.js';
import { tenantNameKey } from '../../storage/tenant-name-key.js';

export const DEFAULT_TIER = 'free';

/** `withEffective`: add the settings in force (not in an audit event's before and after). */
export function toTenantObject(row: TenantRow, withEffective = true): TenantObject {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    mfaRequired: row.mfa_required,
    rotationWindowDays: row.rotation_window_days,
    defaultKeyExpiryDays: row.default_key_expiry_days,
    maxKeyExpiryDays: row.max_key_expiry_days,
    maxApplicationKeyExpiryDays: row.max_application_key_expiry_days,
    mfaReverifyDays: row.mfa_reverify_days,
    auditRetentionDays: row.audit_retention_days,
    timeZone: row.time_zone ?? 'UTC',
    requireSso: row.require_sso,
    ...(withEffective ? { effective: effectiveSettings(row) } : {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/**
 * 409 when another tenant has this name, compared case-insensitively (issue 26): the unique
 * index on `name_key` holds it when two requests race, and `nameTakenOnRace` says it the same way.
 */
async function nameTaken(trx: Db, name: string, self?: string): Promise<Result<null>> {
  const holder = await findTenantByNameKey(trx, tenantNameKey(name));
  return holder === undefined || holder.id === self ? ok(null) : nameTakenProblem(name);
}

function nameTakenProblem<T>(name: string): Result<T> {
  // The holder may be spelled otherwise ("Acme" for "ACME "): say how names are compared.
  return fail(
    'CONFLICT',
    `a tenant named ${JSON.stringify(name)} already exists (names are compared ignoring letter case and surrounding spaces)`,
    { field: 'name' },
  );
}

/** The unique index refused the name: a create or rename of the same name committed first. */
function nameTakenOnRace<T>(result: Result<T>, name: string | undefined): Result<T> {
  if (result.ok || name === undefined || result.problem.code !== 'CONFLICT' || result.problem.extra !== undefined)
    return result;
  return nameTakenProblem(name);
}

export function checkExpirySettings(defaultDays: number | null, maxDays: number | null): Result<void> {
  if (defaultDays !== null && maxDays !== null && defaultDays > maxDays) {
    return fail('VALIDATION', `defaultKeyExpiryDays (${defaultDays}) exceeds maxKeyExpiryDays (${maxDays})`, {
      field: 'defaultKeyExpiryDays',
    });
  }
  return ok(undefined);
}

export async function createTenant(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateTenantInput,
): Promise<Result<TenantObject>> {
  const timeZone = input.timeZone === undefined ? ok(null) : checkTimeZone(input.timeZone, 'timeZone');
  if (!timeZone.ok) return timeZone;
  const result = await mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const taken = await nameTaken(trx, input.name);
    if (!taken.ok) return taken;
    const row: TenantRow = {
      id: newId('tenant', now),
      name: input.name,
      name_key: tenantNameKey(input.name),
      tier: input.tier ?? DEFAULT_TIER,
      mfa_required: input.mfaRequired === true,
      rotation_window_days: input.rotationWindowDays ?? null,
      default_key_expiry_days: input.defaultKeyExpiryDays ?? null,
      max_key_expiry_days: input.maxKeyExpiryDays ?? null,
      max_application_key_expiry_days: input.maxApplicationKeyExpiryDays ?? null,
      mfa_reverify_days: input.mfaReverifyDays ?? null,
      audit_retention_days: input.auditRetentionDays ?? null,
      time_zone: timeZone.value,
      require_sso: input.requireSso === true,
      created_at: now,
      updated_at: now,
    };
    const settings = checkExpirySettings(row.default_key_expiry_days, row.max_key_expiry_days);
    if (!settings.ok) return settings;
    const retention = checkAuditRetention(row.audit_retention_days, deps.auditMinRetentionDays);
    if (!retention.ok) return retention;
    await insertTenant(trx, row);
    await record('tenant.create', row, 'create', { name: row.name });
    if (row.audit_retention_days !== null) await record(retentionChange(row.id, null, row.audit_retention_days));
    return ok(toTenantObject(row));
  });
  return nameTakenOnRace(result, input.name);
}

export async function listTenants(
  deps: ServiceDeps,
  caller: Caller,
  query: PageQueryType,
): Promise<Result<PageOf<TenantObject>>> {
  const after = decodeCursor(query.cursor);
  if (!after.ok) return after;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const onlyId = caller.key.kind === 'root' ? undefined : (caller.key.tenantId ?? undefined);
  const rows = await listTenantRows(deps.db, { onlyId, afterId: after.value, limit });
  return ok(toPage(rows, limit, (row) => toTenantObject(row)));
}

export async function getTenant(deps: ServiceDeps, caller: Caller, id: string): Promise<Result<TenantObject>> {
  const row = canSeeTenant(caller.key, id) ? await findTenant(deps.db, id) : undefined;
  return row === undefined ? notFound('tenant', id) : ok(toTenantObject(row));
}

export async function updateTenant(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: PatchTenantInput,
): Promise<Result<TenantObject>> {
  if (!canSeeTenant(caller.key, id)) return notFound('tenant', id);
  const timeZone = input.timeZone === undefined ? ok(null) : checkTimeZone(input.timeZone, 'timeZone');
  if (!timeZone.ok) return timeZone;
  // A name given anew claims its key; the same name (a settings change sending it back) keeps the row's.
  const result = await mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const current = await lockTenant(trx, id);
    if (current === undefined) return notFound('tenant', id);
    const renamed = input.name !== undefined && input.name !== current.name;
    if (renamed) {
      const taken = await nameTaken(trx, input.name as string, id);
      if (!taken.ok) return taken;
    }
    const next: TenantRow = {
      ...current,
      name: input.name ?? current.name,
      name_key: renamed ? tenantNameKey(input.name as string) : current.name_key,
      tier: input.tier ?? current.tier,
      mfa_required: input.mfaRequired === undefined ? current.mfa_required : input.mfaRequired,
      rotation_window_days:
        input.rotationWindowDays === undefined ? current.rotation_window_days : input.rotationWindowDays,
      default_key_expiry_days:
        input.defaultKeyExpiryDays === undefined ? current.default_key_expiry_days : input.defaultKeyExpiryDays,
      max_key_expiry_days: input.maxKeyExpiryDays === undefined ? current.max_key_expiry_days : input.maxKeyExpiryDays,
      max_application_key_expiry_days:
        input.maxApplicationKeyExpiryDays === undefined
          ? current.max_application_key_expiry_days
          : input.maxApplicationKeyExpiryDays,
      mfa_reverify_days: input.mfaReverifyDays === undefined ? current.mfa_reverify_days : input.mfaReverifyDays,
      audit_retention_days:
        input.auditRetentionDays === undefined ? current.audit_retention_days : input.auditRetentionDays,
      time_zone: timeZone.value ?? current.time_zone,
      require_sso: input.requireSso === undefined ? current.require_sso : input.requireSso,
      updated_at: now,
    };
    const settings = checkExpirySettings(next.default_key_expiry_days, next.max_key_expiry_days);
    if (!settings.ok) return settings;
    const retention = checkAuditRetention(input.auditRetentionDays, deps.auditMinRetentionDays);
    if (!retention.ok) return retention;
    await updateTenantRow(trx, id, next);
    const fields = Object.keys(input);
    const changes = settingChanges(toTenantObject(current, false), toTenantObject(next, false), fields);
    await record('tenant.update', current, 'update', { fields, changes });
    if (next.audit_retention_days !== current.audit_retention_days)
      await record(retentionChange(id, current.audit_retention_days, next.audit_retention_days));
    return ok(toTenantObject(next));
  });
  return nameTakenOnRace(result, input.name);
}
