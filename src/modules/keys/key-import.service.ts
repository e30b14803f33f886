/**
 * Import by hash (issue 29, SPEC §4): existing keys of a home-grown system adopted without
 * re-issuing them. Each is stored under its SHA-256 (tagged, see core/key-hash.ts) with its own
 * prefix, until its first verify re-seals it under the pepper's HMAC; rotation gives it a secret
 * of Keyward's format. A batch is one transaction: all of it or none, a refusal naming the item.
 * The same rules as creating a key hold: owner, groups and policies in the tenant, no escalation,
 * the expiry maximum in force.
 */
import { DAY_MS } from '../../core/clock.js';
import { fail, ok, type Problem, type Result } from '../../core/error-codes.js';
import type { GrantSet } from '../../core/grants/grant-set.js';
import { newId } from '../../core/ids.js';
import { IMPORT_PREFIX_CHANGE, importedDigestOf } from '../../core/key-hash.js';
import type { ImportedKeysObject, ImportKeyInput } from '../../api/key-import.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { findEnvironment, type EnvironmentRow } from '../environments/environments.repository.js';
import { addMember, writeKeyGroups } from '../groups/groups.repository.js';
import { checkMetadata } from '../metadata.js';
import { mutate, type UnitOfWork } from '../mutation.js';
import { setKeyPolicies } from '../policies/policies.repository.js';
import { canSeeTenant, notFound } from '../scope.js';
import { findTenant, type TenantRow } from '../tenants/tenants.repository.js';
import { tierCredits, tierRateLimits } from '../ratelimits/tiers.js';
import { BLANK_KEY_COLUMNS } from './blank-key.js';
import { creditColumns } from './key-credits.js';
import { grantColumns, resolveKeyGrants } from './key-grants.js';
import { registerImportPrefix } from './key-import.repository.js';
import { resolveGroups, resolveOwner, resolvePolicies, type KeyPlace } from './key-links.js';
import { findKeyByHash, insertKey, type KeyRow } from './keys.repository.js';

/** A refusal about item `index` of a batch, naming it (`keys/3/userId`); a single import is named as is. */
function about<T>(index: number | null, result: Result<T>): Result<T> {
  if (result.ok || index === null) return result;
  const problem: Problem = result.problem;
  const field = typeof problem.extra?.['field'] === 'string' ? `/${problem.extra['field']}` : '';
  return {
    ok: false,
    problem: {
      ...problem,
      detail: `keys/${index}: ${problem.detail}`,
      extra: { ...problem.extra, field: `keys/${index}${field}` },
    },
  };
}

/** The checks that need no storage: owner against kind, metadata, the expiry's form. */
function checkShape(
  input: ImportKeyInput,
  now: number,
): Result<{ metadata: Record<string, unknown>; expiresAt: number | null }> {
  const kind = input.kind ?? 'application';
  if (kind === 'user' && input.userId === undefined)
    return fail('VALIDATION', 'userId is required for a user key', { field: 'userId' });
  if (kind === 'application' && input.userId !== undefined)
    return fail('VALIDATION', 'an application key has no user; omit userId', { field: 'userId' });
  const metadata = checkMetadata(input.metadata);
  if (!metadata.ok) return metadata;
  const expiresAt = input.expiresAt == null ? null : Date.parse(input.expiresAt);
  if (expiresAt !== null && !(expiresAt > now))
    return fail('VALIDATION', 'expiresAt is past: an expired key is not imported', { field: 'expiresAt' });
  return ok({ metadata: metadata.value, expiresAt });
}

/** The expiry maximum in force (SPEC §4) holds for imported keys as for new ones. */
function checkExpiry(
  expiresAt: number | null,
  kind: string,
  environment: EnvironmentRow,
  tenant: TenantRow,
  now: number,
) {
  const application = kind === 'application';
  const max = application
    ? (environment.max_application_key_expiry_days ?? tenant.max_application_key_expiry_days)
    : (environment.max_key_expiry_days ?? tenant.max_key_expiry_days);
  if (max === null) return ok(null);
  const setting = application ? 'maxApplicationKeyExpiryDays' : 'maxKeyExpiryDays';
  if (expiresAt === null || expiresAt > now + max * DAY_MS)
    return fail<null>('VALIDATION', `expiresAt must be within ${setting} (${max} days) in this environment`, {
      field: 'expiresAt',
      [setting]: max,
    });
  return ok(null);
}

interface Place {
  readonly environment: EnvironmentRow;
  readonly tenant: TenantRow;
}

