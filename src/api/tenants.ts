/** Tenant request and response schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { DayCount, IdSchema, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';
import { EffectiveSettings } from './settings.js';

const settings = {
  tier: Type.String({ minLength: 1, maxLength: 50 }),
  mfaRequired: Type.Boolean(),
  rotationWindowDays: Nullable(Type.Integer({ minimum: 0, maximum: 3650 })),
  defaultKeyExpiryDays: Nullable(DayCount),
  maxKeyExpiryDays: Nullable(DayCount, 'the longest a user key may live; null: no maximum'),
  maxApplicationKeyExpiryDays: Nullable(
    DayCount,
    'the longest an application key may live; null: no maximum, so deployments need not expire',
  ),
  mfaReverifyDays: Nullable(
    DayCount,
    'a user key works only if its user passed a TOTP check within this many days; null: never asked',
  ),
  timeZone: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'IANA time zone in which key credits refill at each day or month (default UTC)',
  }),
  requireSso: Type.Boolean({
    description:
      "the console accepts only SSO sessions from the tenant's people; keys keep working for machines and the API",
  }),
  auditRetentionDays: Nullable(
    Type.Integer({
      minimum: 30,
      maximum: 36_500,
      description:
        'prune audit events older than this (at least 30, and at least KEYWARD_AUDIT_MIN_RETENTION_DAYS); null keeps them forever',
    }),
  ),
};

export const Tenant = Type.Object({
  id: IdSchema('tenant'),
  name: Type.String(),
  ...settings,
  /** What is in force for the tenant's environments that set nothing themselves, and from where. */
  effective: Type.Optional(EffectiveSettings),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateTenantBody = Type.Object(
  {
    name: Name,
    tier: Type.Optional(settings.tier),
    mfaRequired: Type.Optional(settings.mfaRequired),
    rotationWindowDays: Type.Optional(settings.rotationWindowDays),
    defaultKeyExpiryDays: Type.Optional(settings.defaultKeyExpiryDays),
    maxKeyExpiryDays: Type.Optional(settings.maxKeyExpiryDays),
    maxApplicationKeyExpiryDays: Type.Optional(settings.maxApplicationKeyExpiryDays),
    mfaReverifyDays: Type.Optional(settings.mfaReverifyDays),
    auditRetentionDays: Type.Optional(settings.auditRetentionDays),
    timeZone: Type.Optional(settings.timeZone),
    requireSso: Type.Optional(settings.requireSso),
  },
  { additionalProperties: false },
);

export const PatchTenantBody = Type.Partial(CreateTenantBody, { additionalProperties: false, minProperties: 1 });

export const ListTenantsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const TenantPage = Page(Tenant);

export type TenantObject = Static<typeof Tenant>;
export type CreateTenantInput = Static<typeof CreateTenantBody>;
export type PatchTenantInput = Static<typeof PatchTenantBody>;
