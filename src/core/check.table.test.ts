/**
 * Table-driven proof that the check (SPEC §2 and §3 steps 4–5) answers as the default model says:
 * every preset, every role of every type held type-wide, every named and runtime permission,
 * resource-scoped grants inherited down namespace → project → agent → session → document, reach
 * across environments and tenants by visibility, the root key, and the type-wide (create) question.
 * Each cell asserts allow/deny, the verdict code, and that a denial names what was missing.
 * The grant tables compile a key's own grants (`ownGrants`), without the catalogue's discovery
 * every key has, so each shows what the grant itself gives; the catalogue has its own table.
 */
import { describe, expect, it } from 'vitest';
import {
  checkCode,
  checkCreate,
  checkResource,
  checkType,
  reach,
  type CheckResult,
  type KeyPosition,
  type TargetResource,
  type Visibility,
} from './check.js';
import { compileGrants, noGrants, ownGrants, type CompiledGrants } from './grants/compile-grants.js';
import { grantSourceOf, levelsApplyTo } from './grants/grant-set.js';
import { parseScope, type Scope } from './grants/scope-syntax.js';
import { defaultModel } from './model/load-model.js';

const model = defaultModel();
const ACTIONS = [...model.actions];
const ALL = ACTIONS.join(' ');
const EDIT = 'discover read run update create';
const VIEW = 'discover read';
const REACHING = 'discover read run';

const TEN_A = 'ten_a';
const TEN_B = 'ten_b';
const ENV_A = 'env_a';
const ENV_B = 'env_b';
const ENV_C = 'env_c';

const KEY: KeyPosition = { root: false, tenantId: TEN_A, environmentId: ENV_A };
const ROOT: KeyPosition = { root: true, tenantId: null, environmentId: null };

/** A resource id the scope syntax accepts: `res_` + 26 chars of [0-9a-z]. */
function rid(name: string): string {
  return `res_${name.padStart(26, '0')}`;
}

type Node = readonly [name: string, type: string, parent: string | null];

/** The tree in env_a of ten_a, parents before children. */
const TREE_A: readonly Node[] = [
  ['org1', 'org', null],
  ['ns1', 'namespace', null],
  ['p1', 'project', 'ns1'],
  ['a1', 'agent', 'p1'],
  ['s1', 'session', 'a1'],
  ['d1', 'document', 's1'],
  ['fn1', 'apiFunction', 'p1'],
  ['p2', 'project', 'ns1'],
  ['a2', 'agent', 'p2'],
  ['p0', 'project', null],
  ['a0', 'agent', null],
  ['s0', 'session', 'a0'],
  ['f1', 'apiFunction', null],
  ['sf1', 'serverFunction', null],
  ['cf1', 'clientFunction', null],
  ['w1', 'webhook', null],
  ['t1', 'trigger', null],
  ['j1', 'job', null],
  ['var1', 'variable', null],
  ['sec1', 'secret', null],
  ['sch1', 'schema', null],
  ['sn1', 'snippet', null],
  ['app1', 'application', null],
  ['ce1', 'cloudEvent', null],
];

type OtherNode = readonly [
  name: string,
  type: string,
  parent: string | null,
  environmentId: string,
  tenantId: string,
  visibility: Visibility,
];

/** Resources outside env_a: another environment of ten_a (env_b), and another tenant (ten_b, env_c). */
const OTHERS: readonly OtherNode[] = [
  ['be', 'agent', null, ENV_B, TEN_A, 'ENVIRONMENT'],
  ['bt', 'agent', null, ENV_B, TEN_A, 'TENANT'],
  ['bts', 'session', 'bt', ENV_B, TEN_A, 'TENANT'],
  ['bp', 'agent', null, ENV_B, TEN_A, 'PUBLIC'],
  ['bf', 'apiFunction', null, ENV_B, TEN_A, 'TENANT'],
  ['ct', 'agent', null, ENV_C, TEN_B, 'TENANT'],
  ['cp', 'agent', null, ENV_C, TEN_B, 'PUBLIC'],
];

const R = new Map<string, TargetResource>();
function add(
  name: string,
  type: string,
  parent: string | null,
  environmentId: string,
  tenantId: string,
  visibility: Visibility,
): void {
  const parentResource = parent === null ? undefined : R.get(parent);
  if (parent !== null && parentResource === undefined)
    throw new Error(`fixture: ${name}'s parent ${parent} comes later`);
  const ancestors =
    parentResource === undefined
      ? []
      : [
          {
            id: parentResource.id,
            type: parentResource.type,
            environmentId: parentResource.environmentId,
            tenantId: parentResource.tenantId,
            visibility: parentResource.visibility,
          },
          ...parentResource.ancestors,
        ];
  R.set(name, { id: rid(name), type, environmentId, tenantId, visibility, ancestors });
}
for (const [name, type, parent] of TREE_A) add(name, type, parent, ENV_A, TEN_A, 'ENVIRONMENT');
for (const [name, type, parent, env, tenant, visibility] of OTHERS) add(name, type, parent, env, tenant, visibility);

function res(name: string): TargetResource {
  const resource = R.get(name);
  if (resource === undefined) throw new Error(`fixture: no resource ${name}`);
  return resource;
}

const NAMES_A = TREE_A.map(([name]) => name);
const NAME_BY_ID = new Map([...R].map(([name, resource]) => [resource.id, name]));

/** The first resource of each type in env_a: where a type-wide grant on the type is seen. */
const REPRESENTATIVE = new Map<string, string>();
for (const [name, type] of TREE_A) if (!REPRESENTATIVE.has(type)) REPRESENTATIVE.set(type, name);

function scope(text: string): Scope {
  const parsed = parseScope(
    text.replace(/\{(\w+)\}/g, (_, name: string) => res(name).id),
    model,
  );
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.scope;
}

/** A preset's scopes and permissions, compiled. */
function presetGrants(name: string): CompiledGrants {
  const preset = model.presets.get(name);
  if (preset === undefined) throw new Error(`fixture: unknown preset ${name}`);
  return grants(...preset.scopes, ...preset.permissions);
}

/** Compiles `levels` ({agent: 'edit'}) as a key or policy holds them, with other grants. */
function levelGrants(levels: Readonly<Record<string, string>>, ...items: readonly string[]): CompiledGrants {
  const source = grantSourceOf(model, {
    permissions: items.filter((item) => !item.includes(':')),
    scopes: items.filter((item) => item.includes(':')),
    levels,
    preset: null,
  });
  return ownGrants(compileGrants(model, [source]));
}

