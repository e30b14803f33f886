/** API key request and response schemas. The secret appears only in `CreatedKey`, once. */
import { Type, type Static } from '@sinclair/typebox';
import { RateLimit, RateLimits } from './ratelimits.js';
import { MAX_GRACE_SECONDS } from './rotation.js';
import { DayCount, IdSchema, Metadata, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const PermissionName = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)*$',
  maxLength: 100,
});

/** Scope syntax (`agent:viewer`, `project:res_…:editor`); checked against the model, 400 naming what is unknown. */
export const ScopeText = Type.String({
  minLength: 3,
  maxLength: 200,
  examples: ['agent:viewer', 'project:res_01jb3x8v6q0000000000000000:editor'],
});
export const LevelsSchema = Type.Record(
  Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$' }),
  Type.String({ maxLength: 32 }),
  {
    description: 'per type, none|view|edit|full: sugar for type:viewer|editor|owner',
    maxProperties: 100,
  },
);

/** The grant fields shared by key creation and (later) policies. */
export const GrantFields = {
  preset: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'a preset of the model (deploy, read-only, agent-runner, custom): its scopes are added',
    }),
  ),
  permissions: Type.Optional(Type.Array(PermissionName, { maxItems: 100, uniqueItems: true })),
  scopes: Type.Optional(Type.Array(ScopeText, { maxItems: 200 })),
  levels: Type.Optional(LevelsSchema),
};

/** Policies linked to a key and groups it joins; each list replaces the key's whole set. */
export const LinkFields = {
  policyIds: Type.Optional(Type.Array(IdSchema('policy'), { maxItems: 50, uniqueItems: true })),
  groupIds: Type.Optional(Type.Array(IdSchema('group'), { maxItems: 50, uniqueItems: true })),
};

/** CIDR ranges (IPv4 or IPv6; a bare address is its /32 or /128); null or absent: any address. */
export const IpAllowlistSchema = (
  description = 'the key may be used only from these CIDR ranges (verify and management calls alike)',
) =>
  Type.Array(Type.String({ minLength: 2, maxLength: 49, examples: ['203.0.113.0/24', '2001:db8::/32'] }), {
    maxItems: 100,
    description,
  });

export const CreditsSchema = Type.Object(
  {
    remaining: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description: 'units left; each verify spends its cost (default 1)',
    }),
    refill: Type.Optional(
      Nullable(
        Type.Object(
          {
            amount: Type.Integer({
              minimum: 1,
              maximum: 1_000_000_000_000,
              description: 'the balance is reset to this at the start of each interval',
            }),
            interval: Type.Union([Type.Literal('day'), Type.Literal('month')], {
              description: "in the tenant's time zone",
            }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false, description: 'usage credits: at 0 verify answers USAGE_EXCEEDED' },
);

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
  permissions: Type.Array(Type.String(), {
    description: 'named permissions given directly (assistant.use is always held and not listed)',
  }),
  scopes: Type.Array(Type.String(), {
    description: "scopes, a preset's included, legacy roles normalised (executor → viewer+run)",
  }),
  levels: Type.Record(Type.String(), Type.String()),
  preset: Nullable(Type.String()),
  policyIds: Type.Array(IdSchema('policy'), { description: 'linked policies: their grants count as the key’s' }),
  groupIds: Type.Array(IdSchema('group'), { description: 'sharing groups the key belongs to' }),
  metadata: Metadata,
  ratelimits: Type.Array(RateLimit, { description: 'the key’s own rate limits (its policies’ apply too, shared)' }),
  ipAllowlist: Nullable(IpAllowlistSchema()),
  credits: Nullable(CreditsSchema),
  expiresAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  previousSecretValidUntil: Nullable(
    Timestamp,
    'while a rotation grace period runs: the old secret works until then, as the new one does',
  ),
  createdByKeyId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatedKey = Type.Composite([
  Key,
  Type.Object({
    key: Type.String({ description: 'the key itself, shown this once and never again' }),
    warnings: Type.Optional(
      Type.Array(Type.String(), {
        description: 'advice about the key as created, e.g. an application key that expires',
      }),
    ),
  }),
]);

export const RotateKeyBody = Type.Object(
  {
    otp: Type.Optional(
      Type.String({
        pattern: '^[0-9]{6}$',
        description: "a TOTP code of the calling key's user, where MFA is required",
      }),
    ),
    gracePeriodSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_GRACE_SECONDS,
        description: 'how long the old secret keeps working, at most a week (default 0: it fails at once)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreateKeyBody = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    name: Name,
    kind: Type.Union([Type.Literal('user'), Type.Literal('application')]),
    userId: Type.Optional(IdSchema('user')),
    admin: Type.Optional(Type.Boolean()),
    ...GrantFields,
    ...LinkFields,
    expiresInDays: Type.Optional(Nullable(DayCount)),
    metadata: Type.Optional(Metadata),
    ratelimits: Type.Optional(RateLimits),
    ipAllowlist: Type.Optional(Nullable(IpAllowlistSchema())),
    credits: Type.Optional(Nullable(CreditsSchema)),
  },
  { additionalProperties: false },
);

export const PatchKeyBody = Type.Object(
  {
    name: Type.Optional(Name),
    metadata: Type.Optional(Metadata),
    enabled: Type.Optional(Type.Boolean()),
    ratelimits: Type.Optional(RateLimits),
    ipAllowlist: Type.Optional(Nullable(IpAllowlistSchema('replaces the key’s IP allowlist; null clears it'))),
    credits: Type.Optional(Nullable(CreditsSchema)),
    creditsAdd: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000,
        description: 'adds this many credits to the balance (the key must have credits)',
      }),
    ),
    permissions: GrantFields.permissions,
    scopes: GrantFields.scopes,
    levels: GrantFields.levels,
    ...LinkFields,
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'grant fields replace the key’s set of that kind; the caller must hold what they give',
  },
);

export const ListKeysQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    environmentId: Type.Optional(IdSchema('environment')),
    policyId: Type.Optional(IdSchema('policy', "the policy's keys (seed 001's Manage Keys)")),
    groupId: Type.Optional(IdSchema('group')),
    expiringWithinDays: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 36_500, description: 'live keys that expire within this many days' }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          "search: the last 4 characters of the key (its hint), the start of a key id (key_…), or the start of the key's name or of its owner's name or email (case-insensitive)",
      }),
    ),
    status: Type.Optional(KeyStatus),
    kind: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('application')])),
    userId: Type.Optional(IdSchema('user', "the user's keys")),
    sort: Type.Optional(
      Type.Union([Type.Literal('newest'), Type.Literal('oldest')], {
        default: 'newest',
        description: 'by creation time; newest first unless told',
      }),
    ),
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
export type RotateKeyInput = Static<typeof RotateKeyBody>;
