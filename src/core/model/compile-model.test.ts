import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel, parseModel } from './compile-model.js';

const DEFAULT_MODEL = readFileSync(resolve(import.meta.dirname, '../../../model/default.yaml'), 'utf8');
const MODEL_DOC = readFileSync(resolve(import.meta.dirname, '../../../docs/model.md'), 'utf8');

describe('the default model file', () => {
  it('compiles without errors', () => {
    const result = parseModel(DEFAULT_MODEL);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('has the seven actions and the roles of SPEC §2, each including the ones before it', () => {
    const result = parseModel(DEFAULT_MODEL);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const { model } = result;
    expect([...model.actions]).toEqual(['discover', 'read', 'run', 'update', 'create', 'delete', 'share']);
    expect([...(model.roles.get('owner')?.actions ?? [])].sort()).toEqual([
      'create',
      'delete',
      'discover',
      'read',
      'run',
      'share',
      'update',
    ]);
    expect([...(model.roles.get('editor')?.actions ?? [])].sort()).toEqual([
      'create',
      'discover',
      'read',
      'run',
      'update',
    ]);
    expect(model.roles.get('executor')?.storeAs).toBe('viewer');
    expect(model.roles.get('executor')?.storeExtra).toEqual(['run']);
    expect(model.roles.get('admin')?.createsType).toBe(true);
    expect(model.roles.get('editor')?.createsType).toBe(true);
    expect(model.roles.get('viewer')?.createsType).toBe(false);
  });

  it('keeps secret values sealed and variable values clear, and makes creators owners', () => {
    const result = parseModel(DEFAULT_MODEL);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.model.types.get('secret')?.value).toBe('secret');
    expect(result.model.types.get('variable')?.value).toBe('clear');
    expect(result.model.types.get('agent')?.value).toBe('none');
    expect(result.model.creatorRole).toBe('owner');
  });
});

/** The permissions Keyward's code asks for by name, as the smallest model declares them. */
const REQUIRED = {
  'users.manage': { scope: 'tenant', adminOnly: true },
  'tenant.manage': { scope: 'tenant', adminOnly: true },
  'applications.use': {},
  'assistant.use': { alwaysHeld: true },
};

describe('a custom model that drops a permission the code relies on (issue 12)', () => {
  it.each(Object.keys(REQUIRED))('is refused without %s, with a message saying why it is needed', (id) => {
    const permissions = Object.fromEntries(Object.entries(REQUIRED).filter(([other]) => other !== id));
    const result = compileModel({
      version: 1,
      actions: ['read'],
      roles: { viewer: { actions: ['read'] } },
      permissions,
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((error) => error.startsWith(`permissions.${id}: missing: Keyward relies on it (`))).toBe(true);
  });

  it('is refused when users.manage is not tenant-scoped and admin-only', () => {
    const result = compileModel({ version: 1, actions: ['read'], permissions: { ...REQUIRED, 'users.manage': {} } });
    expect(result.ok ? [] : result.errors).toContain(
      'permissions.users.manage: must have scope: tenant and adminOnly: true',
    );
  });

  it('loads with all four', () => {
    expect(compileModel({ version: 1, actions: ['read'], permissions: REQUIRED }).ok).toBe(true);
  });
});

describe('presets and levels in the model file', () => {
  it('expands permissions: all into every permission but the always-held ones', () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      permissions: REQUIRED,
      presets: { boss: { permissions: 'all', adminOnly: true } },
    });
    const preset = result.ok ? result.model.presets.get('boss') : undefined;
    expect([...(preset?.permissions ?? [])].sort()).toEqual(['applications.use', 'tenant.manage', 'users.manage']);
  });

  it('refuses a preset carrying admin-only permissions that is not adminOnly', () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      permissions: REQUIRED,
      presets: { boss: { permissions: ['users.manage'] } },
    });
    expect(result.ok ? [] : result.errors).toContain(
      'presets.boss.adminOnly: must be true: the preset carries admin-only permissions (users.manage)',
    );
  });

  it("seed 004: carries a preset's icon and use case, none when a list of scopes or a mapping says none", () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      permissions: REQUIRED,
      presets: { deploy: { icon: '🚀', useCase: 'CI/CD pipelines, deployments' }, plain: [], bare: {} },
    });
    const preset = (name: string) => (result.ok ? result.model.presets.get(name) : undefined);
    expect(preset('deploy')).toMatchObject({ icon: '🚀', useCase: 'CI/CD pipelines, deployments' });
    expect(preset('plain')).toMatchObject({ icon: null, useCase: null });
    expect(preset('bare')).toMatchObject({ icon: null, useCase: null });
  });

  it("refuses a preset's icon or use case that is not a short text, by its path", () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      permissions: REQUIRED,
      presets: { p: { icon: 7, useCase: '' }, q: { icon: 'x'.repeat(17), usecase: 'typo' } },
    });
    expect(result.ok ? [] : result.errors).toEqual(
      expect.arrayContaining([
        'presets.p.icon: must be a non-empty string of at most 16 characters',
        'presets.p.useCase: must be a non-empty string of at most 200 characters',
        'presets.q.icon: must be a non-empty string of at most 16 characters',
        'presets.q.usecase: unknown field',
      ]),
    );
  });

  it('reads a level as a mapping of actions, create meaning the type', () => {
    const result = compileModel({
      version: 1,
      actions: ['read', 'create'],
      permissions: REQUIRED,
      levels: { full: { actions: ['read', 'create'] } },
    });
    const level = result.ok ? result.model.levels.get('full') : undefined;
    expect([...(level?.actions ?? [])]).toEqual(['read']);
    expect(level?.createsType).toBe(true);
  });
});