/** Compiles grants from scopes (`type:role`, `type:{name}:role`) and permission ids, each checked against the model. */
function grants(...items: readonly string[]): CompiledGrants {
  const permissions = items.filter((item) => !item.includes(':'));
  for (const id of permissions) if (!model.permissions.has(id)) throw new Error(`fixture: unknown permission ${id}`);
  return ownGrants(
    compileGrants(model, [{ permissions, scopes: items.filter((item) => item.includes(':')).map(scope) }]),
  );
}

type Code = 'VALID' | 'FORBIDDEN';

/** The verdict code; a denial must also say what was missing. */
function verdict(result: CheckResult): Code {
  const code = checkCode(result);
  if (result.allowed) {
    expect(code).toBe('VALID');
  } else {
    expect(code).toBe('FORBIDDEN');
    expect(result.missing).toMatch(/\S/);
  }
  return code;
}

/** The actions (in model order, space separated) the key may take on the resource; every denial checked. */
function allowedOn(key: KeyPosition, compiled: CompiledGrants, resource: TargetResource): string {
  return ACTIONS.filter((action) => verdict(checkResource(key, compiled, action, resource)) === 'VALID').join(' ');
}

/** The same for every resource of env_a: name → allowed actions. */
function allowedOnTree(
  key: KeyPosition,
  compiled: CompiledGrants,
  names: readonly string[] = NAMES_A,
): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, allowedOn(key, compiled, res(name))]));
}

/** Keeps the listed actions in model order: `only('run read')` → 'read run'. */
function only(actions: Iterable<string>): string {
  const set = new Set(actions);
  return ACTIONS.filter((action) => set.has(action)).join(' ');
}

function split(actions: string): string[] {
  return actions === '' ? [] : actions.split(' ');
}

/** The resource's own type and its ancestors' types. */
function typesAbove(resource: TargetResource): string[] {
  return [resource.type, ...resource.ancestors.map((ancestor) => ancestor.type)];
}

describe('the fixture', () => {
  it('places every resource where the model allows and uses ids the scope syntax accepts', () => {
    for (const [name, resource] of R) {
      const type = model.types.get(resource.type);
      expect(type, name).toBeDefined();
      const parent = resource.ancestors[0];
      if (parent === undefined) expect(type?.topLevel, name).toBe(true);
      else expect(type?.parents.has(parent.type), name).toBe(true);
      expect(parseScope(`${resource.type}:${resource.id}:${[...(type?.roles ?? [])][0]}`, model).ok, name).toBe(true);
    }
  });

  it('has a resource of every type of the model in env_a, so the loops below walk every type', () => {
    expect([...REPRESENTATIVE.keys()].sort()).toEqual([...model.types.keys()].sort());
  });
});

describe('presets (SPEC §2: deploy, read-only, agent-runner, custom)', () => {
  /** Resources of env_a not listed get nothing. */
  const EXPECTED: Record<string, Record<string, string>> = {
    // namespace:admin owns everything under ns1; agent:editor and project:editor edit the top-level ones.
    deploy: { ns1: ALL, p1: ALL, a1: ALL, s1: ALL, d1: ALL, fn1: ALL, p2: ALL, a2: ALL, p0: EDIT, a0: EDIT, s0: EDIT },
    // agent:viewer and project:viewer: view agents and projects and what is under them, never the namespace.
    'read-only': {
      p1: VIEW,
      a1: VIEW,
      s1: VIEW,
      d1: VIEW,
      fn1: VIEW,
      p2: VIEW,
      a2: VIEW,
      p0: VIEW,
      a0: VIEW,
      s0: VIEW,
    },
    // project:editor reaches the agents under a project; a top-level agent is only viewed (agent:viewer).
    'agent-runner': {
      p1: EDIT,
      a1: EDIT,
      s1: EDIT,
      d1: EDIT,
      fn1: EDIT,
      p2: EDIT,
      a2: EDIT,
      p0: EDIT,
      a0: VIEW,
      s0: VIEW,
    },
    custom: {},
    // org:admin plus every named permission: the tenant's administrator owns every resource of env_a.
    'tenant-admin': Object.fromEntries(NAMES_A.map((name) => [name, ALL])),
  };

  it('covers every preset of the model', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...model.presets.keys()].sort());
  });

  for (const [preset, def] of model.presets) {
    const compiled = presetGrants(preset);
    for (const name of NAMES_A) {
      const expected = EXPECTED[preset]?.[name] ?? '';
      it(`${preset} [${def.scopes.join(', ')}] on ${res(name).type} ${name}: ${expected === '' ? 'nothing' : expected}`, () => {
        expect(allowedOn(KEY, compiled, res(name))).toBe(expected);
      });
    }
  }

  it.each([
    ['deploy may delete a1 under ns1 (namespace:admin, inherited)', 'deploy', 'a1', 'delete', 'VALID'],
    ['deploy may not delete the top-level agent a0 (agent:editor only)', 'deploy', 'a0', 'delete', 'FORBIDDEN'],
    ['read-only may read a1', 'read-only', 'a1', 'read', 'VALID'],
    ['read-only may not update a1', 'read-only', 'a1', 'update', 'FORBIDDEN'],
    ['read-only may not run a1', 'read-only', 'a1', 'run', 'FORBIDDEN'],
    ['agent-runner may run a1 (project:editor on p1)', 'agent-runner', 'a1', 'run', 'VALID'],
    ['agent-runner may not run the top-level agent a0', 'agent-runner', 'a0', 'run', 'FORBIDDEN'],
    ['custom may not discover a1', 'custom', 'a1', 'discover', 'FORBIDDEN'],
  ] as const)('%s', (_, preset, name, action, expected) => {
    expect(verdict(checkResource(KEY, presetGrants(preset), action, res(name)))).toBe(expected);
  });

  it('custom holds no permission but assistant.use', () => {
    expect([...presetGrants('custom').permissions]).toEqual(['assistant.use']);
  });

  it.each([
    ['deploy', 'namespace', null, 'VALID'],
    // Seed 004: "A deploy key creates agents during CI" (agent:editor, project:editor type-wide).
    ['deploy', 'agent', null, 'VALID'],
    ['deploy', 'project', null, 'VALID'],
    ['deploy', 'agent', 'p1', 'VALID'],
    ['read-only', 'agent', null, 'FORBIDDEN'],
    ['deploy', 'agent', 'ns1', 'VALID'],
    ['deploy', 'session', 'a0', 'VALID'],
    ['read-only', 'session', 'a1', 'FORBIDDEN'],
    ['agent-runner', 'session', 'a1', 'VALID'],
    ['agent-runner', 'session', 'a0', 'FORBIDDEN'],
    ['custom', 'agent', null, 'FORBIDDEN'],
  ] as const)('%s creating a %s under %s: %s', (preset, type, parent, expected) => {
    expect(verdict(checkCreate(model, KEY, presetGrants(preset), type, parent === null ? null : res(parent)))).toBe(
      expected,
    );
  });
});

