/**
 * Property tests of the check (SPEC §2 "grants are a union", §3 steps 4–5) over the default model,
 * with random named permissions, type-wide scopes and resource-scoped scopes: adding a grant never
 * turns an allow into a deny and removing one never turns a deny into an allow (checkResource,
 * checkType, checkCreate); the root key is allowed everything; a non-root key never updates, creates,
 * deletes or shares in another environment; visibility alone grants nothing but the catalogue's
 * discover (SPEC §3 step 4), and that only where the resource and its ancestors are reached; a type-wide yes holds
 * for every resource of the type. Runs are bounded so the file stays fast.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkCode,
  checkCreate,
  checkResource,
  checkType,
  type CheckResult,
  type KeyPosition,
  type TargetResource,
  type Visibility,
} from './check.js';
import { compileGrants, noGrants, type CompiledGrants, type GrantSource } from './grants/compile-grants.js';
import { parseScope, type Scope } from './grants/scope-syntax.js';
import { defaultModel } from './model/load-model.js';

const model = defaultModel();
const ACTIONS = [...model.actions];
const TYPES = [...model.types.keys()];
const PERMISSIONS = [...model.permissions.keys()];
const VISIBILITIES: readonly Visibility[] = ['ENVIRONMENT', 'TENANT', 'PUBLIC'];
/** Actions visibility never extends to another environment (SPEC §3 step 4). */
const NEVER_ACROSS = ['update', 'create', 'delete', 'share'];
const RUNS = { numRuns: 300 };

const TEN_A = 'ten_a';
const ENV_A = 'env_a';
const KEY: KeyPosition = { root: false, tenantId: TEN_A, environmentId: ENV_A };
const ROOT: KeyPosition = { root: true, tenantId: null, environmentId: null };
const KEYS: readonly KeyPosition[] = [
  KEY,
  { root: false, tenantId: TEN_A, environmentId: 'env_b' },
  { root: false, tenantId: 'ten_b', environmentId: 'env_c' },
];

function rid(name: string): string {
  return `res_${name.padStart(26, '0')}`;
}

/** [name, type, parent, environment, tenant]: env_a's tree, then env_b of the same tenant, then env_c of ten_b. */
const NODES: readonly (readonly [string, string, string | null, string, string])[] = [
  ['org1', 'org', null, ENV_A, TEN_A],
  ['ns1', 'namespace', null, ENV_A, TEN_A],
  ['p1', 'project', 'ns1', ENV_A, TEN_A],
  ['a1', 'agent', 'p1', ENV_A, TEN_A],
  ['s1', 'session', 'a1', ENV_A, TEN_A],
  ['d1', 'document', 's1', ENV_A, TEN_A],
  ['fn1', 'apiFunction', 'p1', ENV_A, TEN_A],
  ['p2', 'project', 'ns1', ENV_A, TEN_A],
  ['a2', 'agent', 'p2', ENV_A, TEN_A],
  ['a0', 'agent', null, ENV_A, TEN_A],
  ['f1', 'apiFunction', null, ENV_A, TEN_A],
  ['sf1', 'serverFunction', null, ENV_A, TEN_A],
  ['w1', 'webhook', null, ENV_A, TEN_A],
  ['app1', 'application', null, ENV_A, TEN_A],
  ['sec1', 'secret', null, ENV_A, TEN_A],
  ['var1', 'variable', null, ENV_A, TEN_A],
  ['bns', 'namespace', null, 'env_b', TEN_A],
  ['ba', 'agent', 'bns', 'env_b', TEN_A],
  ['bs', 'session', 'ba', 'env_b', TEN_A],
  ['bf', 'apiFunction', null, 'env_b', TEN_A],
  ['ca', 'agent', null, 'env_c', 'ten_b'],
  ['cs', 'session', 'ca', 'env_c', 'ten_b'],
];

const TREE = new Map<string, TargetResource>();
for (const [name, type, parent, environmentId, tenantId] of NODES) {
  const above = parent === null ? undefined : TREE.get(parent);
  const ancestors =
    above === undefined
      ? []
      : [
          {
            id: above.id,
            type: above.type,
            environmentId: above.environmentId,
            tenantId: above.tenantId,
            visibility: above.visibility,
          },
          ...above.ancestors,
        ];
  TREE.set(name, { id: rid(name), type, environmentId, tenantId, visibility: 'ENVIRONMENT', ancestors });
}
const NAMES = [...TREE.keys()];
const NAMES_A = NAMES.filter((name) => TREE.get(name)?.environmentId === ENV_A);