describe('a broken model file', () => {
  it('names an unknown included role by its path', () => {
    const result = compileModel({ version: 1, actions: ['read'], roles: { viewer: { includes: ['discovrer'] } } });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toContain('roles.viewer.includes[0]: unknown role "discovrer"');
  });

  it('names an unknown action, type, parent and preset scope', () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      roles: { viewer: { actions: ['reed'] } },
      types: { doc: { roles: ['viewer'], parents: ['folder'] } },
      presets: { p: ['doc:owner'] },
    });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContain('roles.viewer.actions[0]: unknown action "reed"');
    expect(errors).toContain('types.doc.parents[0]: unknown type "folder"');
    expect(errors.some((error) => error.startsWith('presets.p[0]: unknown role "owner"'))).toBe(true);
  });

  it('names a bad value kind and an unknown creator role', () => {
    const result = compileModel({
      version: 1,
      actions: ['read'],
      roles: { viewer: { actions: ['read'] } },
      types: { doc: { roles: ['viewer'], topLevel: true, value: 'hidden' } },
      creatorRole: 'owner',
    });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContain('types.doc.value: must be none, clear or secret');
    expect(errors).toContain('creatorRole: unknown role "owner"');
  });

  it('gives creators owner when the model has it and nothing when it has not', () => {
    const withOwner = compileModel({
      version: 1,
      actions: ['read'],
      roles: { owner: { actions: ['read'] } },
      permissions: REQUIRED,
    });
    const without = compileModel({
      version: 1,
      actions: ['read'],
      roles: { viewer: { actions: ['read'] } },
      permissions: REQUIRED,
    });
    expect(withOwner.ok && withOwner.model.creatorRole).toBe('owner');
    expect(without.ok && without.model.creatorRole).toBeNull();
  });

  it('names every entry of the wrong shape by its path, with the unknown names of the same run', () => {
    const result = compileModel({
      version: 2,
      actions: ['read', 7],
      roles: { viewer: { actions: ['read', 'reed'], include: ['x'], allTypes: 'yes' }, odd: 5 },
      types: { doc: { roles: ['viewer'], topLevel: 'true' }, page: { roles: ['viewr'], topLevel: true } },
      levels: { view: 3, edit: { actions: 'read' } },
      permissions: { ...REQUIRED, 'docs.read': { title: 'Read docs', grants: [{ types: ['doc'], role: 4 }] } },
      presets: { p: ['doc:viewer', 1], q: 'doc:viewer' },
      creatorRole: 5,
      extra: true,
    });
    expect(result.ok ? [] : result.errors).toEqual(
      expect.arrayContaining([
        'version: must be 1',
        'actions[1]: must be a string',
        'roles.viewer.include: unknown field',
        'roles.viewer.allTypes: must be true or false',
        'roles.odd: must be a mapping',
        'types.doc.topLevel: must be true or false',
        'levels.view: must be null, a role or a mapping of actions, got 3',
        'levels.edit.actions: must be a list',
        'permissions.docs.read.grants[0].role: must be a string',
        'presets.p[1]: must be a string',
        'presets.q: must be a list of scopes or a mapping',
        'creatorRole: must be a role name or null',
        'model.extra: unknown field',
        // The semantic pass, on what is well-shaped:
        'roles.viewer.actions[1]: unknown action "reed"',
        'types.page.roles[0]: unknown role "viewr"',
      ]),
    );
  });

  it('says a document that is not a mapping is not one', () => {
    const result = compileModel(['version', 1]);
    expect(result.ok ? [] : result.errors[0]).toBe('model: must be a mapping');
  });

  it('compiles the example of docs/model.md', () => {
    const example = /## Example[^\n]*\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(MODEL_DOC)?.[1] ?? '';
    const result = parseModel(example);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('refuses text that is not YAML', () => {
    const result = parseModel('roles: [unclosed');
    expect(result.ok).toBe(false);
  });
});