describe('every role of every type, held type-wide (type:role)', () => {
  for (const [type, typeDef] of model.types) {
    for (const roleName of typeDef.roles) {
      const role = model.roles.get(roleName);
      if (role === undefined) throw new Error(`model: ${type} names unknown role ${roleName}`);
      const text = `${type}:${roleName}`;
      const roleActions = only(role.actions);
      // SPEC §2: org is the implicit root of every tree, so a role on all of it holds everywhere.
      const everywhere = role.allTypes || typeDef.root;

      it(`${text} allows ${roleActions} on every ${type} and its descendants${everywhere ? ' (and on every type)' : ', nothing elsewhere'}`, () => {
        const compiled = grants(text);
        const expected = Object.fromEntries(
          NAMES_A.map((name) => [name, everywhere || typesAbove(res(name)).includes(type) ? roleActions : '']),
        );
        expect(allowedOnTree(KEY, compiled)).toEqual(expected);
        // Not vacuous: the type's own resource is covered, and unless the role spans all types an unrelated top-level one is not.
        expect(expected[REPRESENTATIVE.get(type) ?? '']).toBe(roleActions);
        if (!everywhere) expect(Object.values(expected)).toContain('');
      });

      it(`${text} answers the type-wide question: create ${role.createsType ? 'allowed' : 'denied'}, other actions as the role`, () => {
        const compiled = grants(text);
        for (const otherType of model.types.keys()) {
          const sameType = otherType === type || everywhere;
          for (const action of ACTIONS) {
            const expected =
              action === 'create'
                ? (otherType === type || typeDef.root) && role.createsType
                : sameType && role.actions.has(action);
            expect(verdict(checkType(KEY, compiled, action, otherType)), `${action} on every ${otherType}`).toBe(
              expected ? 'VALID' : 'FORBIDDEN',
            );
          }
          const topLevel = model.types.get(otherType)?.topLevel === true;
          const createTop = topLevel && (otherType === type || typeDef.root) && role.createsType;
          expect(verdict(checkCreate(model, KEY, compiled, otherType, null)), `create a top-level ${otherType}`).toBe(
            createTop ? 'VALID' : 'FORBIDDEN',
          );
        }
      });
    }
  }

  it('org:member lets the key discover every resource of every type and nothing more', () => {
    const tree = allowedOnTree(KEY, grants('org:member'));
    expect(new Set(Object.values(tree))).toEqual(new Set(['discover']));
    for (const type of model.types.keys())
      expect(verdict(checkType(KEY, grants('org:member'), 'discover', type)), type).toBe('VALID');
  });

  it.each([
    ['agent:owner', 'f1'],
    ['apiFunction:owner', 'w1'],
    ['webhook:owner', 'f1'],
    ['namespace:admin', 'p0'],
    ['project:owner', 'a0'],
    ['secret:owner', 'var1'],
    ['session:owner', 'a1'],
  ] as const)('%s grants nothing on the unrelated %s', (text, name) => {
    expect(allowedOn(KEY, grants(text), res(name))).toBe('');
  });
});

describe('executor (legacy: stored as viewer plus run)', () => {
  it('agent:executor parses to agent:viewer+run', () => {
    expect(scope('agent:executor')).toEqual({ type: 'agent', resourceId: null, role: 'viewer', plus: ['run'] });
    expect(scope('agent:{a1}:executor')).toEqual({
      type: 'agent',
      resourceId: res('a1').id,
      role: 'viewer',
      plus: ['run'],
    });
  });

  it('is valid only where the model lists it', () => {
    expect(parseScope('project:executor', model).ok).toBe(false);
    expect(parseScope('apiFunction:executor', model).ok).toBe(false);
  });

  it.each([
    ['agent:executor', 'a1', REACHING],
    ['agent:executor', 'a0', REACHING],
    ['agent:executor', 's1', REACHING],
    ['agent:executor', 'p1', ''],
    ['agent:{a1}:executor', 'a1', REACHING],
    ['agent:{a1}:executor', 'd1', REACHING],
    ['agent:{a1}:executor', 'a2', ''],
    ['agent:viewer+run', 'a1', REACHING],
  ] as const)('%s on %s: %s', (text, name, expected) => {
    expect(allowedOn(KEY, grants(text), res(name))).toBe(expected);
  });

  it('may not create agents, even type-wide', () => {
    expect(verdict(checkType(KEY, grants('agent:executor'), 'create', 'agent'))).toBe('FORBIDDEN');
  });
});

