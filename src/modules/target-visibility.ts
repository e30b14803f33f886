/**
 * Whether a caller may discover the objects a request names (SPEC §5): anything it cannot — of
 * another tenant, or unknown — is a 404 whatever it holds, decided before the route's permission,
 * so a refusal never confirms that another tenant's key, user or environment exists. Ids say what
 * they are by their prefix; an id of no entity the registry knows is never discoverable.
 */
import { mayKnow } from '../core/check.js';
import { ENTITY_KINDS, entityOfId, type EntityKind } from '../core/entities.js';
import { isRoot, keyPosition, type KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { Db } from '../storage/database.js';
import { canSeeTenant } from './scope.js';
import { TargetRows } from './target-rows.js';

interface VisibilityDeps {
  readonly db: Db;
  readonly model: AuthModel;
}

/** Whether `key` may discover the entity `id` names (the id's prefix already says its kind). */
type OwnerLookup = (deps: VisibilityDeps, key: KeyRecord, id: string, rows: TargetRows) => Promise<boolean>;

/**
 * The entities not discovered as most are: a tenant is its own owner, and a resource is
 * discoverable when the check lets the key discover, read or run it.
 */
const OWN_LOOKUPS = {
  tenant: async (deps, key, id, rows) =>
    (await rows.read(deps.db, 'tenant', id)) !== undefined && canSeeTenant(key, id),
  resource: async (deps, key, id, rows) => {
    const target = await rows.resourceTarget(deps.db, deps.model, id);
    if (target === undefined) return false;
    return isRoot(key) || mayKnow(keyPosition(key), key.grants, target);
  },
} as const satisfies Partial<Record<EntityKind, OwnerLookup>>;

/** Every other entity: its row must say its tenant (the compiler holds a new entity's row to it). */
type TenantOwned = Exclude<EntityKind, keyof typeof OWN_LOOKUPS>;

/**
 * Visible when it exists and belongs to a tenant the key may see. An operator's session (no
 * tenant) is the root key's alone to discover.
 */
const ownedByTenant =
  (kind: TenantOwned): OwnerLookup =>
  async (deps, key, id, rows) => {
    const row = await rows.read(deps.db, kind, id);
    return row !== undefined && canSeeTenant(key, row.tenant_id);
  };

const hasOwnLookup = (kind: EntityKind): kind is keyof typeof OWN_LOOKUPS => Object.hasOwn(OWN_LOOKUPS, kind);

/**
 * Each entity's owner lookup, derived from the registry (core/entities.ts): the part of it that
 * judges a read row. A new entity needs no entry here unless its row names no tenant.
 */
const OWNER_LOOKUPS = Object.fromEntries(
  ENTITY_KINDS.map((kind) => [kind, hasOwnLookup(kind) ? OWN_LOOKUPS[kind] : ownedByTenant(kind)]),
) as Record<EntityKind, OwnerLookup>;

export interface TargetVisibility {
  /**
   * The first of `ids` the key may not discover (unknown included), or null when it may discover
   * all. The rows read to decide are kept in `rows`, for the rest of the request to use.
   */
  firstHidden(key: KeyRecord, ids: readonly string[], rows?: TargetRows): Promise<string | null>;
}

export function targetVisibility(deps: VisibilityDeps): TargetVisibility {
  const visible = async (key: KeyRecord, id: string, rows: TargetRows): Promise<boolean> => {
    const kind = entityOfId(id);
    // Not the id of any entity (an unknown prefix, no prefix): nothing a caller may discover.
    if (kind === undefined) return false;
    if (id === key.id) return true;
    return OWNER_LOOKUPS[kind](deps, key, id, rows);
  };
  return {
    async firstHidden(key, ids, rows = new TargetRows()) {
      for (const id of ids) if (!(await visible(key, id, rows))) return id;
      return null;
    },
  };
}
