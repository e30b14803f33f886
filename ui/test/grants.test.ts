/**
 * What the console lets a key grant, read with the server's scope grammar (src/api/scopes.ts):
 * a scope stored from the legacy `agent:executor` comes back as `agent:viewer+run`, and it is one
 * the key may hand out exactly when it holds viewer's actions and run on agents.
 */
import { describe, expect, it } from 'vitest';
import { blockers, grantorFor } from '../../src/api/grants.js';
import type { MeObject } from '../src/api';
import { limitedMe, model, rootMe } from './fixtures';

const RESOURCE = 'res_01agent0000000000000000000';

/** A key that may read agents but not run them. */
const readerMe: MeObject = {
  ...limitedMe,
  grants: {
    ...limitedMe.grants,
    typeWide: { agent: ['discover', 'read'] },
    resources: { [RESOURCE]: ['discover', 'read', 'run'] },
  },
};

describe('granting a stored legacy scope', () => {
  it.each([
    ['the root key', rootMe],
    ['a key with owner on agents', limitedMe],
  ])('lets %s save agent:viewer+run, and agent:executor it is stored from', (_who, me) => {
    const grantor = grantorFor(model, me);
    expect(grantor.scope('agent:viewer+run')).toBeNull();
    expect(grantor.scope('agent:executor')).toBeNull();
    expect(blockers(grantor, { permissions: [], scopes: ['agent:viewer+run'], levels: {} }, true)).toEqual([]);
  });

  it('refuses it to a key that may read agents but not run them, naming run', () => {
    const grantor = grantorFor(model, readerMe);
    expect(grantor.scope('agent:viewer')).toBeNull();
    expect(grantor.scope('agent:viewer+run')).toBe('your key may not run agent');
    expect(grantor.scope('agent:executor')).toBe('your key may not run agent');
  });

  it('reads the +action of a scope on one resource too', () => {
    const grantor = grantorFor(model, readerMe);
    expect(grantor.scope(`agent:${RESOURCE}:viewer+run`)).toBeNull();
    expect(grantor.scope(`agent:${RESOURCE}:viewer+delete`)).toBe('your key may not delete agent');
  });

  it('gives the server’s reasons for what is no scope at all', () => {
    const grantor = grantorFor(model, rootMe);
    expect(grantor.scope('agent:viewer+fly')).toBe('unknown action "fly" in scope "agent:viewer+fly"');
    expect(grantor.scope('project:executor')).toBe(
      'role "executor" is not valid for type "project" (valid: discoverer, viewer, editor, owner)',
    );
    expect(grantor.scope('robot:viewer')).toBe('unknown type "robot" in scope "robot:viewer"');
    expect(grantor.scope('agent')).toBe('"agent" is not a scope (type:role or type:<resourceId>:role)');
  });
});
