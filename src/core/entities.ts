/**
 * The entity registry: every kind of object a caller can name by id, and what each layer needs to
 * know of it. Ids (ids.ts), the change log's entities (storage/change-log.ts), the follower's
 * cache eviction (verify/change-follower.ts), the request fields the auth hook reads targets from
 * (http/plugins/auth.ts) and the owner lookups of target visibility (modules/target-visibility.ts)
 * are derived from it. What reads storage, which the core may not, is one exhaustive table of its
 * own (modules/target-rows.ts: each entity's read by id). A new entity is one entry here, and the
 * compiler asks for the rest.
 */

/** What a committed change to an entity drops from a node's verify caches. */
export interface CacheEviction {
  /**
   * `entity`: the key the change names; `tenant`: every cached key of the change's tenant (a
   * change that reaches linked keys, rare enough not to track links); `none`: no key.
   */
  readonly keys: 'entity' | 'tenant' | 'none';
  /** Every cached resource chain (a resource's ancestors, or what a group holds on resources). */
  readonly resources: boolean;
}

export interface EntityFacts {
  /** The id prefix: `key` ids are `key_…`. */
  readonly prefix: string;
  /** Query and body fields that name an entity of this kind, checked for visibility like path parameters. */
  readonly requestFields: readonly string[];
  /** What a change to one drops from the verify caches. */
  readonly evicts: CacheEviction;
}

export const ENTITIES = {
  tenant: { prefix: 'ten', requestFields: ['tenantId'], evicts: { keys: 'tenant', resources: false } },
  environment: { prefix: 'env', requestFields: ['environmentId'], evicts: { keys: 'tenant', resources: false } },
  user: { prefix: 'usr', requestFields: ['userId'], evicts: { keys: 'tenant', resources: false } },
  key: { prefix: 'key', requestFields: ['keyId', 'actorKeyId'], evicts: { keys: 'entity', resources: false } },
  // A policy edit changes every linked key.
  policy: { prefix: 'pol', requestFields: ['policyId'], evicts: { keys: 'tenant', resources: false } },
  // A group change reaches its members and what it holds on resources.
  group: { prefix: 'grp', requestFields: ['groupId'], evicts: { keys: 'tenant', resources: true } },
  // `webhookId`: the webhook resource a webhook key is bound to.
  resource: { prefix: 'res', requestFields: ['parentId', 'webhookId'], evicts: { keys: 'none', resources: true } },
  // Events out (issue 24): nothing a verify caches depends on an endpoint or its deliveries.
  webhookEndpoint: { prefix: 'whe', requestFields: ['endpointId'], evicts: { keys: 'none', resources: false } },
  webhookDelivery: { prefix: 'whd', requestFields: [], evicts: { keys: 'none', resources: false } },
  // An inbound webhook's signing secret (SPEC §4): no verdict depends on one, so nothing is evicted.
  webhookKey: { prefix: 'whk', requestFields: [], evicts: { keys: 'none', resources: false } },
  // Read at sign-in only, never by the verify path: nothing cached depends on one.
  identityProvider: { prefix: 'idp', requestFields: [], evicts: { keys: 'none', resources: false } },
  // A session is looked up on each request it authenticates, never cached; its key is checked each time.
  session: { prefix: 'ses', requestFields: [], evicts: { keys: 'none', resources: false } },
} as const satisfies Record<string, EntityFacts>;

export type EntityKind = keyof typeof ENTITIES;

export const ENTITY_KINDS = Object.keys(ENTITIES) as readonly EntityKind[];

const BY_PREFIX: ReadonlyMap<string, EntityKind> = new Map(ENTITY_KINDS.map((kind) => [ENTITIES[kind].prefix, kind]));

/** What the change log records changes of: the entities, and `instance` (instance settings, cached by no node). */
export type ChangeEntity = EntityKind | 'instance';

/** The entity an id names, by its prefix; undefined for an id of no entity (an event, a request) or no id at all. */
export function entityOfId(id: string): EntityKind | undefined {
  const underscore = id.indexOf('_');
  return underscore <= 0 ? undefined : BY_PREFIX.get(id.slice(0, underscore));
}

/** Every request field that names an entity. */
export const ENTITY_REQUEST_FIELDS: readonly string[] = ENTITY_KINDS.flatMap((kind) => ENTITIES[kind].requestFields);
