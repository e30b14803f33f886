/** Environment request and response schemas. Unset settings inherit the tenant's. */
import { Type, type Static } from '@sinclair/typebox';
import { KEY_PREFIX_PATTERN } from '../core/key-format.js';
import { IpAllowlistSchema } from './keys.js';
import { DayCount, IdSchema, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';
import { EffectiveSettings } from './settings.js';

const authSettings = {
  keyPrefix: Type.String({
    pattern: KEY_PREFIX_PATTERN,
    description: 'prefix of new keys, [a-z0-9]{1,12}; not kwroot, the root key’s',
  }),
  mfaRequired: Nullable(Type.Boolean({ description: 'null inherits the tenant; cannot relax a tenant requirement' })),
  rotationWindowDays: Nullable(Type.Integer({ minimum: 0, maximum: 3650 })),
  defaultKeyExpiryDays: Nullable(DayCount),
  maxKeyExpiryDays: Nullable(DayCount, "user keys; null inherits the tenant's"),
  maxApplicationKeyExpiryDays: Nullable(DayCount, "application keys; null inherits the tenant's"),
  mfaReverifyDays: Nullable(DayCount, "null inherits the tenant's"),
  ipAllowlist: Nullable(
    IpAllowlistSchema(
      'every key of the environment may be used only from these CIDR ranges, as well as from its own list; null: any address',
    ),
  ),
};

/** The settings `authConfig.manage` may change (SPEC §2). */
export const AUTH_SETTING_FIELDS = Object.keys(authSettings);

export const Environment = Type.Object({
  id: IdSchema('environment'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  ...authSettings,
  /** What is in force here, and from where: the stored settings above may be null (inherited). */
  effective: Type.Optional(EffectiveSettings),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateEnvironmentBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    name: Name,
    keyPrefix: Type.Optional(authSettings.keyPrefix),
    mfaRequired: Type.Optional(authSettings.mfaRequired),
    rotationWindowDays: Type.Optional(authSettings.rotationWindowDays),
    defaultKeyExpiryDays: Type.Optional(authSettings.defaultKeyExpiryDays),
    maxKeyExpiryDays: Type.Optional(authSettings.maxKeyExpiryDays),
    maxApplicationKeyExpiryDays: Type.Optional(authSettings.maxApplicationKeyExpiryDays),
    mfaReverifyDays: Type.Optional(authSettings.mfaReverifyDays),
    ipAllowlist: Type.Optional(authSettings.ipAllowlist),
  },
  { additionalProperties: false },
);

export const PatchEnvironmentBody = Type.Partial(Type.Omit(CreateEnvironmentBody, ['tenantId']), {
  additionalProperties: false,
  minProperties: 1,
});

export const ListEnvironmentsQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery },
  { additionalProperties: false },
);
export const EnvironmentPage = Page(Environment);

export type EnvironmentObject = Static<typeof Environment>;
export type CreateEnvironmentInput = Static<typeof CreateEnvironmentBody>;
export type PatchEnvironmentInput = Static<typeof PatchEnvironmentBody>;
