/**
 * One read of each target per request. The auth hook reads the rows of what a request names to
 * decide whether the caller may discover them (target-visibility.ts); the gate and the service
 * then take those rows from here instead of reading them again. These are reads made before any
 * lock: a service that writes still re-reads its row under the row's lock (Storage.lockForUpdate)
 * and judges what it writes by that read alone, since another request may have changed the row
 * between the hook and the lock. Only the checks made before the transaction use these rows, as
 * they used a read of their own made just as early.
 */
import type { TargetResource } from '../core/check.js';
import type { EntityKind } from '../core/entities.js';
import type { AuthModel } from '../core/model/model.js';
import type { Db } from '../storage/database.js';
import { findEnvironment } from './environments/environments.repository.js';
import { findGroup } from './groups/groups.repository.js';
import { findKeyById } from './keys/keys.repository.js';
import { findPolicy } from './policies/policies.repository.js';
import { loadTarget } from './resources/resource-targets.js';
import { findResource } from './resources/resources.repository.js';
import { findTenant } from './tenants/tenants.repository.js';
import { findUser } from './users/users.repository.js';
import { findDelivery } from './webhooks/deliveries.repository.js';
import { findEndpoint } from './webhooks/endpoints.repository.js';
import { findWebhookKey } from './webhook-keys/webhook-keys.repository.js';
import { findIdentityProvider } from './identity-providers/identity-providers.repository.js';
import { findSession } from './sessions/sessions.repository.js';

/** Each entity's read by id: the part of the entity registry (core/entities.ts) that reads storage. */
const FINDERS = {
  tenant: findTenant,
  environment: findEnvironment,
  user: findUser,
  key: findKeyById,
  policy: findPolicy,
  group: findGroup,
  resource: findResource,
  webhookEndpoint: findEndpoint,
  webhookDelivery: findDelivery,
  webhookKey: findWebhookKey,
  identityProvider: findIdentityProvider,
  session: findSession,
} as const satisfies Record<EntityKind, (db: Db, id: string) => Promise<unknown>>;

/** The stored row of an entity of kind `K`, as its repository hands it over. */
export type EntityRow<K extends EntityKind> = NonNullable<Awaited<ReturnType<(typeof FINDERS)[K]>>>;

/** The rows one request has read, by kind and id; a miss is remembered too (it is a 404 either way). */
export class TargetRows {
  readonly #rows = new Map<string, Promise<unknown>>();
  readonly #targets = new Map<string, Promise<TargetResource | undefined>>();

  /** `kind`'s row `id`: the one this request read already, or read now and kept. */
  read<K extends EntityKind>(db: Db, kind: K, id: string): Promise<EntityRow<K> | undefined> {
    const slot = `${kind}:${id}`;
    let row = this.#rows.get(slot);
    if (row === undefined) {
      row = (FINDERS[kind] as (db: Db, id: string) => Promise<unknown>)(db, id);
      this.#rows.set(slot, row);
    }
    return row as Promise<EntityRow<K> | undefined>;
  }

  /** Resource `id` as the check sees it (its ancestors and their role holders), loaded once. */
  resourceTarget(db: Db, model: AuthModel, id: string): Promise<TargetResource | undefined> {
    let target = this.#targets.get(id);
    if (target === undefined) {
      target = this.read(db, 'resource', id).then((row) =>
        row === undefined ? undefined : loadTarget(db, model, row),
      );
      this.#targets.set(id, target);
    }
    return target;
  }
}

/** `kind`'s row `id`, from the caller's request when the auth hook read it, else read now. */
export function readTarget<K extends EntityKind>(
  db: Db,
  caller: { readonly targets?: TargetRows },
  kind: K,
  id: string,
): Promise<EntityRow<K> | undefined> {
  return (caller.targets ?? new TargetRows()).read(db, kind, id);
}
