/**
 * The check of SPEC §3, steps 4–5, as a pure function over a key's compiled grants and a
 * resource with its ancestor chain. Steps 1–3 (format, revoked, disabled, expired) are decided
 * earlier by `keyVerdict`. A denial says what was missing, so callers can show it.
 */
import type { CompiledGrants } from './grants/compile-grants.js';
import type { AuthModel } from './model/model.js';
import { CREATE_ACTION } from './model/model.js';

export type Visibility = 'ENVIRONMENT' | 'TENANT' | 'PUBLIC';

export interface ResourceRef {
  readonly id: string;
  readonly type: string;
  /** Principal (key or group id) → the actions of the role it holds on this resource (the creator's owner). */
  readonly holders?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A resource with where it lives and who may see it from elsewhere: what step 4 decides on. */
export interface PlacedResource extends ResourceRef {
  readonly environmentId: string;
  readonly tenantId: string;
  readonly visibility: Visibility;
}

export interface TargetResource extends PlacedResource {
  /** The parent first, then its parent, up to the top. */
  readonly ancestors: readonly PlacedResource[];
}

/** Where the key stands: the root key has no tenant or environment and passes everything. */
export interface KeyPosition {
  readonly root: boolean;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  /** The key's own id and its groups': whose roles on a resource count as the key's. */
  readonly principals?: readonly string[];
}

export type Denial = 'OTHER_ENVIRONMENT' | 'NOT_REACHABLE' | 'NOT_GRANTED';

export type CheckResult =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly denial: Denial; readonly missing: string };

const ALLOWED: CheckResult = { allowed: true };

/** The verdict code a check result answers with (SPEC §3): a denial is always FORBIDDEN. */
export function checkCode(result: CheckResult): 'VALID' | 'FORBIDDEN' {
  return result.allowed ? 'VALID' : 'FORBIDDEN';
}

/** Actions visibility may extend to other environments (SPEC §3 step 4). */
const REACH_ACTIONS_LIST = ['discover', 'read', 'run'] as const;
const REACH_ACTIONS: ReadonlySet<string> = new Set(REACH_ACTIONS_LIST);

/**
 * Whether the key may act on the resource at all (discover, read or run it): what lets it create a
 * type outright under it, and what separates a 403 (it knows of it) from a 404 (it may not).
 */
export function mayKnow(key: KeyPosition, grants: CompiledGrants, resource: TargetResource): boolean {
  return REACH_ACTIONS_LIST.some((action) => checkResource(key, grants, action, resource).allowed);
}

function deny(denial: Denial, missing: string): CheckResult {
  return { allowed: false, denial, missing };
}

/** Step 4: may the key reach this resource for this action at all? */
export function reach(key: KeyPosition, action: string, resource: PlacedResource): CheckResult {
  if (key.root || resource.environmentId === key.environmentId) return ALLOWED;
  if (!REACH_ACTIONS.has(action)) {
    return deny(
      'OTHER_ENVIRONMENT',
      `${action} on ${resource.type} ${resource.id}: it is in another environment, where only discover, read and run reach`,
    );
  }
  const visible =
    resource.visibility === 'PUBLIC' || (resource.visibility === 'TENANT' && resource.tenantId === key.tenantId);
  return visible
    ? ALLOWED
    : deny('NOT_REACHABLE', `${action} on ${resource.type} ${resource.id}: not visible from this environment`);
}

function heldOn(ref: ResourceRef, principals: readonly string[], action: string): boolean {
  if (ref.holders === undefined) return false;
  for (const principal of principals) if (ref.holders.get(principal)?.has(action) === true) return true;
  return false;
}

function coversRef(grants: CompiledGrants, principals: readonly string[], action: string, ref: ResourceRef): boolean {
  return (
    grants.typeWide.get(ref.type)?.has(action) === true ||
    grants.onResource.get(ref.id)?.has(action) === true ||
    heldOn(ref, principals, action)
  );
}

const NO_PRINCIPALS: readonly string[] = [];

