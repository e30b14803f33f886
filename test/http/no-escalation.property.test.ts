/**
 * No escalation (SPEC §3), as a property over the HTTP API: random sequences of key, policy and
 * group operations, each made by a random caller key of a fresh tenant, never yield a key, a
 * policy or a group membership granting access its caller lacked. After every 2xx the effect is
 * measured by value — the target key's effective grants at GET /v1/me before and after, or the
 * policy's compiled grants — and whatever was gained must already be held by the caller (its own
 * /v1/me just before the operation); a resource-scoped grant is judged on the resource it really
 * names (its actual type and ancestors), not on the type the scope claims. A group membership may
 * be handed out only by a member of the group or a key with tenant.manage, to a key or to a user
 * (whose keys all join). Keys made from tenant-admin and org:* scopes are drawn too. The resources'
 * visibility is drawn as well, in the tenant and in another one, with catalogue resources (seed
 * 003: discoverable by every key their visibility reaches) among them: after every 2xx, whatever
 * verify newly lets the target key discover, read, run or update on them, the caller could
 * already — what every key discovers alike hands nothing out. Both successes and 403
 * refusals must occur, so the property is not vacuous. SQLite only: the suite is heavy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGrants, type CompiledGrants } from '../../src/core/grants/compile-grants.js';
import { grantSourceOf, levelsApplyTo } from '../../src/core/grants/grant-set.js';
import { defaultModel } from '../../src/core/model/load-model.js';
import { sqliteOnly } from '../support/databases.js';
import { seedTenant, type Client, type Reply, type Seeded } from '../support/keyward.js';
import { keywardForSuite, tenantForSuite } from '../support/suite-keyward.js';

const model = defaultModel();
const PERMISSIONS = [...model.permissions.keys()];
const ADMIN_ONLY = new Set([...model.permissions.values()].filter((def) => def.adminOnly).map((def) => def.id));
const ALWAYS_HELD = new Set([...model.permissions.values()].filter((def) => def.alwaysHeld).map((def) => def.id));
const ACTIONS = [...model.actions];
const TYPES = [...model.types.values()].map((type) => ({ name: type.name, roles: [...type.roles] }));
const LEVELS = [...model.levels.keys()];
/** Types `levels` may name. */
const LEVELLED = [...model.types.keys()].filter((type) => levelsApplyTo(model, type));
const PRESETS = [...model.presets.keys()];

/** A tenant's resource tree every sequence gets, made by the root key: index → type and parent index. */
const TREE: readonly { readonly type: string; readonly parent: number | null }[] = [
  { type: 'namespace', parent: null },
  { type: 'project', parent: 0 },
  { type: 'agent', parent: 1 },
  { type: 'apiFunction', parent: 1 },
  { type: 'webhook', parent: null },
  { type: 'application', parent: null },
  { type: 'secret', parent: 5 },
];
/** Another tenant's resources, made afresh for every sequence with drawn visibilities: catalogue ones under a namespace and an application. */
const FOREIGN_TREE: readonly { readonly type: string; readonly parent: number | null }[] = [
  { type: 'namespace', parent: null },
  { type: 'apiFunction', parent: 0 },
  { type: 'application', parent: null },
  { type: 'secret', parent: 2 },
];
const VISIBILITIES = ['ENVIRONMENT', 'TENANT', 'PUBLIC'] as const;
/** What verify is asked of every resource after a change: reaching actions, and one that never crosses environments. */
const PROBED_ACTIONS = ['discover', 'read', 'run', 'update'] as const;

// ---------------------------------------------------------------------------------------------
// What is generated: grants and operations with indices, resolved against the live pool.

interface ScopeSpec {
  readonly type: string;
  readonly role: number;
  /** Index into the tree (a resource-scoped grant), or null (type-wide). */
  readonly resource: number | null;
  readonly plus: string | null;
}

/**
 * Grants drawn from what the caller holds directly: its permissions, its scopes (a type-wide one
 * optionally narrowed to one resource of the tree) and its levels, picked by index. Most such
 * grants are covered, so operations succeed often enough to test what success hands out.
 */