describe('named and runtime permissions (SPEC §2 tables)', () => {
  /** Per SPEC §2: type → actions on every resource of it (and its descendants); types it may create outright. */
  const EXPECTED: Record<
    string,
    { readonly on: Readonly<Record<string, string>>; readonly creates: readonly string[] }
  > = {
    // Seed 000: a key sees the catalogue, and reads, what it may call.
    'functions.execute': {
      on: { apiFunction: REACHING, serverFunction: REACHING, clientFunction: REACHING, webhook: REACHING },
      creates: [],
    },
    'applications.use': { on: { application: REACHING }, creates: [] },
    // Seed 000: the catalogue an SDK is generated from, never variables or secrets.
    'library.generate': {
      on: Object.fromEntries(
        [
          'apiFunction',
          'serverFunction',
          'clientFunction',
          'webhook',
          'trigger',
          'schema',
          'snippet',
          'application',
        ].map((type) => [type, VIEW]),
      ),
      creates: [],
    },
    'apiFunctions.manage': { on: { apiFunction: ALL }, creates: ['apiFunction'] },
    'webhooks.manage': { on: { webhook: ALL }, creates: ['webhook'] },
    'triggers.manage': { on: { trigger: ALL }, creates: ['trigger'] },
    'applications.manage': { on: { application: ALL }, creates: ['application'] },
    'schemas.manage': { on: { schema: ALL }, creates: ['schema'] },
    'snippets.manage': { on: { snippet: ALL }, creates: ['snippet'] },
    'variables.manage': { on: { variable: ALL }, creates: ['variable'] },
    'secrets.manage': { on: { secret: ALL }, creates: ['secret'] },
    'jobs.manage': { on: { job: ALL }, creates: ['job'] },
    customDev: { on: { serverFunction: ALL, clientFunction: ALL }, creates: ['serverFunction', 'clientFunction'] },
    'authConfig.manage': { on: {}, creates: [] },
    'users.manage': { on: {}, creates: [] },
    'tenant.manage': { on: {}, creates: [] },
    'assistant.use': { on: {}, creates: [] },
    // The replica's change stream asks for it by name (SPEC §4); it grants nothing in the check.
    'verify.replicate': { on: {}, creates: [] },
    // Seed 001's runtime permissions, each with the discover it needs to find its target.
    'runtime.run': { on: { agent: REACHING }, creates: ['session'] },
    'runtime.sessionCreate': { on: { agent: 'discover' }, creates: ['session'] },
    'runtime.sessionTerminate': { on: { session: 'discover delete' }, creates: [] },
    'runtime.documentUpload': { on: { session: 'discover' }, creates: ['document'] },
  };

  it('covers every permission of the model', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...model.permissions.keys()].sort());
  });

  for (const id of model.permissions.keys()) {
    const expectedOn = EXPECTED[id]?.on ?? {};
    const creates = EXPECTED[id]?.creates ?? [];

    it(`${id} on the resources of env_a: ${
      Object.entries(expectedOn)
        .map(([type, actions]) => `${actions} on ${type}`)
        .join(', ') || 'nothing'
    }`, () => {
      const compiled = grants(id);
      expect(compiled.permissions.has(id)).toBe(true);
      expect(compiled.permissions.has('assistant.use')).toBe(true);
      const expected = Object.fromEntries(
        NAMES_A.map((name) => [name, only(typesAbove(res(name)).flatMap((type) => split(expectedOn[type] ?? '')))]),
      );
      expect(allowedOnTree(KEY, compiled)).toEqual(expected);
    });

    it(`${id} answers the type-wide question: creates ${creates.join(', ') || 'nothing'}`, () => {
      const compiled = grants(id);
      for (const [type, typeDef] of model.types) {
        for (const action of ACTIONS) {
          const expected =
            action === 'create' ? creates.includes(type) : split(expectedOn[type] ?? '').includes(action);
          expect(verdict(checkType(KEY, compiled, action, type)), `${action} on every ${type}`).toBe(
            expected ? 'VALID' : 'FORBIDDEN',
          );
        }
        expect(verdict(checkCreate(model, KEY, compiled, type, null)), `create a top-level ${type}`).toBe(
          typeDef.topLevel && creates.includes(type) ? 'VALID' : 'FORBIDDEN',
        );
      }
    });
  }

  it('assistant.use is held with no grant source at all, and is the only permission held then', () => {
    expect([...compileGrants(model, []).permissions]).toEqual(['assistant.use']);
    expect([...noGrants(model).permissions]).toEqual(['assistant.use']);
    expect(allowedOnTree(KEY, ownGrants(noGrants(model)))).toEqual(
      Object.fromEntries(NAMES_A.map((name) => [name, ''])),
    );
  });

  it.each(['authConfig.manage', 'users.manage', 'tenant.manage'])('%s is held but grants no resource action', (id) => {
    const compiled = grants(id);
    expect(compiled.permissions).toEqual(new Set([id, 'assistant.use']));
    expect(
      compiled.typeWide.size + compiled.onResource.size + compiled.allTypes.size + compiled.createsTypes.size,
    ).toBe(0);
    expect(Object.values(allowedOnTree(KEY, compiled)).every((actions) => actions === '')).toBe(true);
  });

  it('functions.execute runs functions and triggers webhooks but updates none of them', () => {
    for (const name of ['f1', 'sf1', 'cf1', 'w1', 'fn1']) {
      expect(verdict(checkResource(KEY, grants('functions.execute'), 'run', res(name))), name).toBe('VALID');
      expect(verdict(checkResource(KEY, grants('functions.execute'), 'update', res(name))), name).toBe('FORBIDDEN');
    }
    expect(verdict(checkResource(KEY, grants('functions.execute'), 'run', res('t1')))).toBe('FORBIDDEN');
  });

  /** [description, grants, type to create, parent, expected]: creating under a parent needs create on it, or creating the type outright plus discover, read or run on the parent. */
  it.each([
    ['runtime.run alone: runs a1, so may open a session under it', ['runtime.run'], 'session', 'a1', 'VALID'],
    [
      'runtime.run + agent:discoverer: a session under any agent it can discover',
      ['runtime.run', 'agent:discoverer'],
      'session',
      'a1',
      'VALID',
    ],
    [
      'runtime.run + agent:discoverer: a session under the top-level agent a0',
      ['runtime.run', 'agent:discoverer'],
      'session',
      'a0',
      'VALID',
    ],
    [
      'runtime.run + agent:{a1}:discoverer: a session under a1',
      ['runtime.run', 'agent:{a1}:discoverer'],
      'session',
      'a1',
      'VALID',
    ],
    [
      'runtime.sessionCreate: a session under a2, which it discovers through the permission',
      ['runtime.sessionCreate', 'agent:{a1}:discoverer'],
      'session',
      'a2',
      'VALID',
    ],
    [
      'runtime.run + project:{p1}:viewer: under a1 (discovered through p1)',
      ['runtime.run', 'project:{p1}:viewer'],
      'session',
      'a1',
      'VALID',
    ],
    ['runtime.run: never a top-level session', ['runtime.run', 'agent:owner'], 'session', null, 'FORBIDDEN'],
    [
      'runtime.run: a session only, not a document',
      ['runtime.run', 'agent:discoverer', 'session:viewer'],
      'document',
      's1',
      'FORBIDDEN',
    ],
    [
      'runtime.sessionCreate + agent:viewer: a session under a1',
      ['runtime.sessionCreate', 'agent:viewer'],
      'session',
      'a1',
      'VALID',
    ],
    [
      'seed 001: "Session Create" alone creates a session under any agent (it discovers agents)',
      ['runtime.sessionCreate'],
      'session',
      'a1',
      'VALID',
    ],
    ['seed 001: "Session Create" alone never a document', ['runtime.sessionCreate'], 'document', 's1', 'FORBIDDEN'],
    [
      'seed 001: "Document Upload" alone uploads a document to a session (it discovers sessions)',
      ['runtime.documentUpload'],
      'document',
      's1',
      'VALID',
    ],
    ['seed 001: "Document Upload" alone opens no session', ['runtime.documentUpload'], 'session', 'a1', 'FORBIDDEN'],
    [
      'runtime.documentUpload + session:viewer: a document under s1',
      ['runtime.documentUpload', 'session:viewer'],
      'document',
      's1',
      'VALID',
    ],
    [
      'runtime.documentUpload + agent:{a1}:viewer: a document under s1 (discovered through a1)',
      ['runtime.documentUpload', 'agent:{a1}:viewer'],
      'document',
      's1',
      'VALID',
    ],
    [
      'runtime.documentUpload + agent:viewer: not a session',
      ['runtime.documentUpload', 'agent:viewer'],
      'session',
      'a1',
      'FORBIDDEN',
    ],
    ['agent:editor: create on a1 itself lets it add a session', ['agent:editor'], 'session', 'a1', 'VALID'],
    ['agent:viewer: no create on a1, no session', ['agent:viewer'], 'session', 'a1', 'FORBIDDEN'],
    ['apiFunctions.manage: a top-level apiFunction', ['apiFunctions.manage'], 'apiFunction', null, 'VALID'],
    [
      'apiFunctions.manage: not under p1, which it cannot discover',
      ['apiFunctions.manage'],
      'apiFunction',
      'p1',
      'FORBIDDEN',
    ],
    [
      'apiFunctions.manage + project:discoverer: under p1',
      ['apiFunctions.manage', 'project:discoverer'],
      'apiFunction',
      'p1',
      'VALID',
    ],
    [
      'apiFunctions.manage + namespace:{ns1}:admin: under ns1',
      ['apiFunctions.manage', 'namespace:{ns1}:admin'],
      'apiFunction',
      'ns1',
      'VALID',
    ],
    [
      'apiFunctions.manage + agent:owner: an apiFunction cannot sit under an agent',
      ['apiFunctions.manage', 'agent:owner'],
      'apiFunction',
      'a1',
      'FORBIDDEN',
    ],
  ] as const)('%s', (_, items, type, parent, expected) => {
    expect(verdict(checkCreate(model, KEY, grants(...items), type, parent === null ? null : res(parent)))).toBe(
      expected,
    );
  });

  it.each([
    [
      'seed 001: "Run" finds, reads and runs every agent and what is under it, nothing else',
      ['runtime.run'],
      { a1: REACHING, a0: REACHING, s1: REACHING, d1: REACHING, p1: '', f1: '' },
    ],
    [
      'seed 001: "Session Terminate" finds and ends sessions, their documents with them',
      ['runtime.sessionTerminate'],
      { s1: 'discover delete', s0: 'discover delete', d1: 'discover delete', a1: '' },
    ],
    [
      'seed 000: "Generate Library" sees and reads the catalogue, never variables or secrets',
      ['library.generate'],
      {
        f1: VIEW,
        sf1: VIEW,
        cf1: VIEW,
        w1: VIEW,
        t1: VIEW,
        sch1: VIEW,
        sn1: VIEW,
        app1: VIEW,
        var1: '',
        sec1: '',
        j1: '',
        a1: '',
      },
    ],
    [
      'seed 000: "Generate Library" runs nothing',
      ['library.generate', 'agent:discoverer'],
      { f1: VIEW, a1: 'discover', s1: 'discover' },
    ],
    [
      'seed 000: "Execute Functions" sees, reads and runs functions and webhooks, and triggers nothing else',
      ['functions.execute'],
      { f1: REACHING, sf1: REACHING, cf1: REACHING, w1: REACHING, fn1: REACHING, t1: '', sch1: '' },
    ],
    [
      'seed 000: "Execute Functions" with "Generate Library": the whole catalogue, run where it may execute',
      ['library.generate', 'functions.execute'],
      { f1: REACHING, w1: REACHING, sch1: VIEW, app1: VIEW },
    ],
    [
      'seed 000: "Use Applications" sees, reads and runs applications, edits none',
      ['applications.use'],
      { app1: REACHING, f1: '' },
    ],
    [
      'readDiscoverable is gone from the default model: org:member alone reads nothing',
      ['org:member'],
      { a1: 'discover', f1: 'discover' },
    ],
  ] as const)('%s', (_, items, expected) => {
    expect(allowedOnTree(KEY, grants(...items), Object.keys(expected))).toEqual(expected);
  });

  // Seed 000: library.generate reads the catalogue types type-wide, and nothing else.
  it.each([
    [['library.generate'], 'apiFunction', 'VALID'],
    [['library.generate'], 'application', 'VALID'],
    [['library.generate', 'agent:discoverer'], 'agent', 'FORBIDDEN'],
    [['library.generate', 'org:member'], 'secret', 'FORBIDDEN'],
    [['library.generate'], 'variable', 'FORBIDDEN'],
  ] as const)('%j: read on every %s (the type-wide question) → %s', (items, type, expected) => {
    expect(verdict(checkType(KEY, grants(...items), 'read', type))).toBe(expected);
  });
});