function grantsCover(key: KeyPosition, grants: CompiledGrants, action: string, resource: TargetResource): boolean {
  if (grants.allTypes.has(action)) return true;
  const principals = key.principals ?? NO_PRINCIPALS;
  if (coversRef(grants, principals, action, resource)) return true;
  for (const ancestor of resource.ancestors) {
    // A grant on an ancestor passes down through every resource between it and this one, so an
    // ancestor the key cannot reach itself stops whatever is held on it or above it (SPEC §3
    // step 5): a namespace:admin key reaches nothing under another tenant's private namespace.
    if (!reach(key, 'discover', ancestor).allowed) return false;
    if (coversRef(grants, principals, action, ancestor)) return true;
  }
  return false;
}

/**
 * Step 4's one grant of its own: a resource of a catalogue type, reached by visibility, is
 * discovered by every key of its audience — unless an ancestor is out of the key's reach (a
 * PUBLIC secret under another tenant's ENVIRONMENT namespace), by the ancestor rule of step 5.
 */
function inCatalogue(key: KeyPosition, grants: CompiledGrants, resource: TargetResource): boolean {
  if (grants.catalogue?.has(resource.type) !== true) return false;
  for (const ancestor of resource.ancestors) if (!reach(key, 'discover', ancestor).allowed) return false;
  return true;
}

/** Steps 4–5 for an action on an existing resource. */
export function checkResource(
  key: KeyPosition,
  grants: CompiledGrants,
  action: string,
  resource: TargetResource,
): CheckResult {
  if (key.root) return ALLOWED;
  const reachable = reach(key, action, resource);
  if (!reachable.allowed) return reachable;
  if (grantsCover(key, grants, action, resource)) return ALLOWED;
  if (action === 'discover' && inCatalogue(key, grants, resource)) return ALLOWED;
  if (action === 'read' && grants.readDiscoverable && grantsCover(key, grants, 'discover', resource)) return ALLOWED;
  return deny('NOT_GRANTED', `${action} on ${resource.type} ${resource.id}`);
}

/** The type-wide question (`resource: {type}` with no id): for `create`, may the key create one at all. */
export function checkType(key: KeyPosition, grants: CompiledGrants, action: string, type: string): CheckResult {
  if (key.root) return ALLOWED;
  if (action === CREATE_ACTION)
    return grants.createsTypes.has(type) ? ALLOWED : deny('NOT_GRANTED', `create on every ${type}`);
  const typeWide = (wanted: string): boolean =>
    grants.allTypes.has(wanted) || grants.typeWide.get(type)?.has(wanted) === true;
  if (typeWide(action)) return ALLOWED;
  // Every resource of a catalogue type in the key's environment is discoverable to it (trees
  // never leave their environment, so no ancestor there is out of reach).
  if (action === 'discover' && grants.catalogue?.has(type) === true) return ALLOWED;
  if (action === 'read' && grants.readDiscoverable && typeWide('discover')) return ALLOWED;
  return deny('NOT_GRANTED', `${action} on every ${type}`);
}

/**
 * Creating a resource of `type` under `parent` (null: at the top level). Allowed by `create` on
 * the parent (its own grants or an ancestor's), or by creating the type outright under any
 * parent the key may discover, read or run — and never across environments.
 */
export function checkCreate(
  model: AuthModel,
  key: KeyPosition,
  grants: CompiledGrants,
  type: string,
  parent: TargetResource | null,
): CheckResult {
  const typeDef = model.types.get(type);
  if (typeDef === undefined) return deny('NOT_GRANTED', `unknown type ${type}`);
  if (parent === null) {
    if (!typeDef.topLevel) return deny('NOT_GRANTED', `a ${type} needs a parent (${[...typeDef.parents].join(', ')})`);
    return checkType(key, grants, CREATE_ACTION, type);
  }
  if (!typeDef.parents.has(parent.type))
    return deny('NOT_GRANTED', `a ${type} cannot be created under a ${parent.type}`);
  if (key.root) return ALLOWED;
  const underParent = checkResource(key, grants, CREATE_ACTION, parent);
  if (underParent.allowed || underParent.denial !== 'NOT_GRANTED') return underParent;
  // Creating a type outright works under any parent the key may act on at all: `runtime.run`
  // runs an agent without discovering it, and must still open sessions under it.
  if (grants.createsTypes.has(type) && mayKnow(key, grants, parent)) return ALLOWED;
  return deny('NOT_GRANTED', `create under ${parent.type} ${parent.id}, or create on every ${type}`);
}
