/**
 * Creating a key (SPEC §3): the request checked before any lock, then under the locks its place,
 * owner, groups, policies, expiry and grants resolved, the row built with the tier's defaults
 * where the request gives none, and the key shown once. Only its HMAC is stored.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { newId } from '../../core/ids.js';
import { canonicalAllowlist } from '../../core/ip-allowlist.js';
import { generateKey, keyHint } from '../../core/key-format.js';
import { hashKey } from '../../core/key-hash.js';
import type { CreatedKeyObject, CreateKeyInput, KeyObject } from '../../api/keys.js';
import type { RateLimitObject } from '../../api/ratelimits.js';
import type { Db } from '../../storage/database.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { lockEnvironment, type EnvironmentRow } from '../environments/environments.repository.js';
import { addMember, writeKeyGroups } from '../groups/groups.repository.js';
import { checkMetadata } from '../metadata.js';
import { mutate } from '../mutation.js';
import { setKeyPolicies } from '../policies/policies.repository.js';
import { checkRateLimits } from '../ratelimits/ratelimit-columns.js';
import { tierCredits, tierRateLimits } from '../ratelimits/tiers.js';
import { canSeeTenant, notFound } from '../scope.js';
import { findTenant, type TenantRow } from '../tenants/tenants.repository.js';
import { BLANK_KEY_COLUMNS } from './blank-key.js';
import { creditColumns } from './key-credits.js';
import { resolveExpiry } from './key-expiry.js';
import { grantColumns, resolveKeyGrants } from './key-grants.js';
import { resolveGroups, resolveOwner, resolvePolicies } from './key-links.js';
import { toKeyObject } from './key-object.js';
import { findKeyById, insertKey, type KeyRow } from './keys.repository.js';

/** The request's own values, checked and in their canonical form, before anything is locked. */
interface CheckedInput {
  readonly environmentId: string;
  readonly admin: boolean;
  readonly metadata: Record<string, unknown>;
  readonly ratelimits: RateLimitObject[] | undefined;
  readonly ipAllowlist: string[] | null | undefined;
}

function checkInput(caller: Caller, input: CreateKeyInput): Result<CheckedInput> {
  const environmentId = input.environmentId ?? caller.key.environmentId;
  if (environmentId === null)
    return fail('VALIDATION', 'environmentId is required when acting with the root key', { field: 'environmentId' });
  if (input.kind === 'user' && input.userId === undefined)
    return fail('VALIDATION', 'userId is required for a user key', { field: 'userId' });
  if (input.kind === 'application' && input.userId !== undefined) {
    return fail('VALIDATION', 'an application key has no user; omit userId', { field: 'userId' });
  }
  const metadata = checkMetadata(input.metadata);
  if (!metadata.ok) return metadata;
  const ratelimits = checkRateLimits(input.ratelimits);
  if (!ratelimits.ok) return ratelimits;
  const ipAllowlist = canonicalAllowlist(input.ipAllowlist, 'ipAllowlist');
  if (!ipAllowlist.ok) return ipAllowlist;
  return ok({
    environmentId,
    admin: input.admin === true,
    metadata: metadata.value,
    ratelimits: ratelimits.value,
    ipAllowlist: ipAllowlist.value,
  });
}

/** Where the key goes, and what it links to and holds, resolved under the locks. */
interface Resolved {
  readonly environment: EnvironmentRow;
  readonly tenant: TenantRow;
  readonly groupIds: readonly string[];
  readonly policyIds: readonly string[];
  readonly grants: Parameters<typeof grantColumns>[0];
  readonly expiry: { readonly days: number | null; readonly expiresAt: number | null };
}

async function resolve(
  deps: ServiceDeps,
  caller: Caller,
  trx: Db,
  input: CreateKeyInput,
  checked: CheckedInput,
  now: number,
): Promise<Result<Resolved>> {
  const { environmentId, admin } = checked;
  // Locked in the order every writer takes them (environment, groups, user, policies): an
  // environment, group, user or policy deleted meanwhile is waited for, then a 404.
  const environment = await lockEnvironment(trx, environmentId);
  if (environment === undefined || !canSeeTenant(caller.key, environment.tenant_id))
    return notFound('environment', environmentId);
  const tenant = await findTenant(trx, environment.tenant_id);
  if (tenant === undefined) return notFound('environment', environmentId);
  const place = { tenantId: environment.tenant_id, environmentId: environment.id };
  const groupIds = [...(input.groupIds ?? [])].sort();
  const groups = await resolveGroups(trx, caller.key, place, groupIds);
  if (!groups.ok) return groups;
  const owner =
    input.userId === undefined ? undefined : await resolveOwner(trx, caller.key, place, input.userId, admin);
  if (owner !== undefined && !owner.ok) return owner;
  const expiry = resolveExpiry(input.expiresInDays, environment, tenant, now, input.kind);
  if (!expiry.ok) return expiry;
  const policyIds = input.policyIds ?? [];
  const policies = await resolvePolicies(trx, place, policyIds, true);
  if (!policies.ok) return policies;
  const grants = await resolveKeyGrants(
    { db: trx, model: deps.model },
    caller.key,
    place.tenantId,
    input,
    admin,
    policies.value,
  );
  if (!grants.ok) return grants;
  return ok({ environment, tenant, groupIds, policyIds, grants: grants.value, expiry: expiry.value });
}