describe('type-wide vs resource-scoped grants, inherited namespace → project → agent → session → document', () => {
  /** [description, grants, resource, allowed actions]. */
  it.each([
    ['project:{p1}:editor covers p1', ['project:{p1}:editor'], 'p1', EDIT],
    ['project:{p1}:editor covers a1 under it', ['project:{p1}:editor'], 'a1', EDIT],
    ['project:{p1}:editor covers s1 under a1', ['project:{p1}:editor'], 's1', EDIT],
    ['project:{p1}:editor covers d1 under s1', ['project:{p1}:editor'], 'd1', EDIT],
    ['project:{p1}:editor covers fn1, an apiFunction under it', ['project:{p1}:editor'], 'fn1', EDIT],
    ['project:{p1}:editor does not cover the sibling p2', ['project:{p1}:editor'], 'p2', ''],
    ['project:{p1}:editor does not cover a2 under p2', ['project:{p1}:editor'], 'a2', ''],
    ['project:{p1}:editor does not cover its parent ns1', ['project:{p1}:editor'], 'ns1', ''],
    ['project:{p1}:editor does not cover the top-level agent a0', ['project:{p1}:editor'], 'a0', ''],
    ['namespace:{ns1}:admin covers ns1', ['namespace:{ns1}:admin'], 'ns1', ALL],
    ['namespace:{ns1}:admin covers p1', ['namespace:{ns1}:admin'], 'p1', ALL],
    ['namespace:{ns1}:admin covers p2', ['namespace:{ns1}:admin'], 'p2', ALL],
    ['namespace:{ns1}:admin covers a1', ['namespace:{ns1}:admin'], 'a1', ALL],
    ['namespace:{ns1}:admin covers a2', ['namespace:{ns1}:admin'], 'a2', ALL],
    ['namespace:{ns1}:admin covers s1', ['namespace:{ns1}:admin'], 's1', ALL],
    ['namespace:{ns1}:admin covers d1', ['namespace:{ns1}:admin'], 'd1', ALL],
    ['namespace:{ns1}:admin covers fn1', ['namespace:{ns1}:admin'], 'fn1', ALL],
    ['namespace:{ns1}:admin does not cover the top-level project p0', ['namespace:{ns1}:admin'], 'p0', ''],
    ['namespace:{ns1}:admin does not cover the top-level agent a0', ['namespace:{ns1}:admin'], 'a0', ''],
    ['namespace:{ns1}:admin does not cover the top-level apiFunction f1', ['namespace:{ns1}:admin'], 'f1', ''],
    ['agent:{a1}:owner covers a1', ['agent:{a1}:owner'], 'a1', ALL],
    ['agent:{a1}:owner covers s1 and d1 below it', ['agent:{a1}:owner'], 'd1', ALL],
    ['agent:{a1}:owner does not cover its parent p1', ['agent:{a1}:owner'], 'p1', ''],
    ['agent:{a1}:owner does not cover its grandparent ns1', ['agent:{a1}:owner'], 'ns1', ''],
    ['agent:{a1}:owner does not cover the sibling agent a2', ['agent:{a1}:owner'], 'a2', ''],
    ['agent:{a1}:viewer covers d1 two levels down', ['agent:{a1}:viewer'], 'd1', VIEW],
    ['session:{s1}:editor covers d1', ['session:{s1}:editor'], 'd1', EDIT],
    ['session:{s1}:editor does not cover a1', ['session:{s1}:editor'], 'a1', ''],
    ['document:{d1}:viewer covers only d1', ['document:{d1}:viewer'], 'd1', VIEW],
    ['document:{d1}:viewer does not cover s1', ['document:{d1}:viewer'], 's1', ''],
    ['project:viewer (type-wide) covers a1 through p1', ['project:viewer'], 'a1', VIEW],
    ['project:viewer (type-wide) covers d1 through p1', ['project:viewer'], 'd1', VIEW],
    ['project:viewer (type-wide) does not cover the top-level agent a0', ['project:viewer'], 'a0', ''],
    ['project:viewer (type-wide) does not cover the namespace ns1', ['project:viewer'], 'ns1', ''],
    ['agent:viewer + agent:{a1}:owner: a union, a1 owned', ['agent:viewer', 'agent:{a1}:owner'], 'a1', ALL],
    ['agent:viewer + agent:{a1}:owner: a union, a2 viewed', ['agent:viewer', 'agent:{a1}:owner'], 'a2', VIEW],
    [
      'agent:{a1}:viewer + project:{p1}:editor: the wider grant wins',
      ['agent:{a1}:viewer', 'project:{p1}:editor'],
      'a1',
      EDIT,
    ],
    [
      'agent:{a1}:discoverer+delete: extra actions on a scope',
      ['agent:{a1}:discoverer+delete'],
      's1',
      'discover delete',
    ],
  ] as const)('%s: %s', (_, items, name, expected) => {
    expect(allowedOn(KEY, grants(...items), res(name))).toBe(expected);
  });

  it('a grant on a resource is keyed by its id, not its name or type', () => {
    const compiled = grants('project:{p1}:editor');
    expect([...compiled.onResource.keys()].map((id) => NAME_BY_ID.get(id))).toEqual(['p1']);
    expect(compiled.typeWide.size).toBe(0);
  });

  it.each([
    ['project:{p1}:editor may add an agent under p1', ['project:{p1}:editor'], 'agent', 'p1', 'VALID'],
    [
      'project:{p1}:editor may add a document under s1, two levels down',
      ['project:{p1}:editor'],
      'document',
      's1',
      'VALID',
    ],
    ['project:{p1}:editor may not add an agent under p2', ['project:{p1}:editor'], 'agent', 'p2', 'FORBIDDEN'],
    ['project:{p1}:viewer may not add an agent under p1', ['project:{p1}:viewer'], 'agent', 'p1', 'FORBIDDEN'],
    ['namespace:{ns1}:admin may add a project under ns1', ['namespace:{ns1}:admin'], 'project', 'ns1', 'VALID'],
    ['namespace:{ns1}:admin may not add a top-level project', ['namespace:{ns1}:admin'], 'project', null, 'FORBIDDEN'],
    ['agent:{a1}:owner may not add an agent under its parent p1', ['agent:{a1}:owner'], 'agent', 'p1', 'FORBIDDEN'],
    [
      'agent:owner may add an agent under a project it can discover',
      ['agent:owner', 'project:{p1}:discoverer'],
      'agent',
      'p1',
      'VALID',
    ],
    [
      'agent:owner may not add an agent under a project it cannot discover',
      ['agent:owner', 'project:{p1}:discoverer'],
      'agent',
      'p2',
      'FORBIDDEN',
    ],
  ] as const)('%s', (_, items, type, parent, expected) => {
    expect(verdict(checkCreate(model, KEY, grants(...items), type, parent === null ? null : res(parent)))).toBe(
      expected,
    );
  });
});

