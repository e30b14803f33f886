/**
 * Whether a caller may discover the objects a request names (SPEC §5): anything it cannot — of
 * another tenant, or unknown — is a 404 whatever it holds, decided before the route's permission,
 * so a refusal never confirms that another tenant's key, user or environment exists. Ids say what
 * they are by their prefix; a resource is discoverable when the check lets the key discover, read
 * or run it.
 */
import { mayKnow } from '../core/check.js';
import { ID_PREFIXES } from '../core/ids.js';
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

type Owned = { readonly tenant_id: string | null } | undefined;
type Finder = (db: Db, id: string) => Promise<Owned>;

/** Prefix → where an id of that kind is found, with the tenant that owns it. */
const OWNED_BY_TENANT: ReadonlyMap<string, Finder> = new Map<string, Finder>([
  [ID_PREFIXES.tenant, async (db, id) => ((await findTenant(db, id)) === undefined ? undefined : { tenant_id: id })],
  [ID_PREFIXES.environment, findEnvironment],
  [ID_PREFIXES.user, findUser],
  [ID_PREFIXES.key, findKeyById],
  [ID_PREFIXES.policy, findPolicy],
  [ID_PREFIXES.group, findGroup],
]);

export interface TargetVisibility {
  /** The first of `ids` the key may not discover (unknown included), or null when it may discover all. */
  firstHidden(key: KeyRecord, ids: readonly string[]): Promise<string | null>;
}

export function targetVisibility(deps: { readonly db: Db; readonly model: AuthModel }): TargetVisibility {
  const visible = async (key: KeyRecord, id: string): Promise<boolean> => {
    const prefix = id.slice(0, id.indexOf('_'));
    if (prefix === ID_PREFIXES.resource) {
      const row = await findResource(deps.db, id);
      if (row === undefined) return false;
      return isRoot(key) || mayKnow(keyPosition(key), key.grants, await loadTarget(deps.db, deps.model, row));
    }
    const find = OWNED_BY_TENANT.get(prefix);
    // Not an id of an object a caller could be refused (an event, a request): nothing to hide.
    if (find === undefined) return true;
    if (id === key.id) return true;
    const row = await find(deps.db, id);
    return row !== undefined && canSeeTenant(key, row.tenant_id);
  };
  return {
    async firstHidden(key, ids) {
      for (const id of ids) if (!(await visible(key, id))) return id;
      return null;
    },
  };
}