interface InheritSpec {
  readonly permissions: readonly number[];
  readonly scopes: readonly { readonly at: number; readonly resource: number | null }[];
  readonly levels: readonly number[];
}

interface GrantSpec {
  readonly permissions: readonly string[];
  readonly scopes: readonly ScopeSpec[];
  readonly levels: Readonly<Record<string, string>>;
  readonly inherit: InheritSpec | null;
}

interface PrincipalSpec {
  readonly admin: boolean;
  /** Made from the tenant-admin preset (an admin key only): org:admin and every named permission. */
  readonly tenantAdmin: boolean;
  readonly usersManage: boolean;
  readonly grants: GrantSpec;
  readonly groups: readonly number[];
  readonly policies: readonly number[];
}

type Op =
  | {
      readonly kind: 'createKey';
      readonly caller: number;
      readonly admin: boolean;
      readonly grants: GrantSpec;
      readonly preset: string | null;
      readonly policies: readonly number[];
      readonly groups: readonly number[];
    }
  | {
      readonly kind: 'patchKey';
      readonly caller: number;
      readonly target: number;
      readonly grants: GrantSpec;
      readonly given: readonly ('permissions' | 'scopes' | 'levels')[];
      readonly policies: readonly number[] | null;
      readonly groups: readonly number[] | null;
    }
  | { readonly kind: 'createPolicy'; readonly caller: number; readonly tenantWide: boolean; readonly grants: GrantSpec }
  | {
      readonly kind: 'patchPolicy';
      readonly caller: number;
      readonly policy: number;
      readonly grants: GrantSpec;
      readonly given: readonly ('permissions' | 'scopes' | 'levels')[];
    }
  | { readonly kind: 'addMember'; readonly caller: number; readonly group: number; readonly target: number }
  /** A user into a group: each of its keys, present and future, becomes a member. */
  | { readonly kind: 'addUserMember'; readonly caller: number; readonly group: number; readonly user: number }
  | { readonly kind: 'linkPolicy'; readonly caller: number; readonly target: number; readonly policy: number };

interface Sequence {
  /** One per TREE node, then one per FOREIGN_TREE node. */
  readonly visibilities: readonly (typeof VISIBILITIES)[number][];
  readonly policies: readonly GrantSpec[];
  readonly principals: readonly PrincipalSpec[];
  readonly ops: readonly Op[];
}

/** `arbitrary` about once in `every` draws, null otherwise. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

const scopeArb: fc.Arbitrary<ScopeSpec> = fc.record({
  // org (the root of every tree: org:admin, org:member) drawn more often than one type in many.
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TYPES.map((type) => type.name)) },
    { weight: 1, arbitrary: fc.constant('org') },
  ),
  role: fc.nat(5),
  resource: sometimes(fc.nat(TREE.length - 1), 2),
  plus: sometimes(fc.constantFrom(...ACTIONS), 6),
});
const permissionsArb = fc.subarray(PERMISSIONS, { maxLength: 3 });
const scopesArb = fc.array(scopeArb, { maxLength: 3 });
const levelsArb = fc.dictionary(fc.constantFrom(...LEVELLED), fc.constantFrom(...LEVELS), { maxKeys: 2 });
const inheritArb: fc.Arbitrary<InheritSpec> = fc.record({
  permissions: fc.array(fc.nat(20), { maxLength: 3 }),
  scopes: fc.array(fc.record({ at: fc.nat(20), resource: sometimes(fc.nat(TREE.length - 1), 2) }), { maxLength: 3 }),
  levels: fc.array(fc.nat(20), { maxLength: 2 }),
});
/** Random grants, or (more often) mostly what the caller holds plus now and then something random. */
const grantsArb: fc.Arbitrary<GrantSpec> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      permissions: permissionsArb,
      scopes: scopesArb,
      levels: levelsArb,
      inherit: fc.constant(null),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      permissions: fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.subarray(PERMISSIONS, { maxLength: 1 }) },
      ),
      scopes: fc.oneof(
        { weight: 4, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(scopeArb, { maxLength: 1 }) },
      ),
      levels: fc.oneof(
        { weight: 4, arbitrary: fc.constant({}) },
        {
          weight: 1,
          arbitrary: fc.dictionary(fc.constantFrom(...LEVELLED), fc.constantFrom(...LEVELS), { maxKeys: 1 }),
        },
      ),
      inherit: inheritArb,
    }),
  },
);
/** What the scene's keys start with: wider random grants. */
const principalGrantsArb: fc.Arbitrary<GrantSpec> = fc.record({
  permissions: fc.subarray(PERMISSIONS, { maxLength: 7 }),
  scopes: fc.array(scopeArb, { maxLength: 5 }),
  levels: fc.dictionary(fc.constantFrom(...LEVELLED), fc.constantFrom(...LEVELS), { maxKeys: 3 }),
  inherit: fc.constant(null),
});
/** Policies or groups to link, by index: usually none, so the grants themselves decide more often. */
const pickArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.subarray([0, 1, 2, 3], { minLength: 1, maxLength: 2 }) },
);
const indexArb = fc.nat(40);
/** Which grant kinds a PATCH gives (each replaces the stored set of that kind). */
const givenArb = fc.subarray(['permissions', 'scopes', 'levels'] as const, { minLength: 1 });