describe('reach across environments and tenants (SPEC §3 step 4)', () => {
  /** [description, grants, resource, allowed actions], for a key of env_a in ten_a. */
  it.each([
    ['ENVIRONMENT in env_b: agent:owner may not even discover it', ['agent:owner'], 'be', ''],
    ['ENVIRONMENT in env_b: a scope naming it does not reach it either', ['agent:{be}:owner'], 'be', ''],
    ['ENVIRONMENT in env_b: org:member does not reach it', ['org:member'], 'be', ''],
    ['TENANT in env_b: agent:owner may discover, read and run only', ['agent:owner'], 'bt', REACHING],
    ['TENANT in env_b: a scope naming it, discover, read and run only', ['agent:{bt}:owner'], 'bt', REACHING],
    ['TENANT in env_b: agent:viewer may discover and read only', ['agent:viewer'], 'bt', VIEW],
    ['TENANT in env_b: the session under it, through agent:editor', ['agent:editor'], 'bts', REACHING],
    ['TENANT in env_b: org:member may discover it', ['org:member'], 'bt', 'discover'],
    ['TENANT in env_b: agent:viewer reads it', ['agent:viewer'], 'bt', VIEW],
    [
      'TENANT in env_b: functions.execute finds, reads and runs the apiFunction bf',
      ['functions.execute'],
      'bf',
      REACHING,
    ],
    ['TENANT in env_b: apiFunctions.manage, discover, read and run only', ['apiFunctions.manage'], 'bf', REACHING],
    ['TENANT in env_b: grants on other types give nothing', ['project:owner', 'apiFunctions.manage'], 'bt', ''],
    ['TENANT in env_b: no grants, nothing', [], 'bt', ''],
    ['PUBLIC in env_b: agent:owner may discover, read and run only', ['agent:owner'], 'bp', REACHING],
    ['PUBLIC in env_b: no grants, nothing', [], 'bp', ''],
    ['PUBLIC in another tenant: agent:owner may discover, read and run only', ['agent:owner'], 'cp', REACHING],
    ['PUBLIC in another tenant: agent:executor may discover, read and run', ['agent:executor'], 'cp', REACHING],
    ['PUBLIC in another tenant: no grants, nothing', [], 'cp', ''],
    ['TENANT in another tenant: not reachable at all', ['agent:owner'], 'ct', ''],
    ['TENANT in another tenant: not even with a scope naming it', ['agent:{ct}:owner'], 'ct', ''],
  ] as const)('%s', (_, items, name, expected) => {
    expect(allowedOn(KEY, grants(...items), res(name))).toBe(expected);
  });

  it.each(['ENVIRONMENT', 'TENANT', 'PUBLIC'] as const)(
    'visibility %s on a resource of env_a grants nothing by itself',
    (visibility) => {
      const a1 = { ...res('a1'), visibility };
      expect(allowedOn(KEY, ownGrants(noGrants(model)), a1)).toBe('');
      expect(allowedOn(KEY, grants('agent:viewer'), a1)).toBe(VIEW);
      expect(allowedOn(KEY, grants('agent:owner'), a1)).toBe(ALL);
    },
  );

  it.each([
    ['be', ''],
    ['bt', REACHING],
    ['bts', REACHING],
    ['bp', REACHING],
    ['cp', REACHING],
    ['ct', ''],
    ['a1', ALL],
  ] as const)('reach() alone from env_a to %s: %s', (name, expected) => {
    expect(ACTIONS.filter((action) => verdict(reach(KEY, action, res(name))) === 'VALID').join(' ')).toBe(expected);
  });

  it.each([
    ['session', 'bt', ['agent:owner', 'session:owner']],
    ['session', 'bt', ['agent:{bt}:owner', 'runtime.run']],
    ['document', 'bts', ['session:owner', 'runtime.documentUpload']],
    ['session', 'bp', ['agent:owner', 'session:owner']],
    ['agent', 'ns1', []],
  ] as const)('never creates a %s under %s in another environment, or without grants', (type, parent, items) => {
    expect(verdict(checkCreate(model, KEY, grants(...items), type, res(parent)))).toBe('FORBIDDEN');
  });

  it('a key of env_b is the one that owns env_b: agent:owner there updates be but not a1 of env_a', () => {
    const keyB: KeyPosition = { root: false, tenantId: TEN_A, environmentId: ENV_B };
    expect(allowedOn(keyB, grants('agent:owner'), res('be'))).toBe(ALL);
    expect(allowedOn(keyB, grants('agent:owner'), res('a1'))).toBe('');
  });
});

