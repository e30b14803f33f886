import { describe, expect, it } from 'vitest';
import type { EffectiveGrantsObject, MeObject } from '../api/me.js';
import { defaultModel } from '../core/model/load-model.js';
import { describeModel } from '../modules/model/model.service.js';
import { grantableScopes } from './keys-create.prompt.js';

const model = describeModel(defaultModel());
const OWNER = ['create', 'delete', 'discover', 'read', 'run', 'share', 'update'];

function meWith(grants: Partial<EffectiveGrantsObject>): MeObject {
  const none: EffectiveGrantsObject = {
    root: false,
    permissions: [],
    typeWide: {},
    allTypes: [],
    createsTypes: [],
    resources: {},
    readDiscoverable: false,
  };
  return { key: { admin: false } as MeObject['key'], grants: { ...none, ...grants } };
}

describe("the CLI key wizard's scopes", () => {
  it('offers the agent roles a key holds on every agent, the legacy executor among them', () => {
    const offered = grantableScopes(meWith({ typeWide: { agent: ['discover', 'read', 'run'] } }), model);
    expect(offered.filter((scope) => scope.startsWith('agent:'))).toEqual([
      'agent:discoverer',
      'agent:viewer',
      'agent:executor',
    ]);
  });

  it('does not offer agent:owner to a key that may not create agents, as the server would refuse it', () => {
    expect(grantableScopes(meWith({ typeWide: { agent: OWNER } }), model)).not.toContain('agent:owner');
    expect(grantableScopes(meWith({ typeWide: { agent: OWNER }, createsTypes: ['agent'] }), model)).toContain(
      'agent:owner',
    );
  });
});