function node(name: string, visibility: Visibility): TargetResource {
  const resource = TREE.get(name);
  if (resource === undefined) throw new Error(`fixture: no resource ${name}`);
  return { ...resource, visibility };
}

function scope(text: string): Scope {
  const parsed = parseScope(text, model);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.scope;
}

/** Every valid type-wide scope of the model (`agent:executor` included: parsed to `agent:viewer+run`). */
const TYPE_WIDE = [...model.types].flatMap(([type, def]) => [...def.roles].map((role) => `${type}:${role}`));

type Item = { readonly permission: string } | { readonly scope: Scope };

const arbPermission: fc.Arbitrary<Item> = fc.constantFrom(...PERMISSIONS).map((permission) => ({ permission }));
const arbTypeWide: fc.Arbitrary<Item> = fc.constantFrom(...TYPE_WIDE).map((text) => ({ scope: scope(text) }));
/** `type:<id>:role[+action]` on a resource of the tree, with a role valid for its type. */
const arbOnResource: fc.Arbitrary<Item> = fc
  .tuple(fc.constantFrom(...NAMES), fc.nat(), fc.option(fc.constantFrom(...ACTIONS), { nil: undefined }))
  .map(([name, n, extra]) => {
    const resource = node(name, 'ENVIRONMENT');
    const roles = [...(model.types.get(resource.type)?.roles ?? [])];
    const role = roles[n % roles.length] ?? '';
    return { scope: scope(`${resource.type}:${resource.id}:${role}${extra === undefined ? '' : `+${extra}`}`) };
  });
const arbItem = fc.oneof(arbPermission, arbTypeWide, arbOnResource);
const arbItems = fc.array(arbItem, { maxLength: 6 });
/** A principal's grant sources: direct grants and linked policies. */
const arbSources = fc.array(arbItems, { maxLength: 3 });

function source(items: readonly Item[]): GrantSource {
  return {
    permissions: items.flatMap((item) => ('permission' in item ? [item.permission] : [])),
    scopes: items.flatMap((item) => ('scope' in item ? [item.scope] : [])),
  };
}

function compile(sources: readonly (readonly Item[])[]): CompiledGrants {
  return compileGrants(model, sources.map(source));
}

type Query =
  | { readonly kind: 'resource'; readonly action: string; readonly resource: TargetResource }
  | { readonly kind: 'type'; readonly action: string; readonly type: string }
  | { readonly kind: 'create'; readonly type: string; readonly parent: TargetResource | null };

const arbResource = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VISIBILITIES))
  .map(([name, visibility]) => node(name, visibility));
const arbQuery: fc.Arbitrary<Query> = fc.oneof(
  fc.record({ kind: fc.constant('resource' as const), action: fc.constantFrom(...ACTIONS), resource: arbResource }),
  fc.record({
    kind: fc.constant('type' as const),
    action: fc.constantFrom(...ACTIONS),
    type: fc.constantFrom(...TYPES),
  }),
  fc.record({
    kind: fc.constant('create' as const),
    type: fc.constantFrom(...TYPES),
    parent: fc.option(arbResource, { nil: null }),
  }),
);

function answer(key: KeyPosition, grants: CompiledGrants, query: Query): CheckResult {
  const result =
    query.kind === 'resource'
      ? checkResource(key, grants, query.action, query.resource)
      : query.kind === 'type'
        ? checkType(key, grants, query.action, query.type)
        : checkCreate(model, key, grants, query.type, query.parent);
  // Every answer carries its verdict code, and a denial says what was missing.
  expect(checkCode(result)).toBe(result.allowed ? 'VALID' : 'FORBIDDEN');
  if (!result.allowed) expect(result.missing).toMatch(/\S/);
  return result;
}

function describeQuery(query: Query): string {
  if (query.kind === 'resource')
    return `${query.action} on ${query.resource.type} ${query.resource.id} (${query.resource.environmentId}, ${query.resource.visibility})`;
  if (query.kind === 'type') return `${query.action} on every ${query.type}`;
  return `create ${query.type} under ${query.parent === null ? 'nothing' : `${query.parent.type} ${query.parent.id} (${query.parent.environmentId})`}`;
}

