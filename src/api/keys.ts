/** API key request and response schemas. The secret appears only in `CreatedKey`, once. */
import { Type, type Static } from '@sinclair/typebox';
import { DayCount, IdSchema, Metadata, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const PermissionName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*$', maxLength: 100 });

export const KeyKindSchema = Type.Union([Type.Literal('user'), Type.Literal('application'), Type.Literal('root')]);

export const KeyStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('disabled'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

export const Key = Type.Object({
  id: IdSchema('key'),
  tenantId: Nullable(IdSchema('tenant')),
  environmentId: Nullable(IdSchema('environment')),
  userId: Nullable(IdSchema('user')),
  kind: KeyKindSchema,
  name: Type.String(),
  admin: Type.Boolean(),
  enabled: Type.Boolean(),
  status: KeyStatus,
  prefix: Type.String(),
  hint: Type.String({ description: 'the last 4 characters of the key' }),
  permissions: Type.Array(Type.String()),
  metadata: Metadata,
  expiresAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  createdByKeyId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatedKey = Type.Composite([
  Key,
  Type.Object({ key: Type.String({ description: 'the key itself, shown this once and never again' }) }),
]);

export const CreateKeyBody = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    name: Name,
    kind: Type.Union([Type.Literal('user'), Type.Literal('application')]),
    userId: Type.Optional(IdSchema('user')),
    admin: Type.Optional(Type.Boolean()),
    permissions: Type.Optional(Type.Array(PermissionName, { maxItems: 100, uniqueItems: true })),
    expiresInDays: Type.Optional(Nullable(DayCount)),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const PatchKeyBody = Type.Object(
  {
    name: Type.Optional(Name),
    metadata: Type.Optional(Metadata),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListKeysQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    environmentId: Type.Optional(IdSchema('environment')),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const KeyPage = Page(Key);

export type KeyObject = Static<typeof Key>;
export type CreatedKeyObject = Static<typeof CreatedKey>;
export type CreateKeyInput = Static<typeof CreateKeyBody>;
export type PatchKeyInput = Static<typeof PatchKeyBody>;
export type ListKeysInput = Static<typeof ListKeysQuery>;
