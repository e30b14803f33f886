/**
 * Importing keys by hash (issue 29, SPEC §4): a platform adopting Keyward registers its existing
 * keys by their SHA-256 and their own prefix, with the grants, owner, metadata and expiry they
 * should have here. No secret is ever sent or shown.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Metadata, Name, Nullable, Timestamp } from './common.js';
import { GrantFields, LinkFields } from './keys.js';

export const ImportedKeyHash = Type.Object(
  {
    algorithm: Type.Literal('sha256'),
    value: Type.String({ pattern: '^[0-9A-Fa-f]{64}$', description: 'the SHA-256 of the whole key, hex' }),
  },
  { additionalProperties: false },
);

export const ImportPrefix = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$',
  description:
    "the imported key's own prefix (e.g. sk_live_), 3-32 characters: verify looks a presented key that starts with a registered prefix up by its SHA-256",
  examples: ['sk_live_'],
});

export const ImportKeyBody = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    name: Name,
    kind: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('application')], { default: 'application' })),
    userId: Type.Optional(IdSchema('user', 'the owner, for a user key')),
    admin: Type.Optional(Type.Boolean()),
    hash: ImportedKeyHash,
    prefix: ImportPrefix,
    hint: Type.Optional(
      Type.String({ pattern: '^[!-~]{1,8}$', description: 'the last characters of the key, shown to recognise it' }),
    ),
    ...GrantFields,
    ...LinkFields,
    expiresAt: Type.Optional(Nullable(Timestamp, 'when the key expires, as in the system it comes from; null: never')),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const ImportKeysBody = Type.Object(
  {
    keys: Type.Array(ImportKeyBody, { minItems: 1, maxItems: 1000 }),
  },
  {
    additionalProperties: false,
    description: 'up to 1000 keys, imported all or none in one transaction; a refusal names the item (keys/<n>/…)',
  },
);

export const ImportedKeys = Type.Object({
  ids: Type.Array(IdSchema('key'), { description: 'the new keys, in the order given' }),
});

export type ImportKeyInput = Static<typeof ImportKeyBody>;
export type ImportKeysInput = Static<typeof ImportKeysBody>;
export type ImportedKeysObject = Static<typeof ImportedKeys>;
