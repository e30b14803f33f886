import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel, parseModel } from './compile-model.js';

const DEFAULT_MODEL = readFileSync(resolve(import.meta.dirname, '../../../model/default.yaml'), 'utf8');

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
    expect([...(model.roles.get('owner')?.actions ?? [])].sort()).toEqual(['create', 'delete', 'discover', 'read', 'run', 'share', 'update']);
    expect([...(model.roles.get('editor')?.actions ?? [])].sort()).toEqual(['create', 'discover', 'read', 'run', 'update']);
    expect(model.roles.get('executor')?.storeAs).toBe('viewer');
    expect(model.roles.get('executor')?.storeExtra).toEqual(['run']);
    expect(model.roles.get('admin')?.createsType).toBe(true);
    expect(model.roles.get('editor')?.createsType).toBe(false);
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
    const result = compileModel({ version: 1, actions: ['read'], roles: { viewer: { actions: ['read'] } }, types: { doc: { roles: ['viewer'], topLevel: true, value: 'hidden' } }, creatorRole: 'owner' });
    const errors = result.ok ? [] : result.errors;
    expect(errors).toContain('types.doc.value: must be none, clear or secret');
    expect(errors).toContain('creatorRole: unknown role "owner"');
  });

  it('gives creators owner when the model has it and nothing when it has not', () => {
    const withOwner = compileModel({ version: 1, actions: ['read'], roles: { owner: { actions: ['read'] } } });
    const without = compileModel({ version: 1, actions: ['read'], roles: { viewer: { actions: ['read'] } } });
    expect(withOwner.ok && withOwner.model.creatorRole).toBe('owner');
    expect(without.ok && without.model.creatorRole).toBeNull();
  });

  it('refuses text that is not YAML', () => {
    const result = parseModel('roles: [unclosed');
    expect(result.ok).toBe(false);
  });
});