/** The stored row: the request's values, else the tenant tier's defaults (rate limits, credits). */
function newKeyRow(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateKeyInput,
  checked: CheckedInput,
  resolved: Resolved,
  secret: string,
  now: number,
): KeyRow {
  const { environment, tenant } = resolved;
  return {
    id: newId('key', now),
    tenant_id: environment.tenant_id,
    environment_id: environment.id,
    user_id: input.userId ?? null,
    kind: input.kind,
    name: input.name,
    key_hash: hashKey(deps.pepper, secret),
    hint: keyHint(secret),
    prefix: environment.key_prefix,
    admin: checked.admin,
    enabled: true,
    ...BLANK_KEY_COLUMNS,
    ...grantColumns(resolved.grants),
    ratelimits: checked.ratelimits ?? tierRateLimits(deps.tiers, tenant.tier),
    expiry_days: resolved.expiry.days,
    metadata: checked.metadata,
    ip_allowlist: checked.ipAllowlist ?? null,
    ...creditColumns(
      input.credits === undefined ? tierCredits(deps.tiers, tenant.tier) : input.credits,
      tenant.time_zone ?? null,
      now,
    ),
    expires_at: resolved.expiry.expiresAt,
    created_by_key_id: caller.key.id,
    created_at: now,
    updated_at: now,
  };
}

/** Writes the row and its links; answers the key as shown, its groups as joined (a user's included). */
async function storeKey(trx: Db, row: KeyRow, resolved: Resolved, now: number): Promise<KeyObject> {
  await insertKey(trx, row);
  await setKeyPolicies(trx, row.id, resolved.policyIds);
  for (const groupId of resolved.groupIds) await addMember(trx, groupId, row.id, now);
  // A user's groups take in each of its keys, future ones too (seed 004).
  if (row.user_id !== null) await writeKeyGroups(trx, row.id);
  const joined = (await findKeyById(trx, row.id))?.group_ids ?? [...resolved.groupIds];
  return toKeyObject({ ...row, group_ids: joined }, now, resolved.policyIds);
}

/** Seed 002: deployed services should not break on a date; say so rather than refuse. */
function warningsFor(row: KeyRow): { warnings?: string[] } {
  return row.kind === 'application' && row.expires_at !== null
    ? {
        warnings: [
          'application keys are best created without an expiry (expiresInDays: null): a deployed service should not stop on a date; rotate it instead',
        ],
      }
    : {};
}

export async function createKey(
  deps: ServiceDeps,
  caller: Caller,
  input: CreateKeyInput,
): Promise<Result<CreatedKeyObject>> {
  const checked = checkInput(caller, input);
  if (!checked.ok) return checked;
  return mutate(deps, caller.actor, async ({ trx, now, record }) => {
    const resolved = await resolve(deps, caller, trx, input, checked.value, now);
    if (!resolved.ok) return resolved;
    const secret = generateKey(resolved.value.environment.key_prefix);
    const row = newKeyRow(deps, caller, input, checked.value, resolved.value, secret, now);
    const created = await storeKey(trx, row, resolved.value, now);
    // Every usage control the key starts with, a tier's defaults included: what it was created able to spend, and from where.
    await record('key.create', row, 'create', {
      name: row.name,
      kind: row.kind,
      admin: checked.value.admin,
      ...resolved.value.grants,
      policyIds: resolved.value.policyIds,
      groupIds: resolved.value.groupIds,
      expiresAt: row.expires_at,
      ratelimits: created.ratelimits,
      credits: created.credits,
      ipAllowlist: created.ipAllowlist,
    });
    return ok({ ...created, key: secret, ...warningsFor(row) });
  });
}
