/**
 * The change stream and usage of replicas (SPEC §4, replica; docs/replica.md): who may follow an
 * environment's changed verdicts, and the verifies a replica answered itself, counted as the
 * node's own. A replica serves one environment, with a `verify.replicate` key of it: the stream
 * of another environment, or usage of another environment's keys, is never its to have.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { isRoot } from '../../core/key-record.js';
import type { ReplicaUsageInput, ReplicaUsageObject } from '../../api/replica.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { readTarget } from '../target-rows.js';
import { keysOfEnvironment } from './changes.repository.js';

/** What a replica may follow: one environment of one tenant. */
export interface StreamScope {
  readonly tenantId: string;
  readonly environmentId: string;
}

/** A key of the replica's environment, with the tenant and environment its usage is added to. */
interface CountedKey {
  readonly id: string;
  readonly tenantId: string;
  readonly environmentId: string;
}

/** Counts a verify answered by a replica, as the node counts its own (usage-recorder.ts). */
export interface UsageCounter {
  record(key: CountedKey, code: string, ip: string | null, nowMs: number, tags?: undefined, count?: number): void;
}

/**
 * The environment the caller may stream: its own (the `environmentId` asked, if any, must be it).
 * The root key, of no environment, streams the one it names.
 */
export async function getChangeStream(
  deps: ServiceDeps,
  caller: Caller,
  query: { readonly environmentId?: string | undefined },
): Promise<Result<StreamScope>> {
  const key = caller.key;
  const environmentId = query.environmentId ?? key.environmentId;
  if (environmentId === null) return fail('VALIDATION', 'environmentId: the root key names the environment to stream');
  if (!isRoot(key)) {
    if (environmentId !== key.environmentId || key.tenantId === null)
      return fail('FORBIDDEN', "a replica streams its own key's environment only", {
        needed: 'verify.replicate in that environment',
      });
    return ok({ tenantId: key.tenantId, environmentId });
  }
  const environment = await readTarget(deps.db, caller, 'environment', environmentId);
  if (environment === undefined) return fail('NOT_FOUND', `environment ${environmentId} not found`);
  return ok({ tenantId: environment.tenant_id, environmentId });
}

/**
 * Adds a replica's counts to this node's usage, for the keys of the caller's environment; others
 * (another environment's, unknown) are ignored and counted as such, never an error: a batch is
 * not lost for one key that was deleted meanwhile.
 */
export async function addReplicaUsage(
  deps: ServiceDeps,
  caller: Caller,
  input: ReplicaUsageInput,
  counter: UsageCounter,
): Promise<Result<ReplicaUsageObject>> {
  const scope = await getChangeStream(deps, caller, {});
  if (!scope.ok) return scope;
  const ids = [...new Set(input.items.map((item) => item.keyId))];
  const known = await keysOfEnvironment(deps.db, scope.value.environmentId, ids);
  const now = deps.clock.now();
  // Every key known here is of the caller's environment: its usage goes to that tenant and environment.
  const { tenantId, environmentId } = scope.value;
  let accepted = 0;
  for (const item of input.items) {
    if (!known.has(item.keyId)) continue;
    // A replica's clock is not trusted to say a use lies in the future.
    const at = Math.min(Date.parse(item.lastUsedAt), now);
    const key = { id: item.keyId, tenantId, environmentId };
    counter.record(key, item.code, item.lastUsedIp ?? null, at, undefined, item.count);
    accepted += item.count;
  }
  return ok({ accepted, ignored: input.items.reduce((sum, item) => sum + item.count, 0) - accepted });
}