/** Counts how often each side of an implication was exercised, so a property cannot pass vacuously. */
function tally(): { allowed: number; denied: number } {
  return { allowed: 0, denied: 0 };
}

describe('grants are a union (SPEC §2): monotone in the grants held', () => {
  it('adding grant sources never turns an allow into a deny', () => {
    const seen = tally();
    fc.assert(
      fc.property(arbSources, arbSources, arbQuery, (a, b, query) => {
        const before = answer(KEY, compile(a), query);
        const after = answer(KEY, compile([...a, ...b]), query);
        if (before.allowed) {
          seen.allowed++;
          expect(after.allowed, describeQuery(query)).toBe(true);
        } else {
          seen.denied++;
        }
      }),
      RUNS,
    );
    expect(seen.allowed).toBeGreaterThan(0);
    expect(seen.denied).toBeGreaterThan(0);
  });

  it('adding one grant to a source (a policy edit) never turns an allow into a deny', () => {
    const seen = tally();
    fc.assert(
      fc.property(arbItems, arbItem, fc.nat(), arbQuery, (items, extra, at, query) => {
        const position = at % (items.length + 1);
        const widened = [...items.slice(0, position), extra, ...items.slice(position)];
        const before = answer(KEY, compile([items]), query);
        if (!before.allowed) return;
        seen.allowed++;
        expect(answer(KEY, compile([widened]), query).allowed, describeQuery(query)).toBe(true);
      }),
      RUNS,
    );
    expect(seen.allowed).toBeGreaterThan(0);
  });

  it('removing any one grant never turns a deny into an allow', () => {
    const seen = tally();
    fc.assert(
      fc.property(
        fc.array(arbItem, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        arbQuery,
        (items, groups, query) => {
          // The full set spread over one to three sources; each reduced set lacks one item.
          const spread = (list: readonly Item[]) =>
            Array.from({ length: groups }, (_, g) => list.filter((_, i) => i % groups === g));
          if (answer(KEY, compile(spread(items)), query).allowed) {
            seen.allowed++;
            return;
          }
          seen.denied++;
          items.forEach((_, removed) => {
            expect(
              answer(KEY, compile(spread(items.filter((__, i) => i !== removed))), query).allowed,
              `${describeQuery(query)} without item ${removed}`,
            ).toBe(false);
          });
        },
      ),
      RUNS,
    );
    expect(seen.denied).toBeGreaterThan(0);
    expect(seen.allowed).toBeGreaterThan(0);
  });

  it('the order and grouping of grant sources do not matter', () => {
    fc.assert(
      fc.property(arbSources, arbQuery, (sources, query) => {
        const grouped = answer(KEY, compile(sources), query);
        const flat = answer(KEY, compile([sources.flat()]), query);
        const reversed = answer(KEY, compile([...sources].reverse()), query);
        expect(flat.allowed, describeQuery(query)).toBe(grouped.allowed);
        expect(reversed.allowed, describeQuery(query)).toBe(grouped.allowed);
      }),
      RUNS,
    );
  });
});

describe('the root key (SPEC §1: passes every requirement)', () => {
  it("is allowed every action on every resource, whatever its grants and the resource's environment or visibility", () => {
    fc.assert(
      fc.property(arbSources, fc.constantFrom(...ACTIONS), arbResource, (sources, action, resource) => {
        expect(checkCode(checkResource(ROOT, compile(sources), action, resource))).toBe('VALID');
      }),
      RUNS,
    );
  });

  it('answers every type-wide question yes, and creates any type wherever the model places it', () => {
    fc.assert(
      fc.property(
        arbSources,
        fc.constantFrom(...ACTIONS),
        fc.constantFrom(...TYPES),
        fc.option(arbResource, { nil: null }),
        (sources, action, type, parent) => {
          const grants = compile(sources);
          expect(checkCode(checkType(ROOT, grants, action, type))).toBe('VALID');
          const def = model.types.get(type);
          const placeable = parent === null ? def?.topLevel === true : def?.parents.has(parent.type) === true;
          if (placeable) expect(checkCode(checkCreate(model, ROOT, grants, type, parent))).toBe('VALID');
        },
      ),
      RUNS,
    );
  });
});

describe('another environment (SPEC §3 step 4)', () => {
  const arbElsewhere = fc
    .tuple(fc.constantFrom(...KEYS), fc.constantFrom(...NAMES), fc.constantFrom(...VISIBILITIES))
    .filter(([key, name]) => TREE.get(name)?.environmentId !== key.environmentId)
    .map(([key, name, visibility]) => [key, node(name, visibility)] as const);

  it('never lets a non-root key update, create, delete or share there, whatever its grants', () => {
    fc.assert(
      fc.property(arbSources, arbElsewhere, fc.constantFrom(...NEVER_ACROSS), (sources, [key, resource], action) => {
        const result = answer(key, compile(sources), { kind: 'resource', action, resource });
        expect(result.allowed, `${action} on ${resource.id} from ${key.environmentId}`).toBe(false);
        expect(checkCode(result)).toBe('FORBIDDEN');
      }),
      RUNS,
    );
  });

  it('never lets a non-root key create anything under a parent there, whatever its grants', () => {
    fc.assert(
      fc.property(arbSources, arbElsewhere, fc.constantFrom(...TYPES), (sources, [key, parent], type) => {
        expect(
          answer(key, compile(sources), { kind: 'create', type, parent }).allowed,
          `${type} under ${parent.id} from ${key.environmentId}`,
        ).toBe(false);
      }),
      RUNS,
    );
  });

  it('reaches there for discover, read and run only when the resource is TENANT (same tenant) or PUBLIC', () => {
    fc.assert(
      fc.property(
        arbSources,
        arbElsewhere,
        fc.constantFrom('discover', 'read', 'run'),
        (sources, [key, resource], action) => {
          const visible =
            resource.visibility === 'PUBLIC' ||
            (resource.visibility === 'TENANT' && resource.tenantId === key.tenantId);
          const result = answer(key, compile(sources), { kind: 'resource', action, resource });
          if (!visible)
            expect(
              result.allowed,
              `${action} on ${resource.id} (${resource.visibility}) from ${key.environmentId}`,
            ).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe('visibility and the type-wide answer', () => {
  it("visibility alone grants nothing but the catalogue's discover: a key with no grants is denied everything else", () => {
    const seen = tally();
    const reached = (
      key: KeyPosition,
      at: { environmentId: string; tenantId: string; visibility: Visibility },
    ): boolean =>
      at.environmentId === key.environmentId ||
      at.visibility === 'PUBLIC' ||
      (at.visibility === 'TENANT' && at.tenantId === key.tenantId);
    const catalogue = (type: string): boolean => model.types.get(type)?.catalogue === true;
    fc.assert(
      fc.property(fc.constantFrom(...KEYS), arbQuery, (key, query) => {
        const expected =
          query.kind === 'type'
            ? query.action === 'discover' && catalogue(query.type)
            : query.kind === 'resource' &&
              query.action === 'discover' &&
              catalogue(query.resource.type) &&
              [query.resource, ...query.resource.ancestors].every((at) => reached(key, at));
        if (expected) seen.allowed++;
        expect(answer(key, noGrants(model), query).allowed, describeQuery(query)).toBe(expected);
      }),
      RUNS,
    );
    expect(seen.allowed).toBeGreaterThan(0);
  });

  it("a type-wide yes (other than create) holds for every resource of that type in the key's environment", () => {
    const seen = tally();
    fc.assert(
      fc.property(
        arbSources,
        fc.constantFrom(...ACTIONS.filter((action) => action !== 'create')),
        fc.constantFrom(...TYPES),
        (sources, action, type) => {
          const grants = compile(sources);
          if (!answer(KEY, grants, { kind: 'type', action, type }).allowed) return;
          seen.allowed++;
          for (const name of NAMES_A.filter((n) => TREE.get(n)?.type === type)) {
            for (const visibility of VISIBILITIES)
              expect(
                answer(KEY, grants, { kind: 'resource', action, resource: node(name, visibility) }).allowed,
                `${action} on ${name}`,
              ).toBe(true);
          }
        },
      ),
      RUNS,
    );
    expect(seen.allowed).toBeGreaterThan(0);
  });
});