describe('the root key', () => {
  const everyone = [...R.keys()];

  it.each(everyone)('may do everything to %s, with no grants at all', (name) => {
    expect(allowedOn(ROOT, noGrants(model), res(name))).toBe(ALL);
  });

  it('answers every type-wide question yes and may create every type wherever the model places it', () => {
    for (const [type, typeDef] of model.types) {
      for (const action of ACTIONS)
        expect(verdict(checkType(ROOT, noGrants(model), action, type)), `${action} on every ${type}`).toBe('VALID');
      if (typeDef.topLevel)
        expect(verdict(checkCreate(model, ROOT, noGrants(model), type, null)), `top-level ${type}`).toBe('VALID');
      for (const parent of everyone.filter((name) => typeDef.parents.has(res(name).type))) {
        expect(verdict(checkCreate(model, ROOT, noGrants(model), type, res(parent))), `${type} under ${parent}`).toBe(
          'VALID',
        );
      }
    }
  });
});

describe('the type-wide question (resource: {type}, no id)', () => {
  /** [grants, action, type, expected]. */
  it.each([
    [['agent:owner'], 'create', 'agent', 'VALID'],
    [['agent:editor'], 'create', 'agent', 'VALID'],
    [['agent:viewer'], 'create', 'agent', 'FORBIDDEN'],
    [['agent:editor'], 'update', 'agent', 'VALID'],
    [['agent:editor'], 'delete', 'agent', 'FORBIDDEN'],
    [['agent:executor'], 'run', 'agent', 'VALID'],
    [['apiFunctions.manage'], 'create', 'apiFunction', 'VALID'],
    [['apiFunctions.manage'], 'create', 'webhook', 'FORBIDDEN'],
    [['namespace:admin'], 'create', 'namespace', 'VALID'],
    [['namespace:admin'], 'create', 'project', 'FORBIDDEN'],
    [['namespace:admin'], 'update', 'agent', 'FORBIDDEN'],
    [['org:admin'], 'create', 'org', 'VALID'],
    [['org:member'], 'discover', 'secret', 'VALID'],
    [['org:member'], 'read', 'secret', 'FORBIDDEN'],
    [['project:{p1}:owner'], 'create', 'project', 'FORBIDDEN'],
    [['project:{p1}:owner'], 'read', 'project', 'FORBIDDEN'],
    [['runtime.run'], 'create', 'session', 'VALID'],
    [['runtime.run'], 'run', 'agent', 'VALID'],
    [['runtime.sessionTerminate'], 'delete', 'session', 'VALID'],
    [['customDev'], 'create', 'serverFunction', 'VALID'],
    [['customDev'], 'create', 'apiFunction', 'FORBIDDEN'],
    [[], 'discover', 'agent', 'FORBIDDEN'],
  ] as const)('%j: %s on every %s → %s', (items, action, type, expected) => {
    expect(verdict(checkType(KEY, grants(...items), action, type))).toBe(expected);
  });

  it.each([
    [['agent:owner'], 'agent', 'VALID'],
    [['agent:editor'], 'agent', 'VALID'],
    [['agent:viewer'], 'agent', 'FORBIDDEN'],
    [['apiFunctions.manage'], 'apiFunction', 'VALID'],
    [['session:owner'], 'session', 'FORBIDDEN'],
    [['runtime.run'], 'session', 'FORBIDDEN'],
    [['runtime.sessionCreate', 'agent:owner'], 'session', 'FORBIDDEN'],
    [['document:owner'], 'document', 'FORBIDDEN'],
    [['customDev'], 'clientFunction', 'VALID'],
  ] as const)('%j: create a top-level %s → %s', (items, type, expected) => {
    expect(verdict(checkCreate(model, KEY, grants(...items), type, null))).toBe(expected);
  });

  it('session:owner may create sessions type-wide, but a session needs a parent', () => {
    expect(verdict(checkType(KEY, grants('session:owner'), 'create', 'session'))).toBe('VALID');
    const top = checkCreate(model, KEY, grants('session:owner'), 'session', null);
    expect(verdict(top)).toBe('FORBIDDEN');
    expect(top.allowed ? '' : top.missing).toContain('agent');
    expect(verdict(checkCreate(model, KEY, grants('session:owner', 'agent:discoverer'), 'session', res('a1')))).toBe(
      'VALID',
    );
  });

  it('an unknown type is never created', () => {
    expect(verdict(checkCreate(model, KEY, grants('agent:owner'), 'nosuchtype', null))).toBe('FORBIDDEN');
  });
});

