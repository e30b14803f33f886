/**
 * The verify miss's read of a key: one statement, by the indexed HMAC, bringing what the record
 * of the key needs from its policies, environment, tenant and user, decoded here once.
 */
import type { GrantSet } from '../../core/grants/grant-set.js';
import type { RateBucket } from '../../core/key-record.js';
import { rateLimitList, readingRow, stringList, stringMap } from '../../storage/column-codec.js';
import type { CompiledQuery, InferResult } from 'kysely';
import type { Db } from '../../storage/database.js';
import { bucketsOf } from '../ratelimits/ratelimit-columns.js';
import { decodeKeyRow, type KeyRow } from './keys.repository.js';

/** When a user key must pass MFA again: its user's last pass, and `mfaReverifyDays` in force. */
export interface MfaReverify {
  readonly days: number | null;
  readonly passedAt: number | null;
}

/** A key, the grants of every policy linked to it, and its MFA re-verification. */
export interface KeyWithPolicies {
  readonly row: KeyRow;
  /**
   * The key's grant columns as stored, one string: what its compiled grants are shared by
   * (shared-grants.ts), so the thousands of keys made alike find theirs without encoding their
   * grants again on each miss.
   */
  readonly grantsKey: string;
  readonly policies: readonly GrantSet[];
  readonly mfa: MfaReverify;
  /** The rate limits of every linked policy, one shared bucket each. */
  readonly policyLimits: readonly RateBucket[];
  /** The key's environment's IP allowlist, null when it has none. */
  readonly environmentIpAllowlist: readonly string[] | null;
  /** The key's tenant's time zone (credits refill in it); null: UTC. */
  readonly timeZone: string | null;
  /** The key's user's externalId (the platform's own id for the person); null: none, or no user. */
  readonly userExternalId: string | null;
}

/** The hash the statement is compiled with: its parameter slots are where a lookup's hash goes. */
const STAND_IN = '\u0000key-hash';

/** The lookup, by the stand-in hash: its shape is the same for every key. */
function lookupQuery(db: Db) {
  return db
    .selectFrom('api_keys')
    .leftJoin('key_policies', 'key_policies.key_id', 'api_keys.id')
    .leftJoin('policies', 'policies.id', 'key_policies.policy_id')
    .leftJoin('environments', 'environments.id', 'api_keys.environment_id')
    .leftJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .leftJoin('user_mfa', 'user_mfa.user_id', 'api_keys.user_id')
    .leftJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select(['policies.id as policy_id', 'policies.ratelimits as policy_ratelimits'])
    .select([
      'policies.permissions as policy_permissions',
      'policies.scopes as policy_scopes',
      'policies.levels as policy_levels',
    ])
    .select([
      'environments.mfa_reverify_days as env_reverify_days',
      'tenants.mfa_reverify_days as tenant_reverify_days',
      'user_mfa.passed_at as mfa_passed_at',
    ])
    .select(['environments.ip_allowlist as env_ip_allowlist', 'tenants.time_zone as tenant_time_zone'])
    .select('users.external_id as user_external_id')
    .where((eb) => eb.or([eb('api_keys.key_hash', '=', STAND_IN), eb('api_keys.previous_key_hash', '=', STAND_IN)]));
}

type LookupRow = InferResult<ReturnType<typeof lookupQuery>>[number];

/**
 * Compiled once per database (keyed by its dialect adapter, shared by its transactions), not built
 * and compiled by the query builder on every miss: that took more CPU than the database's answer
 * (a perf profile under load, issue 27), on each cold miss and each background cache refresh.
 */
const compiledByDatabase = new WeakMap<object, CompiledQuery<LookupRow>>();

function compiledLookup(db: Db): CompiledQuery<LookupRow> {
  const adapter = db.getExecutor().adapter;
  let compiled = compiledByDatabase.get(adapter);
  if (compiled === undefined) {
    compiled = lookupQuery(db).compile();
    compiledByDatabase.set(adapter, compiled);
  }
  return compiled;
}

/**
 * The verify miss: one statement, by the indexed HMAC of the current secret or of the one before
 * the last rotation, returning the key once per linked policy with that policy's grants (or once
 * with none).
 */
export async function findKeyWithPoliciesByHash(db: Db, keyHash: string): Promise<KeyWithPolicies | undefined> {
  const compiled = compiledLookup(db);
  const parameters = compiled.parameters.map((value) => (value === STAND_IN ? keyHash : value));
  const { rows } = await db.executeQuery<LookupRow>({ ...compiled, parameters });
  const first = rows[0];
  if (first === undefined) return undefined;
  const {
    policy_id: _i,
    policy_ratelimits: _r,
    policy_permissions: _p,
    policy_scopes: _s,
    policy_levels: _l,
    env_reverify_days,
    tenant_reverify_days,
    mfa_passed_at,
    env_ip_allowlist,
    tenant_time_zone,
    user_external_id,
    ...row
  } = first;
  // A column that does not read, the policies' and the environment's too, names the key.
  return readingRow(first.id, () => {
    const policies: GrantSet[] = [];
    const policyLimits: RateBucket[] = [];
    for (const joined of rows) {
      const { policy_id: policyId, policy_permissions: permissions, policy_scopes: scopes } = joined;
      if (permissions !== null && scopes !== null && joined.policy_levels !== null)
        policies.push({
          permissions: stringList.decode(permissions, 'policies.permissions'),
          scopes: stringList.decode(scopes, 'policies.scopes'),
          levels: stringMap.decode(joined.policy_levels, 'policies.levels'),
          preset: null,
        });
      if (policyId !== null && joined.policy_ratelimits !== null)
        policyLimits.push(
          ...bucketsOf('policy', policyId, rateLimitList.decode(joined.policy_ratelimits, 'policies.ratelimits')),
        );
    }
    return {
      row: decodeKeyRow(row),
      grantsKey: `${row.permissions}\u0000${row.scopes}\u0000${row.levels}`,
      policies,
      mfa: { days: env_reverify_days ?? tenant_reverify_days ?? null, passedAt: mfa_passed_at ?? null },
      environmentIpAllowlist: stringList.decodeNullable(env_ip_allowlist ?? null, 'environments.ip_allowlist'),
      timeZone: tenant_time_zone ?? null,
      userExternalId: user_external_id ?? null,
      policyLimits,
    };
  });
}
