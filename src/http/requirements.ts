/**
 * What a route needs, declared on the route (`config.requires`) and decided by one hook.
 * Requirements are data: the hook is the only place that evaluates them, and a route under
 * `/v1` without one does not start.
 */
import type { KeyRecord } from '../core/key-record.js';
import { holdsPermission, isRoot } from '../core/key-record.js';

export type Requirement =
  /** No key needed (the key is the credential of verify, or nothing is protected). */
  | { readonly public: true }
  /** Any valid key. */
  | { readonly anyKey: true }
  /** The root key alone. */
  | { readonly root: true }
  /**
   * A named permission. `orSelfParam`: also met when that path parameter is the caller's own
   * key id. `sameEnvironmentParam`: the permission is environment-scoped and the target
   * environment (that path parameter) must be the caller's. `onlyBodyFields`: met only when the
   * body changes nothing else.
   */
  | {
      readonly permission: string;
      readonly orSelfParam?: string;
      /** Also met when that path parameter is the id of the caller's own user (its MFA). */
      readonly orOwnUserParam?: string;
      readonly sameEnvironmentParam?: string;
      readonly onlyBodyFields?: readonly string[];
      /** Met only by an admin key (which acts tenant-wide): an environment permission reaching the whole tenant. */
      readonly adminKey?: true;
    }
  /** Met when any of these is. */
  | { readonly anyOf: readonly Requirement[] }
  /** An action on the route's target, decided by the named gate with the target loaded (see modules/gate.ts). */
  | { readonly gate: string; readonly action: string };

export interface RequestFacts {
  readonly params: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export interface Denial {
  /** What was needed, for the 403 body and the audit event. */
  readonly needed: string;
}

function bodyFields(body: unknown): string[] {
  return typeof body === 'object' && body !== null ? Object.keys(body) : [];
}

export function describeRequirement(requirement: Requirement): string {
  if ('public' in requirement) return 'nothing';
  if ('anyKey' in requirement) return 'a valid key';
  if ('root' in requirement) return 'the root key';
  if ('anyOf' in requirement) return requirement.anyOf.map(describeRequirement).join(' or ');
  if ('gate' in requirement) return `${requirement.action} on the ${requirement.gate}`;
  if (requirement.orSelfParam !== undefined) return `${requirement.permission} (or the key itself)`;
  if (requirement.orOwnUserParam !== undefined) return `${requirement.permission} (or a key of that user)`;
  if (requirement.adminKey === true) return `${requirement.permission} on an admin key`;
  return requirement.permission;
}

/** Whether `key` meets `requirement` for this request. The root key meets every requirement. */
export function meets(requirement: Requirement, key: KeyRecord, facts: RequestFacts): boolean {
  if ('public' in requirement || 'anyKey' in requirement) return true;
  if (isRoot(key)) return true;
  if ('root' in requirement) return false;
  if ('anyOf' in requirement) return requirement.anyOf.some((option) => meets(option, key, facts));
  // Decided by the route's gate, which loads the target; see plugins/auth.ts.
  if ('gate' in requirement) return false;
  if (requirement.orSelfParam !== undefined && facts.params[requirement.orSelfParam] === key.id) return true;
  if (
    requirement.orOwnUserParam !== undefined &&
    key.userId !== null &&
    facts.params[requirement.orOwnUserParam] === key.userId
  )
    return true;
  if (!holdsPermission(key, requirement.permission)) return false;
  if (requirement.adminKey === true && !key.admin) return false;
  if (
    requirement.sameEnvironmentParam !== undefined &&
    facts.params[requirement.sameEnvironmentParam] !== key.environmentId
  )
    return false;
  const allowed = requirement.onlyBodyFields;
  return allowed === undefined || bodyFields(facts.body).every((field) => allowed.includes(field));
}
