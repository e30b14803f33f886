/**
 * No escalation, compared by value (SPEC §3): what a caller's grants cover when it hands grants
 * out. `org` is the root of every tree, so `org:admin` covers every type's roles; levels are
 * compared as the actions they grant and named as levels in a refusal.
 */
import { describe, expect, it } from 'vitest';
import type { KeyPosition } from '../check.js';
import { defaultModel } from '../model/load-model.js';
import { compileGrants } from './compile-grants.js';
import { excessGrants } from './coverage.js';
import { grantSourceOf, type GrantSet } from './grant-set.js';

const model = defaultModel();
const POSITION: KeyPosition = { root: false, tenantId: 'ten_a', environmentId: 'env_a' };

function grantSet(partial: Partial<GrantSet>): GrantSet {
  return { permissions: [], scopes: [], levels: {}, preset: null, ...partial };
}

function excess(caller: Partial<GrantSet>, requested: Partial<GrantSet>): string[] {
  const grants = compileGrants(model, [grantSourceOf(model, grantSet(caller))]);
  return excessGrants(model, { position: POSITION, grants }, grantSourceOf(model, grantSet(requested)), new Map());
}

describe('org:admin in the escalation comparison', () => {
  for (const [type, typeDef] of model.types) {
    it(`covers every role of ${type}: ${[...typeDef.roles].join(', ')}`, () => {
      expect(
        excess({ scopes: ['org:admin'] }, { scopes: [...typeDef.roles].map((role) => `${type}:${role}`) }),
      ).toEqual([]);
    });
  }

  it('covers every level on every type that takes levels', () => {
    expect(
      excess({ scopes: ['org:admin'] }, { levels: { agent: 'full', secret: 'full', cloudEvent: 'edit' } }),
    ).toEqual([]);
  });

  it('does not cover a named permission: those are held by name', () => {
    expect(excess({ scopes: ['org:admin'] }, { permissions: ['secrets.manage'] })).toEqual([
      'permission secrets.manage',
    ]);
  });

  it('org:member covers org:member, and no role of any type beyond discover', () => {
    expect(excess({ scopes: ['org:member'] }, { scopes: ['org:member', 'project:discoverer'] })).toEqual([]);
    expect(excess({ scopes: ['org:member'] }, { scopes: ['agent:viewer', 'org:admin'] })).toEqual([
      'scope agent:viewer',
      'scope org:admin',
    ]);
  });

  it('every type owned one by one is not org:admin: the root is not the sum of its types', () => {
    const owners = [...model.types.values()]
      .filter((type) => type.roles.has('owner'))
      .map((type) => `${type.name}:owner`);
    expect(excess({ scopes: [...owners, 'namespace:admin'] }, { scopes: ['org:admin'] })).toEqual(['scope org:admin']);
  });
});

describe('levels in the escalation comparison (seed 001 component access)', () => {
  it('edit is covered by an editor role; full is not, since it deletes and creates', () => {
    expect(excess({ scopes: ['agent:editor'] }, { levels: { agent: 'edit' } })).toEqual([]);
    expect(excess({ scopes: ['agent:editor'] }, { levels: { agent: 'full' } })).toEqual(['level agent:full']);
  });

  it('a full level covers the view and edit levels, but not the editor role, which runs', () => {
    expect(excess({ levels: { agent: 'full' } }, { levels: { agent: 'edit' } })).toEqual([]);
    expect(excess({ levels: { agent: 'full' } }, { scopes: ['agent:editor'] })).toEqual(['scope agent:editor']);
  });
});
