/**
 * `POST /v1/verify`: the check for a presented key. Every key, permission and resource outcome
 * is a verdict (200); only a malformed request (a permission, action or type the model does not
 * know) is a problem.
 */
import { isIP } from 'node:net';
import type { Clock } from '../core/clock.js';
import { allowedByAll } from '../core/ip-allowlist.js';
import { checkResource, checkType } from '../core/check.js';
import { fail, ok, type Result, type VerdictCode } from '../core/error-codes.js';
import { holdsPermission, keyPosition, keyVerdict, type KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { VerifyAnswerObject, VerifyInput } from '../api/verify.js';
import type { Authenticator } from './authenticate.js';
import type { CreditSpender } from './credits.js';
import type { ResourceLookup } from './resource-lookup.js';
import type { UsageSink } from './usage-recorder.js';

export interface VerifyDeps {
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly clientCacheTtlMs: number;
  readonly model: AuthModel;
  readonly resources: ResourceLookup;
  /** Counts every verdict about a known key (in memory; flushed in batches). Absent: not counted. */
  readonly usage?: UsageSink;
  /** Spends usage credits of keys that have them. Absent: credits are not enforced. */
  readonly credits?: CreditSpender;
}

function answer(code: VerdictCode, key: KeyRecord | null, cacheTtlMs: number): VerifyAnswerObject {
  return {
    valid: code === 'VALID',
    code,
    keyId: key?.id ?? null,
    tenantId: key?.tenantId ?? null,
    environmentId: key?.environmentId ?? null,
    expiresAt: key?.expiresAt == null ? null : new Date(key.expiresAt).toISOString(),
    cacheTtlMs: code === 'VALID' ? cacheTtlMs : 0,
  };
}

/** The request must speak the model's language: 400 naming what it does not know. */
function checkRequest(model: AuthModel, input: VerifyInput): Result<null> {
  if (input.permission !== undefined && !model.permissions.has(input.permission)) {
    return fail('VALIDATION', `unknown permission: ${input.permission}`, { field: 'permission' });
  }
  if ((input.action === undefined) !== (input.resource === undefined)) {
    return fail('VALIDATION', 'action and resource go together: send both or neither', { field: input.action === undefined ? 'action' : 'resource' });
  }
  if (input.action !== undefined && !model.actions.has(input.action)) {
    return fail('VALIDATION', `unknown action: ${input.action} (known: ${[...model.actions].join(', ')})`, { field: 'action' });
  }
  // The schema's pattern admits only IP characters; "::::::::" is made of them and is no address.
  if (input.clientIp !== undefined && isIP(input.clientIp) === 0) {
    return fail('VALIDATION', `clientIp must be an IPv4 or IPv6 address: ${input.clientIp}`, { field: 'clientIp' });
  }
  const resource = input.resource;
  if (resource !== undefined) {
    if (!model.types.has(resource.type)) return fail('VALIDATION', `unknown resource type: ${resource.type}`, { field: 'resource.type' });
    if (resource.id !== undefined && resource.externalId !== undefined) {
      return fail('VALIDATION', 'name the resource by id or by externalId, not both', { field: 'resource' });
    }
  }
  return ok(null);
}

async function actionAllowed(deps: VerifyDeps, key: KeyRecord, action: string, resource: NonNullable<VerifyInput['resource']>): Promise<boolean> {
  const position = keyPosition(key);
  if (resource.id === undefined && resource.externalId === undefined) return checkType(position, key.grants, action, resource.type).allowed;
  const target = await deps.resources.find(resource, key.environmentId);
  // An unknown resource, or one of another type than asked, is FORBIDDEN: existence is not revealed.
  if (target === undefined || target.type !== resource.type) return false;
  return checkResource(position, key.grants, action, target).allowed;
}

/**
 * `sourceIp`: where the request came from (the socket, or the proxy's X-Forwarded-For when
 * trusted); the key's last-used IP is the request's `clientIp` if given, else this.
 */
export async function verifyKey(deps: VerifyDeps, input: VerifyInput, sourceIp?: string): Promise<Result<VerifyAnswerObject>> {
  const request = checkRequest(deps.model, input);
  if (!request.ok) return request;
  const authentication = await deps.authenticator.authenticate(input.key);
  if (!authentication.found) return ok(answer('NOT_FOUND', null, 0));
  const key = authentication.key;
  const now = deps.clock.now();
  const status = keyVerdict(key, now);
  let verdict: VerifyAnswerObject;
  if (status !== 'VALID') {
    verdict = answer(status, key, 0);
  } else if (key.ipAllowlists !== undefined && !allowedByAll(key.ipAllowlists, input.clientIp ?? sourceIp)) {
    verdict = { ...answer('FORBIDDEN', key, 0), missing: { ip: input.clientIp ?? sourceIp ?? 'unknown' } };
  } else if (input.permission !== undefined && !holdsPermission(key, input.permission)) {
    verdict = { ...answer('FORBIDDEN', key, 0), missing: { permission: input.permission } };
  } else if (input.action !== undefined && input.resource !== undefined && !(await actionAllowed(deps, key, input.action, input.resource))) {
    verdict = { ...answer('FORBIDDEN', key, 0), missing: { action: input.action, resource: input.resource } };
  } else if (key.credits !== undefined && deps.credits !== undefined && input.cost !== 0) {
    // The one storage round trip of a cache hit (SPEC §4): a spending answer may not be reused.
    const spend = await deps.credits.spend(key.id, key.credits, input.cost ?? 1, now);
    verdict = { ...answer(spend.spent ? 'VALID' : 'USAGE_EXCEEDED', key, 0), credits: { remaining: spend.remaining } };
  } else {
    verdict = answer('VALID', key, deps.clientCacheTtlMs);
  }
  // Every verdict about a known key is usage; an unknown or malformed key is no key's.
  deps.usage?.record(key.id, verdict.code, input.clientIp ?? sourceIp ?? null, now);
  return ok(verdict);
}
