/** `GET /v1/me`: the calling key and what it may do. */
import { Type, type Static } from '@sinclair/typebox';
import { Key } from './keys.js';

const actionsByName = (description: string) => Type.Record(Type.String(), Type.Array(Type.String()), { description });

export const EffectiveGrants = Type.Object({
  root: Type.Boolean({ description: 'the root key passes every requirement' }),
  permissions: Type.Array(Type.String(), { description: 'named permissions held, assistant.use included' }),
  typeWide: actionsByName("type → actions on every resource of it (and their descendants) in the key's environment"),
  allTypes: Type.Array(Type.String(), { description: 'actions on every resource of every type' }),
  createsTypes: Type.Array(Type.String(), {
    description: 'types the key may create at the top level or under any parent it may discover',
  }),
  resources: actionsByName('resource id → actions on it and its descendants'),
  readDiscoverable: Type.Boolean({ description: 'may read whatever it may discover (library.generate)' }),
});

export const Me = Type.Object({ key: Key, grants: EffectiveGrants });

export type EffectiveGrantsObject = Static<typeof EffectiveGrants>;
export type MeObject = Static<typeof Me>;
