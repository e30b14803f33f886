/** `GET /v1/me`: the calling key and what it may do. */
import { Type, type Static } from '@sinclair/typebox';
import { Key } from './keys.js';

export const Me = Type.Object({
  key: Key,
  grants: Type.Object({
    permissions: Type.Array(Type.String(), { description: 'named permissions held, assistant.use included' }),
    root: Type.Boolean({ description: 'the root key passes every requirement' }),
  }),
});

export type MeObject = Static<typeof Me>;