const principalArb: fc.Arbitrary<PrincipalSpec> = fc.record({
  admin: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  tenantAdmin: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  usersManage: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  grants: principalGrantsArb,
  groups: fc.subarray([0, 1]),
  policies: fc.subarray([0, 1]),
});

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('createKey' as const),
    caller: indexArb,
    admin: fc.boolean(),
    grants: grantsArb,
    preset: sometimes(fc.constantFrom(...PRESETS), 4),
    policies: pickArb,
    groups: pickArb,
  }),
  fc.record({
    kind: fc.constant('patchKey' as const),
    caller: indexArb,
    target: indexArb,
    grants: grantsArb,
    given: givenArb,
    policies: sometimes(pickArb, 4),
    groups: sometimes(pickArb, 4),
  }),
  fc.record({
    kind: fc.constant('createPolicy' as const),
    caller: indexArb,
    tenantWide: fc.boolean(),
    grants: grantsArb,
  }),
  fc.record({
    kind: fc.constant('patchPolicy' as const),
    caller: indexArb,
    policy: indexArb,
    grants: grantsArb,
    given: givenArb,
  }),
  fc.record({ kind: fc.constant('addMember' as const), caller: indexArb, group: indexArb, target: indexArb }),
  fc.record({ kind: fc.constant('addUserMember' as const), caller: indexArb, group: indexArb, user: indexArb }),
  fc.record({ kind: fc.constant('linkPolicy' as const), caller: indexArb, target: indexArb, policy: indexArb }),
);

const sequenceArb: fc.Arbitrary<Sequence> = fc.record({
  visibilities: fc.array(fc.constantFrom(...VISIBILITIES), {
    minLength: TREE.length + FOREIGN_TREE.length,
    maxLength: TREE.length + FOREIGN_TREE.length,
  }),
  policies: fc.tuple(principalGrantsArb, principalGrantsArb),
  principals: fc.array(principalArb, { minLength: 2, maxLength: 4 }),
  ops: fc.array(opArb, { minLength: 5, maxLength: 10 }),
});

// ---------------------------------------------------------------------------------------------
// Effective grants, by value, and what one set gained over another.

/** The shape of GET /v1/me's `grants`. */
interface Effective {
  readonly permissions: readonly string[];
  readonly typeWide: Readonly<Record<string, readonly string[]>>;
  readonly allTypes: readonly string[];
  readonly createsTypes: readonly string[];
  readonly resources: Readonly<Record<string, readonly string[]>>;
  readonly readDiscoverable: boolean;
}

/** A key's direct grants, as its key object shows them. */
interface Held {
  readonly permissions: readonly string[];
  readonly scopes: readonly string[];
  readonly levels: Readonly<Record<string, string>>;
}

const NO_HELD: Held = { permissions: [], scopes: [], levels: {} };