describe('levels are component access (seed 001: View, Edit, Full), never run or share', () => {
  const UPDATE = 'discover read update';
  const FULL = 'discover read update delete';
  it.each([
    [
      'seed 001: "View" lists and shows every agent and what is under it',
      { agent: 'view' },
      { a0: VIEW, a1: VIEW, s1: VIEW, p1: '' },
    ],
    [
      'seed 001: "Edit" also updates, and runs nothing',
      { agent: 'edit' },
      { a0: UPDATE, a1: UPDATE, s1: UPDATE, p1: '' },
    ],
    [
      'seed 001: "Full" also deletes, and neither runs nor shares',
      { agent: 'full' },
      { a0: FULL, a1: FULL, d1: FULL, p1: '' },
    ],
    ['seed 001: "None" adds nothing', { agent: 'none' }, { a0: '', a1: '' }],
    ['levels on two types are a union', { project: 'view', apiFunction: 'edit' }, { p0: VIEW, f1: UPDATE, a0: '' }],
  ] as const)('%s', (_, levels, expected) => {
    expect(allowedOnTree(KEY, levelGrants(levels), Object.keys(expected))).toEqual(expected);
  });

  it.each([
    ['view', 'FORBIDDEN'],
    ['edit', 'FORBIDDEN'],
    ['full', 'VALID'],
  ] as const)('seed 001: "Full" alone creates components: %s → create a top-level agent %s', (level, expected) => {
    expect(verdict(checkCreate(model, KEY, levelGrants({ agent: level }), 'agent', null))).toBe(expected);
  });

  it('seed 001: "Full" on agents opens no session (running is a runtime permission)', () => {
    expect(verdict(checkCreate(model, KEY, levelGrants({ agent: 'full' }), 'session', res('a1')))).toBe('FORBIDDEN');
    expect(verdict(checkCreate(model, KEY, levelGrants({ agent: 'view' }, 'runtime.run'), 'session', res('a1')))).toBe(
      'VALID',
    );
  });

  it('a level applies only to types with viewer, editor and owner roles', () => {
    expect(levelsApplyTo(model, 'agent')).toBe(true);
    expect(levelsApplyTo(model, 'cloudEvent')).toBe(true);
    expect(levelsApplyTo(model, 'namespace')).toBe(false);
    expect(levelsApplyTo(model, 'org')).toBe(false);
  });
});

describe('org is the implicit root of every tree of an environment (SPEC §2)', () => {
  it('seed 000: org:admin owns every resource of every type in its environment', () => {
    expect(allowedOnTree(KEY, grants('org:admin'))).toEqual(Object.fromEntries(NAMES_A.map((name) => [name, ALL])));
  });

  it('org:admin creates every top-level type, and any type under a parent it may place it under', () => {
    for (const [type, typeDef] of model.types) {
      if (typeDef.topLevel)
        expect(verdict(checkCreate(model, KEY, grants('org:admin'), type, null)), type).toBe('VALID');
    }
    expect(verdict(checkCreate(model, KEY, grants('org:admin'), 'document', res('s1')))).toBe('VALID');
  });

  it('org:admin reaches another environment only for discover, read and run, and only what visibility shows', () => {
    expect(allowedOn(KEY, grants('org:admin'), res('bt'))).toBe(REACHING);
    expect(allowedOn(KEY, grants('org:admin'), res('be'))).toBe('');
    expect(allowedOn(KEY, grants('org:admin'), res('ct'))).toBe('');
    expect(allowedOn(KEY, grants('org:admin'), res('cp'))).toBe(REACHING);
  });

  it('org:member discovers every resource of the environment, of every type', () => {
    expect(new Set(Object.values(allowedOnTree(KEY, grants('org:member'))))).toEqual(new Set(['discover']));
  });

  it('a role on one org resource is an ordinary resource grant: it does not reach the rest of the tree', () => {
    expect(allowedOn(KEY, grants('org:{org1}:admin'), res('org1'))).toBe(ALL);
    expect(allowedOn(KEY, grants('org:{org1}:admin'), res('a1'))).toBe('');
  });
});

describe('the tenant-admin preset: org:admin plus every named permission (seed 000 admins)', () => {
  it('holds every named permission of the model', () => {
    expect([...presetGrants('tenant-admin').permissions].sort()).toEqual([...model.permissions.keys()].sort());
  });

  it('is for admin keys only', () => {
    expect(model.presets.get('tenant-admin')?.adminOnly).toBe(true);
    expect(model.presets.get('tenant-admin')?.scopes).toEqual(['org:admin']);
  });
});
