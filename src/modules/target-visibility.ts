/**
 * Whether a caller may discover the objects a request names (SPEC §5): anything it cannot — of
 * another tenant, or unknown — is a 404 whatever it holds, decided before the route's permission,
 * so a refusal never confirms that another tenant's key, user or environment exists. Ids say what
 * they are by their prefix; an id of no entity the registry knows is never discoverable.
 */
import { mayKnow } from '../core/check.js';
import { entityOfId, type EntityKind } from '../core/entities.js';
import { isRoot, keyPosition, type KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { Db } from '../storage/database.js';
import { findEnvironment } from './environments/environments.repository.js';
import { findGroup } from './groups/groups.repository.js';
import { findKeyById } from './keys/keys.repository.js';
import { findPolicy } from './policies/policies.repository.js';
import { loadTarget } from './resources/resource-targets.js';
import { findResource } from './resources/resources.repository.js';
import { canSeeTenant } from './scope.js';
import { findTenant } from './tenants/tenants.repository.js';
import { findUser } from './users/users.repository.js';
import { findIdentityProvider } from './identity-providers/identity-providers.repository.js';
import { findSession } from './sessions/sessions.repository.js';

interface VisibilityDeps {
  readonly db: Db;
  readonly model: AuthModel;
}

/** Whether `key` may discover the entity `id` names (the id's prefix already says its kind). */
type OwnerLookup = (deps: VisibilityDeps, key: KeyRecord, id: string) => Promise<boolean>;

/** Visible when it exists and belongs to a tenant the key may see. */
const ownedByTenant =
  (find: (db: Db, id: string) => Promise<{ readonly tenant_id: string | null } | undefined>): OwnerLookup =>
  async (deps, key, id) => {
    const row = await find(deps.db, id);
    return row !== undefined && canSeeTenant(key, row.tenant_id);
  };

/** Each entity's owner lookup: the part of the entity registry (core/entities.ts) that reads storage. */
const OWNER_LOOKUPS = {
  tenant: async (deps, key, id) => (await findTenant(deps.db, id)) !== undefined && canSeeTenant(key, id),
  environment: ownedByTenant(findEnvironment),
  user: ownedByTenant(findUser),
  key: ownedByTenant(findKeyById),
  policy: ownedByTenant(findPolicy),
  group: ownedByTenant(findGroup),
  identityProvider: ownedByTenant(findIdentityProvider),
  // An operator's session (no tenant) is the root key's alone to discover.
  session: ownedByTenant(findSession),
  // A resource is discoverable when the check lets the key discover, read or run it.
  resource: async (deps, key, id) => {
    const row = await findResource(deps.db, id);
    if (row === undefined) return false;
    return isRoot(key) || mayKnow(keyPosition(key), key.grants, await loadTarget(deps.db, deps.model, row));
  },
} as const satisfies Record<EntityKind, OwnerLookup>;

export interface TargetVisibility {
  /** The first of `ids` the key may not discover (unknown included), or null when it may discover all. */
  firstHidden(key: KeyRecord, ids: readonly string[]): Promise<string | null>;
}

export function targetVisibility(deps: VisibilityDeps): TargetVisibility {
  const visible = async (key: KeyRecord, id: string): Promise<boolean> => {
    const kind = entityOfId(id);
    // Not the id of any entity (an unknown prefix, no prefix): nothing a caller may discover.
    if (kind === undefined) return false;
    if (id === key.id) return true;
    return OWNER_LOOKUPS[kind](deps, key, id);
  };
  return {
    async firstHidden(key, ids) {
      for (const id of ids) if (!(await visible(key, id))) return id;
      return null;
    },
  };
}
