/** Policies: named, reusable grant sets (seed 001's API Scopes), in one environment or tenant-wide. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';
import { GrantFields } from './keys.js';
import { RateLimit, RateLimits } from './ratelimits.js';

export const Policy = Type.Object({
  id: IdSchema('policy'),
  tenantId: IdSchema('tenant'),
  environmentId: Nullable(IdSchema('environment', 'null: tenant-wide')),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  levels: Type.Record(Type.String(), Type.String()),
  ratelimits: Type.Array(RateLimit, { description: 'one bucket per limit, shared by every linked key' }),
  createdByKeyId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreatePolicyBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    environmentId: Type.Optional(
      Nullable(IdSchema('environment', 'omit or null for a tenant-wide policy (needs tenant.manage)')),
    ),
    name: Name,
    ...GrantFields,
    ratelimits: Type.Optional(RateLimits),
  },
  { additionalProperties: false },
);

export const PatchPolicyBody = Type.Object(
  {
    name: Type.Optional(Name),
    permissions: GrantFields.permissions,
    scopes: GrantFields.scopes,
    levels: GrantFields.levels,
    ratelimits: Type.Optional(RateLimits),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListPoliciesQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    environmentId: Type.Optional(IdSchema('environment')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DeletePolicyQuery = Type.Object(
  { force: Type.Optional(Type.Boolean({ description: 'delete a policy linked to keys, unlinking it from them' })) },
  { additionalProperties: false },
);

export const PolicyPage = Page(Policy);

export type PolicyObject = Static<typeof Policy>;
export type CreatePolicyInput = Static<typeof CreatePolicyBody>;
export type PatchPolicyInput = Static<typeof PatchPolicyBody>;
export type ListPoliciesInput = Static<typeof ListPoliciesQuery>;