/** One batch: every item checked and written in one unit of work, or none. */
async function importInto(
  deps: ServiceDeps,
  caller: Caller,
  unit: UnitOfWork,
  inputs: readonly ImportKeyInput[],
  batch: boolean,
): Promise<Result<ImportedKeysObject>> {
  const { trx, now, record } = unit;
  const places = new Map<string, Place | null>();
  // An import file gives most keys the same grants: each distinct set is checked against the caller once.
  const grantsBySpec = new Map<string, Result<GrantSet>>();
  const digests = new Set<string>();
  const prefixes = new Set<string>();
  const ids: string[] = [];
  for (const [n, input] of inputs.entries()) {
    const index = batch ? n : null;
    const shape = about(index, checkShape(input, now));
    if (!shape.ok) return shape;
    const environmentId = input.environmentId ?? caller.key.environmentId;
    if (environmentId === null)
      return about(
        index,
        fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' }),
      );
    if (!places.has(environmentId)) {
      const environment = await findEnvironment(trx, environmentId);
      const tenant = environment === undefined ? undefined : await findTenant(trx, environment.tenant_id);
      const visible =
        environment !== undefined && tenant !== undefined && canSeeTenant(caller.key, environment.tenant_id);
      places.set(environmentId, visible ? { environment, tenant } : null);
    }
    const place = places.get(environmentId);
    if (place == null) return about(index, notFound('environment', environmentId));
    const { environment, tenant } = place;
    const keyPlace: KeyPlace = { tenantId: tenant.id, environmentId: environment.id };
    const kind = input.kind ?? 'application';
    const admin = input.admin === true;
    const expiry = about(index, checkExpiry(shape.value.expiresAt, kind, environment, tenant, now));
    if (!expiry.ok) return expiry;

    const digest = importedDigestOf(input.hash.value);
    if (digests.has(digest) || (await findKeyByHash(trx, digest)) !== undefined)
      return about(index, fail('CONFLICT', 'a key with this hash is imported already', { field: 'hash' }));
    digests.add(digest);

    const groupIds = [...(input.groupIds ?? [])].sort();
    const groups = about(index, await resolveGroups(trx, caller.key, keyPlace, groupIds));
    if (!groups.ok) return groups;
    if (input.userId !== undefined) {
      const owner = about(index, await resolveOwner(trx, caller.key, keyPlace, input.userId, admin));
      if (!owner.ok) return owner;
    }
    const policyIds = input.policyIds ?? [];
    const spec = JSON.stringify([
      environment.id,
      admin,
      input.preset,
      input.permissions,
      input.scopes,
      input.levels,
      policyIds,
    ]);
    let grants = grantsBySpec.get(spec);
    if (grants === undefined) {
      const policies = await resolvePolicies(trx, keyPlace, policyIds, true);
      grants = policies.ok
        ? await resolveKeyGrants({ db: trx, model: deps.model }, caller.key, tenant.id, input, admin, policies.value)
        : policies;
      grantsBySpec.set(spec, grants);
    }
    if (!grants.ok) return about(index, grants);

    const row: KeyRow = {
      id: newId('key', now),
      tenant_id: tenant.id,
      environment_id: environment.id,
      user_id: input.userId ?? null,
      kind,
      name: input.name,
      key_hash: digest,
      hint: input.hint ?? '',
      prefix: input.prefix,
      admin,
      enabled: true,
      ...BLANK_KEY_COLUMNS,
      ...grantColumns(grants.value),
      // A tier's defaults apply as to a key made here: the adopted platform's plans carry over.
      ratelimits: tierRateLimits(deps.tiers, tenant.tier),
      ...creditColumns(tierCredits(deps.tiers, tenant.tier), tenant.time_zone ?? null, now),
      expiry_days:
        shape.value.expiresAt === null ? null : Math.max(1, Math.ceil((shape.value.expiresAt - now) / DAY_MS)),
      metadata: shape.value.metadata,
      ip_allowlist: null,
      expires_at: shape.value.expiresAt,
      created_by_key_id: caller.key.id,
      created_at: now,
      updated_at: now,
    };
    await insertKey(trx, row);
    // A new key has no links to clear: only what it is given is written.
    if (policyIds.length > 0) await setKeyPolicies(trx, row.id, policyIds);
    for (const groupId of groupIds) await addMember(trx, groupId, row.id, now);
    if (row.user_id !== null) await writeKeyGroups(trx, row.id);
    await record('key.import', row, 'create', {
      name: row.name,
      kind,
      admin,
      prefix: row.prefix,
      ...grants.value,
      policyIds,
      groupIds,
      expiresAt: row.expires_at,
    });
    // A prefix new to the instance is announced, so every node looks such strings up from now on.
    if (!prefixes.has(input.prefix) && (await registerImportPrefix(trx, input.prefix, now))) {
      await record({
        action: 'key.import-prefix.register',
        tenantId: row.tenant_id,
        environmentId: null,
        target: { type: 'instance', id: `${IMPORT_PREFIX_CHANGE}${input.prefix}` },
        op: 'create',
        details: { prefix: input.prefix },
      });
    }
    prefixes.add(input.prefix);
    ids.push(row.id);
  }
  return ok({ ids });
}

/** `POST /v1/keys/import/batch`: up to 1000 keys, all or none. */
export async function importKeyBatch(
  deps: ServiceDeps,
  caller: Caller,
  inputs: readonly ImportKeyInput[],
): Promise<Result<ImportedKeysObject>> {
  return mutate(deps, caller.actor, (unit) => importInto(deps, caller, unit, inputs, true));
}

/** `POST /v1/keys/import`: one key, answered as the key object (no secret: there is none to show). */
export async function importKey(deps: ServiceDeps, caller: Caller, input: ImportKeyInput): Promise<Result<string>> {
  const imported = await mutate(deps, caller.actor, (unit) => importInto(deps, caller, unit, [input], false));
  if (!imported.ok) return imported;
  const id = imported.value.ids[0];
  return id === undefined ? fail('VALIDATION', 'nothing was imported') : ok(id);
}