const NOTHING: Effective = {
  permissions: [],
  typeWide: {},
  allTypes: [],
  createsTypes: [],
  resources: {},
  readDiscoverable: false,
};

function effectiveOf(compiled: CompiledGrants): Effective {
  const record = (map: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> =>
    Object.fromEntries([...map].map(([name, actions]) => [name, [...actions]]));
  return {
    permissions: [...compiled.permissions],
    typeWide: record(compiled.typeWide),
    allTypes: [...compiled.allTypes],
    createsTypes: [...compiled.createsTypes],
    resources: record(compiled.onResource),
    readDiscoverable: compiled.readDiscoverable,
  };
}

/** A policy's grants as GET /v1/policies/{id} shows them, compiled as a key linked to it (an admin key) would hold them. */
function policyEffective(policy: {
  permissions: string[];
  scopes: string[];
  levels: Record<string, string>;
}): Effective {
  return effectiveOf(compileGrants(model, [grantSourceOf(model, { ...policy, preset: null })]));
}

interface LiveResource {
  readonly id: string;
  readonly type: string;
  readonly parentId: string | null;
}

/** Every action the caller holds on a resource: all types, or type-wide on it or an ancestor, or on it or an ancestor itself. */
function callerActionsOn(caller: Effective, resourceId: string, tree: ReadonlyMap<string, LiveResource>): Set<string> {
  const held = new Set(caller.allTypes);
  let current = tree.get(resourceId);
  if (current === undefined) (caller.resources[resourceId] ?? []).forEach((action) => held.add(action));
  while (current !== undefined) {
    (caller.typeWide[current.type] ?? []).forEach((action) => held.add(action));
    (caller.resources[current.id] ?? []).forEach((action) => held.add(action));
    current = current.parentId === null ? undefined : tree.get(current.parentId);
  }
  return held;
}

/** What `after` gives beyond `before` that `caller` does not hold itself, each named. Empty: no escalation. */
function uncovered(
  before: Effective,
  after: Effective,
  caller: Effective,
  tree: ReadonlyMap<string, LiveResource>,
): string[] {
  const excess: string[] = [];
  const gained = (now: readonly string[], then: readonly string[] = []): string[] =>
    now.filter((item) => !then.includes(item));
  for (const id of gained(after.permissions, before.permissions)) {
    if (!ALWAYS_HELD.has(id) && !caller.permissions.includes(id)) excess.push(`permission ${id}`);
  }
  for (const [type, actions] of Object.entries(after.typeWide)) {
    for (const action of gained(actions, before.typeWide[type])) {
      if (!caller.allTypes.includes(action) && !(caller.typeWide[type] ?? []).includes(action))
        excess.push(`${action} on every ${type}`);
    }
  }
  for (const action of gained(after.allTypes, before.allTypes))
    if (!caller.allTypes.includes(action)) excess.push(`${action} on every type`);
  for (const type of gained(after.createsTypes, before.createsTypes))
    if (!caller.createsTypes.includes(type)) excess.push(`create ${type} anywhere`);
  if (after.readDiscoverable && !before.readDiscoverable && !caller.readDiscoverable)
    excess.push('read whatever it discovers');
  for (const [resourceId, actions] of Object.entries(after.resources)) {
    const held = callerActionsOn(caller, resourceId, tree);
    const resource = tree.get(resourceId);
    for (const action of gained(actions, before.resources[resourceId])) {
      if (!held.has(action)) excess.push(`${action} on ${resource?.type ?? 'resource'} ${resourceId}`);
    }
  }
  return excess;
}

// ---------------------------------------------------------------------------------------------

interface PoolKey {
  readonly id: string;
  readonly secret: string;
  readonly admin: boolean;
  readonly client: Client;
}

const stats = {
  succeeded: 0,
  refused: 0,
  otherwise: 0,
  foreignDiscovered: 0,
  byKind: {} as Record<string, { ok: number; refused: number; other: number }>,
};

function tally(kind: string, reply: Reply): 'ok' | 'refused' | 'other' {
  const outcome = reply.status >= 200 && reply.status < 300 ? 'ok' : reply.status === 403 ? 'refused' : 'other';
  const byKind = (stats.byKind[kind] ??= { ok: 0, refused: 0, other: 0 });
  byKind[outcome] += 1;
  if (outcome === 'ok') stats.succeeded += 1;
  else if (outcome === 'refused') stats.refused += 1;
  else stats.otherwise += 1;
  return outcome;
}

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

describe.each(sqliteOnly())('no escalation through keys, policies and groups on $name', (db) => {
  let tenants = 0;
  const kw = keywardForSuite(db);
  const foreign = tenantForSuite(kw, 'Foreign');

  function must(reply: Reply, what: string): any {
    if (reply.status < 200 || reply.status >= 300)
      throw new Error(`setup: ${what} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  async function me(client: Client): Promise<{ key: any; grants: Effective }> {
    const reply = await client.get('/v1/me');
    const body = must(reply, 'GET /v1/me');
    expect(body.grants.root).toBe(false);
    return body;
  }

  async function runSequence(sequence: Sequence): Promise<void> {
    tenants += 1;
    const seeded: Seeded = await seedTenant(kw, `T${tenants}`);
    // The root key sets the scene: it holds everything, so any generated grant can be given.
    const admin = kw.root;
    const here = { tenantId: seeded.tenantId };
    const inEnvironment = { environmentId: seeded.environmentId };

    const resources: LiveResource[] = [];
    for (const [index, node] of TREE.entries()) {
      const parentId = node.parent === null ? null : (resources[node.parent]?.id ?? null);
      const visibility = pick(sequence.visibilities, index);
      const body = must(
        await admin.post('/v1/resources', {
          ...inEnvironment,
          type: node.type,
          name: `r${index}`,
          visibility,
          ...(parentId === null ? {} : { parentId }),
        }),
        'resource',
      );
      resources.push({ id: body.id, type: node.type, parentId });
    }
    const foreignResources: LiveResource[] = [];
    for (const [index, node] of FOREIGN_TREE.entries()) {
      const parentId = node.parent === null ? null : (foreignResources[node.parent]?.id ?? null);
      const visibility = pick(sequence.visibilities, TREE.length + index);
      const body = must(
        await admin.post('/v1/resources', {
          environmentId: foreign.environmentId,
          type: node.type,
          name: `f${index}`,
          visibility,
          ...(parentId === null ? {} : { parentId }),
        }),
        'foreign resource',
      );
      foreignResources.push({ id: body.id, type: node.type, parentId });
    }
    const probed = [...resources, ...foreignResources];
    const foreignIds = new Set(foreignResources.map((resource) => resource.id));
    /** What verify lets the key do to each probed resource, as `action type id`. */
    const verdicts = async (key: string): Promise<Set<string>> => {
      const allowed = new Set<string>();
      for (const resource of probed) {
        for (const action of PROBED_ACTIONS) {
          const reply = await kw
            .client()
            .post('/v1/verify', { key, action, resource: { type: resource.type, id: resource.id } });
          if (reply.body.code === 'VALID') allowed.add(`${action} ${resource.type} ${resource.id}`);
          if (reply.body.code === 'VALID' && action === 'discover' && foreignIds.has(resource.id))
            stats.foreignDiscovered += 1;
        }
      }
      return allowed;
    };
    /** What the key may now do that it could not before and the caller could not either, each named. */
    const gainedBeyond = (
      after: ReadonlySet<string>,
      before: ReadonlySet<string>,
      caller: ReadonlySet<string>,
    ): string[] =>
      [...after]
        .filter((verdict) => !before.has(verdict) && !caller.has(verdict))
        .map((verdict) => `verify ${verdict}`);
    const tree = new Map(resources.map((resource) => [resource.id, resource]));

    /** A resource of `type` in the tree (the n-th, wrapping), or null: a scope names a resource of its own type (a mismatch is a 400). */
    const resourceOfType = (type: string, n: number): LiveResource | null => {
      const matching = resources.filter((resource) => resource.type === type);
      return matching.length === 0 ? null : pick(matching, n);
    };
    const scopeText = (scope: ScopeSpec): string => {
      const type = TYPES.find((candidate) => candidate.name === scope.type);
      if (type === undefined) throw new Error(`unknown type ${scope.type}`);
      const role = pick(type.roles, scope.role);
      const on = scope.resource === null ? null : resourceOfType(scope.type, scope.resource);
      const base = on === null ? `${scope.type}:${role}` : `${scope.type}:${on.id}:${role}`;
      return scope.plus === null ? base : `${base}+${scope.plus}`;
    };
    const permissionsFor = (permissions: readonly string[], adminKey: boolean): string[] =>
      permissions.filter((id) => adminKey || !ADMIN_ONLY.has(id));
    /** The request's grant fields: the spec's random ones plus what it inherits from the caller's direct grants. */
    const grantBody = (grants: GrantSpec, adminKey: boolean, from: Held = NO_HELD) => {
      const permissions = [...grants.permissions];
      const scopes = grants.scopes.map(scopeText);
      const levels: Record<string, string> = { ...grants.levels };
      if (grants.inherit !== null) {
        if (from.permissions.length > 0)
          for (const at of grants.inherit.permissions) permissions.push(pick(from.permissions, at));
        if (from.scopes.length > 0) {
          for (const { at, resource } of grants.inherit.scopes) {
            const held = pick(from.scopes, at);
            // A type-wide scope narrowed to one resource: `T:role` becomes `T:<res>:role`.
            const [type = '', ...rest] = held.split(':');
            const on = resource === null || rest.length !== 1 ? null : resourceOfType(type, resource);
            scopes.push(on === null ? held : `${type}:${on.id}:${rest[0]}`);
          }
        }
        const levelled = Object.entries(from.levels);
        if (levelled.length > 0) {
          for (const at of grants.inherit.levels) {
            const [type, level] = pick(levelled, at);
            levels[type] = level;
          }
        }
      }
      return { permissions: permissionsFor([...new Set(permissions)], adminKey), scopes: [...new Set(scopes)], levels };
    };

    const groups: string[] = [];
    for (const name of ['g0', 'g1']) groups.push(must(await admin.post('/v1/groups', { ...here, name }), 'group').id);
    const policies: string[] = [];
    for (const [index, grants] of sequence.policies.entries()) {
      const place = index === 0 ? inEnvironment : here;
      policies.push(
        must(await admin.post('/v1/policies', { name: `p${index}`, ...place, ...grantBody(grants, true) }), 'policy')
          .id,
      );
    }

    const pool: PoolKey[] = [];
    const keyBody = (adminKey: boolean) =>
      adminKey ? { kind: 'user', userId: seeded.adminUserId, admin: true } : { kind: 'application' };
    for (const [index, principal] of sequence.principals.entries()) {
      const grants = grantBody(principal.grants, principal.admin);
      if (principal.admin && principal.usersManage && !grants.permissions.includes('users.manage'))
        grants.permissions.push('users.manage');
      const body = must(
        await admin.post('/v1/keys', {
          ...inEnvironment,
          name: `principal${index}`,
          ...keyBody(principal.admin),
          ...grants,
          ...(principal.admin && principal.tenantAdmin ? { preset: 'tenant-admin' } : {}),
          policyIds: principal.policies.map((at) => pick(policies, at)),
          groupIds: principal.groups.map((at) => pick(groups, at)),
        }),
        'principal key',
      );
      pool.push({ id: body.id, secret: body.key, admin: principal.admin, client: kw.client(body.key) });
    }

    // A member user with a key of its own, so user memberships reach keys of another user too.
    const member = must(
      await admin.post('/v1/users', { ...here, name: 'Member', email: `member@t${tenants}.example` }),
      'member user',
    );
    const memberKey = must(
      await admin.post('/v1/keys', { ...inEnvironment, name: 'member', kind: 'user', userId: member.id }),
      'member key',
    );
    pool.push({ id: memberKey.id, secret: memberKey.key, admin: false, client: kw.client(memberKey.key) });
    const users = [seeded.adminUserId, member.id as string];

    const fail = (
      op: Op,
      callerBefore: { key: any; grants: Effective },
      request: unknown,
      reply: Reply,
      excess: readonly string[],
      extra: Record<string, unknown> = {},
    ): never => {
      const report = {
        op: op.kind,
        caller: {
          id: callerBefore.key.id,
          admin: callerBefore.key.admin,
          permissions: callerBefore.key.permissions,
          scopes: callerBefore.key.scopes,
          levels: callerBefore.key.levels,
          policyIds: callerBefore.key.policyIds,
          groupIds: callerBefore.key.groupIds,
          effective: callerBefore.grants,
        },
        request,
        status: reply.status,
        excess,
        resources,
        ...extra,
      };
      throw new Error(
        `escalation: a ${reply.status} handed out what the caller lacked: ${excess.join('; ')}\n${JSON.stringify(report, null, 2)}`,
      );
    };

    for (const op of sequence.ops) {
      const caller = pick(pool, op.caller);
      const callerBefore = await me(caller.client);

      switch (op.kind) {
        case 'createKey': {
          const request = {
            name: 'made',
            ...keyBody(op.admin),
            ...grantBody(op.grants, op.admin, callerBefore.key),
            ...(op.preset === null ? {} : { preset: op.preset }),
            policyIds: op.policies.map((at) => pick(policies, at)).filter((id, at, all) => all.indexOf(id) === at),
            groupIds: op.groups.map((at) => pick(groups, at)).filter((id, at, all) => all.indexOf(id) === at),
          };
          const reply = await caller.client.post('/v1/keys', request);
          if (tally(op.kind, reply) !== 'ok') break;
          const made: PoolKey = {
            id: reply.body.id,
            secret: reply.body.key,
            admin: op.admin,
            client: kw.client(reply.body.key),
          };
          pool.push(made);
          const after = await me(made.client);
          const excess = uncovered(NOTHING, after.grants, callerBefore.grants, tree);
          excess.push(...gainedBeyond(await verdicts(made.secret), new Set(), await verdicts(caller.secret)));
          const outside = callerBefore.grants.permissions.includes('tenant.manage')
            ? []
            : request.groupIds.filter((id) => !callerBefore.key.groupIds.includes(id));
          excess.push(...outside.map((id) => `membership of group ${id}`));
          if (excess.length > 0) fail(op, callerBefore, request, reply, excess, { madeKey: after });
          break;
        }
        case 'patchKey':
        case 'linkPolicy': {
          const target = pick(pool, op.target);
          const targetBefore = await me(target.client);
          const targetVerdictsBefore = await verdicts(target.secret);
          const callerVerdictsBefore = target.id === caller.id ? targetVerdictsBefore : null;
          let request: Record<string, unknown>;
          if (op.kind === 'linkPolicy') {
            const policyId = pick(policies, op.policy);
            request = { policyIds: [...new Set([...(targetBefore.key.policyIds as string[]), policyId])] };
          } else {
            const grants = grantBody(op.grants, target.admin, callerBefore.key);
            request = {};
            for (const kind of op.given) request[kind] = grants[kind];
            if (op.policies !== null) request['policyIds'] = [...new Set(op.policies.map((at) => pick(policies, at)))];
            if (op.groups !== null) request['groupIds'] = [...new Set(op.groups.map((at) => pick(groups, at)))];
            if (Object.keys(request).length === 0) request['name'] = 'renamed';
          }
          const reply = await caller.client.patch(`/v1/keys/${target.id}`, request);
          if (tally(op.kind, reply) !== 'ok') break;
          // Only what the key gained counts: what it had already stays (SPEC §3), the caller included.
          const after = await me(target.client);
          const excess = uncovered(targetBefore.grants, after.grants, callerBefore.grants, tree);
          excess.push(
            ...gainedBeyond(
              await verdicts(target.secret),
              targetVerdictsBefore,
              callerVerdictsBefore ?? (await verdicts(caller.secret)),
            ),
          );
          const addedGroups = ((request['groupIds'] as string[] | undefined) ?? []).filter(
            (id) => !targetBefore.key.groupIds.includes(id),
          );
          const outside = callerBefore.grants.permissions.includes('tenant.manage')
            ? []
            : addedGroups.filter((id) => !callerBefore.key.groupIds.includes(id));
          excess.push(...outside.map((id) => `membership of group ${id}`));
          if (excess.length > 0)
            fail(op, callerBefore, { target: target.id, ...request }, reply, excess, {
              targetBefore,
              targetAfter: after,
            });
          break;
        }
        case 'createPolicy': {
          const request = {
            name: 'made',
            ...(op.tenantWide ? {} : { environmentId: seeded.environmentId }),
            ...grantBody(op.grants, true, callerBefore.key),
          };
          const reply = await caller.client.post('/v1/policies', request);
          if (tally(op.kind, reply) !== 'ok') break;
          policies.push(reply.body.id);
          const excess = uncovered(NOTHING, policyEffective(reply.body), callerBefore.grants, tree);
          if (excess.length > 0) fail(op, callerBefore, request, reply, excess, { policy: reply.body });
          break;
        }
        case 'patchPolicy': {
          const policyId = pick(policies, op.policy);
          const before = must(await admin.get(`/v1/policies/${policyId}`), 'GET policy');
          const grants = grantBody(op.grants, true, callerBefore.key);
          const request: Record<string, unknown> = {};
          for (const kind of op.given) request[kind] = grants[kind];
          const reply = await caller.client.patch(`/v1/policies/${policyId}`, request);
          if (tally(op.kind, reply) !== 'ok') break;
          const excess = uncovered(policyEffective(before), policyEffective(reply.body), callerBefore.grants, tree);
          if (excess.length > 0)
            fail(op, callerBefore, { policy: policyId, ...request }, reply, excess, {
              policyBefore: before,
              policyAfter: reply.body,
            });
          break;
        }
        case 'addMember': {
          const groupId = pick(groups, op.group);
          const target = pick(pool, op.target);
          const reply = await caller.client.post(`/v1/groups/${groupId}/members`, { keyId: target.id });
          if (tally(op.kind, reply) !== 'ok') break;
          const allowed =
            callerBefore.grants.permissions.includes('tenant.manage') || callerBefore.key.groupIds.includes(groupId);
          if (!allowed)
            fail(op, callerBefore, { group: groupId, keyId: target.id }, reply, [`membership of group ${groupId}`]);
          break;
        }
        case 'addUserMember': {
          const groupId = pick(groups, op.group);
          const userId = pick(users, op.user);
          const reply = await caller.client.post(`/v1/groups/${groupId}/members`, { userId });
          if (tally(op.kind, reply) !== 'ok') break;
          const allowed =
            callerBefore.grants.permissions.includes('tenant.manage') || callerBefore.key.groupIds.includes(groupId);
          if (!allowed)
            fail(op, callerBefore, { group: groupId, userId }, reply, [
              `membership of group ${groupId} for user ${userId}`,
            ]);
          // Every key of the user, this one too, is a member now.
          const userKey =
            userId === member.id
              ? pool.find((candidate) => candidate.id === memberKey.id)
              : pool.find((candidate) => candidate.admin);
          if (userKey !== undefined && !(await me(userKey.client)).key.groupIds.includes(groupId)) {
            fail(op, callerBefore, { group: groupId, userId }, reply, [
              `user ${userId}'s key did not join group ${groupId}`,
            ]);
          }
          break;
        }
      }
    }
  }

  it('never yields a key, policy or group membership granting what its caller lacked', async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (sequence) => {
        await runSequence(sequence);
      }),
      { numRuns: 50 },
    );
  }, 180_000);

  it('exercised both sides: some operations succeeded and some were refused', () => {
    expect(stats.succeeded, JSON.stringify(stats)).toBeGreaterThan(0);
    expect(stats.refused, JSON.stringify(stats)).toBeGreaterThan(0);
    // The catalogue was in play: keys discovered another tenant's resources with no grant on them.
    expect(stats.foreignDiscovered, JSON.stringify(stats)).toBeGreaterThan(0);
    console.log(`no-escalation: ${JSON.stringify(stats)}`);
  });
});
