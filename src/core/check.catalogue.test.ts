/**
 * The catalogue (SPEC §3 step 4, seed 003): a resource of a `catalogue: true` type is discovered by
 * every key its visibility reaches, with no grant; reading, running and changing still need one;
 * the agent platform's types need a grant even to be discovered (seed 001); an ancestor out of
 * reach hides what is under it; and what every key discovers alike is nobody's to hand out.
 */
import { describe, expect, it } from 'vitest';
import {
  checkCreate,
  checkResource,
  checkType,
  type KeyPosition,
  type PlacedResource,
  type TargetResource,
  type Visibility,
} from './check.js';
import { compileGrants, noGrants, type CompiledGrants } from './grants/compile-grants.js';
import { excessGrants } from './grants/coverage.js';
import { parseScope } from './grants/scope-syntax.js';
import { defaultModel } from './model/load-model.js';
import { parseModel } from './model/compile-model.js';

const model = defaultModel();
const ACTIONS = [...model.actions];
const KEY: KeyPosition = { root: false, tenantId: 'ten_a', environmentId: 'env_a' };

let serial = 0;
function placed(type: string, environmentId: string, tenantId: string, visibility: Visibility): PlacedResource {
  serial += 1;
  return { id: `res_${String(serial).padStart(26, '0')}`, type, environmentId, tenantId, visibility };
}
function under(resource: PlacedResource, ...ancestors: PlacedResource[]): TargetResource {
  return { ...resource, ancestors };
}

const HERE = ['env_a', 'ten_a'] as const;
const SISTER = ['env_b', 'ten_a'] as const;
const FOREIGN = ['env_c', 'ten_b'] as const;

function allowed(grants: CompiledGrants, resource: TargetResource): string {
  return ACTIONS.filter((action) => checkResource(KEY, grants, action, resource).allowed).join(' ');
}

function grants(...items: string[]): CompiledGrants {
  const scopes = items
    .filter((item) => item.includes(':'))
    .map((text) => {
      const parsed = parseScope(text, model);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.scope;
    });
  return compileGrants(model, [{ permissions: items.filter((item) => !item.includes(':')), scopes }]);
}

describe('catalogue discovery with no grant (seed 003: "made available for discovery … to all API Keys")', () => {
  it.each([
    ['an apiFunction of its own environment', under(placed('apiFunction', ...HERE, 'ENVIRONMENT')), 'discover'],
    [
      'a secret of its own environment, under a namespace it holds nothing on',
      under(placed('secret', ...HERE, 'ENVIRONMENT'), placed('namespace', ...HERE, 'ENVIRONMENT')),
      'discover',
    ],
    ["a TENANT webhook of the tenant's other environment", under(placed('webhook', ...SISTER, 'TENANT')), 'discover'],
    [
      "an ENVIRONMENT webhook of the tenant's other environment",
      under(placed('webhook', ...SISTER, 'ENVIRONMENT')),
      '',
    ],
    ['a TENANT schema of another tenant', under(placed('schema', ...FOREIGN, 'TENANT')), ''],
    ['a PUBLIC schema of another tenant', under(placed('schema', ...FOREIGN, 'PUBLIC')), 'discover'],
    [
      "a PUBLIC secret under another tenant's ENVIRONMENT namespace (the ancestor rule)",
      under(placed('secret', ...FOREIGN, 'PUBLIC'), placed('namespace', ...FOREIGN, 'ENVIRONMENT')),
      '',
    ],
    [
      "a PUBLIC secret under another tenant's PUBLIC application",
      under(placed('secret', ...FOREIGN, 'PUBLIC'), placed('application', ...FOREIGN, 'PUBLIC')),
      'discover',
    ],
    [
      'an agent of its own environment (seed 001: "None: no access to agents")',
      under(placed('agent', ...HERE, 'ENVIRONMENT')),
      '',
    ],
    ['a PUBLIC agent of another tenant', under(placed('agent', ...FOREIGN, 'PUBLIC')), ''],
    [
      'a PUBLIC session of another tenant',
      under(placed('session', ...FOREIGN, 'PUBLIC'), placed('agent', ...FOREIGN, 'PUBLIC')),
      '',
    ],
  ])('a key with no grant, on %s: %s', (_, resource, expected) => {
    expect(allowed(noGrants(model), resource)).toBe(expected);
  });

  it('answers the type-wide discover question yes for catalogue types and no for the agent platform', () => {
    expect(checkType(KEY, noGrants(model), 'discover', 'apiFunction').allowed).toBe(true);
    expect(checkType(KEY, noGrants(model), 'read', 'apiFunction').allowed).toBe(false);
    expect(checkType(KEY, noGrants(model), 'discover', 'agent').allowed).toBe(false);
    expect(checkType(KEY, noGrants(model), 'create', 'apiFunction').allowed).toBe(false);
  });

  it('reads, runs or changes nothing by it: a grant still decides, and library.generate never reads a secret it only discovers', () => {
    const secret = under(placed('secret', ...HERE, 'ENVIRONMENT'));
    const schema = under(placed('schema', ...HERE, 'ENVIRONMENT'));
    expect(allowed(grants('library.generate'), secret)).toBe('discover');
    expect(allowed(grants('library.generate'), schema)).toBe('discover read');
    expect(allowed(grants('secrets.manage'), secret)).toBe(ACTIONS.join(' '));
  });

  it('lets a type-wide creator create under a catalogue parent it discovers, never across environments', () => {
    const application = under(placed('application', ...HERE, 'ENVIRONMENT'));
    const foreign = under(placed('application', ...FOREIGN, 'PUBLIC'));
    expect(checkCreate(model, KEY, grants('apiFunctions.manage'), 'apiFunction', application).allowed).toBe(true);
    expect(checkCreate(model, KEY, noGrants(model), 'apiFunction', application).allowed).toBe(false);
    expect(checkCreate(model, KEY, grants('apiFunctions.manage'), 'apiFunction', foreign).allowed).toBe(false);
  });
});

describe('no escalation through the catalogue', () => {
  const SHELVES = `
version: 1
actions: [discover, read, run, update, create, delete, share]
roles:
  discoverer: { actions: [discover] }
  viewer: { includes: [discoverer], actions: [read] }
permissions:
  users.manage: { scope: tenant, adminOnly: true }
  tenant.manage: { scope: tenant, adminOnly: true }
  applications.use: {}
  assistant.use: { alwaysHeld: true }
types:
  shelf: { catalogue: true, roles: [discoverer, viewer], topLevel: true }
  book: { roles: [viewer], parents: [shelf] }
`;

  it('a key may not hand out discover on a catalogue resource it holds no grant on: the scope would reach what is under it', () => {
    const parsed = parseModel(SHELVES);
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const shelves = parsed.model;
    const shelf = under(placed('shelf', ...HERE, 'ENVIRONMENT'));
    const book = under(placed('book', ...HERE, 'ENVIRONMENT'), shelf);
    const caller = { position: KEY, grants: noGrants(shelves) };
    expect(checkResource(KEY, caller.grants, 'discover', shelf).allowed).toBe(true);
    expect(checkResource(KEY, caller.grants, 'discover', book).allowed).toBe(false);
    const scope = parseScope(`shelf:${shelf.id}:discoverer`, shelves);
    if (!scope.ok) throw new Error(scope.error);
    const excess = excessGrants(
      shelves,
      caller,
      { permissions: [], scopes: [scope.scope] },
      new Map([[shelf.id, shelf]]),
    );
    expect(excess).toEqual([`scope shelf:${shelf.id}:discoverer`]);
  });
});
