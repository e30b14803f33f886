/** The verify request and answer: 200 for every key, permission and resource outcome. */
import { Type, type Static } from '@sinclair/typebox';
import { ANSWER_CODES } from '../core/error-codes.js';
import { PermissionName } from './keys.js';
import { RateLimitState } from './ratelimits.js';

const ModelName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$', maxLength: 64 });

export const ResourceQuery = Type.Object(
  {
    type: ModelName,
    id: Type.Optional(Type.String({ pattern: '^res_[0-9a-z]{26}$' })),
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  {
    additionalProperties: false,
    description:
      'the resource acted on; with neither id nor externalId, the type-wide question (may the key do this to every resource of the type; for create: may it create one)',
  },
);

export const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512 }),
    permission: Type.Optional(PermissionName),
    action: Type.Optional(ModelName),
    resource: Type.Optional(ResourceQuery),
    clientIp: Type.Optional(
      Type.String({
        pattern: '^[0-9A-Fa-f:.]{2,45}$',
        description:
          "the IPv4 or IPv6 address of the end client: what IP allowlists check (without it, a key under a list answers FORBIDDEN: the request's own source is the platform asking), and the key's last-used address (default: the request source)",
      }),
    ),
    tags: Type.Optional(
      Type.Array(
        Type.String({
          pattern: '^[A-Za-z0-9_.:-]{1,64}=[!-~]{0,128}$',
          description: 'key=value: a key of letters, digits, _ . : - (≤ 64), a value of visible ASCII (≤ 128)',
        }),
        {
          maxItems: 20,
          uniqueItems: true,
          description:
            'up to 20 k=v tags counted in analytics per hour (GET /v1/analytics/verifications?groupBy=tag), never in the verdict',
          examples: [['region=eu', 'route=/v1/run']],
        },
      ),
    ),
    cost: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000,
        description:
          'units this request spends from rate limits and credits (default 1 where the key has either; 0 = check only)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Missing = Type.Object(
  {
    permission: Type.Optional(Type.String()),
    ip: Type.Optional(
      Type.String({
        description: "the address the request came from, outside the key's or its environment's IP allowlist",
      }),
    ),
    action: Type.Optional(Type.String()),
    resource: Type.Optional(
      Type.Object({ type: Type.String(), id: Type.Optional(Type.String()), externalId: Type.Optional(Type.String()) }),
    ),
  },
  { description: 'what the key lacked, as asked: never whether the resource exists' },
);

/**
 * A string or null as one JSON Schema type list, not an `anyOf`: the answer's serializer then
 * writes it directly instead of testing each branch, which is a measurable share of a verify.
 */
const StringOrNull = (options: { format?: string; description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

export const VerifyAnswer = Type.Object({
  valid: Type.Boolean(),
  code: Type.Unsafe<(typeof ANSWER_CODES)[number]>({ type: 'string', enum: [...ANSWER_CODES] }),
  keyId: StringOrNull(),
  tenantId: StringOrNull(),
  environmentId: StringOrNull(),
  name: StringOrNull({ description: "who is calling: the key's name" }),
  userId: StringOrNull({ description: "the key's user (null for an application key)" }),
  externalId: StringOrNull({
    description: "the key's user's externalId: the platform's own id for the person, so it needs no second lookup",
  }),
  metadata: Type.Unsafe<Record<string, unknown> | null>({
    type: ['object', 'null'],
    additionalProperties: true,
    description: "the key's metadata, as set on it",
  }),
  expiresAt: StringOrNull({ format: 'date-time' }),
  cacheTtlMs: Type.Integer({ description: 'how long the caller may reuse this answer' }),
  missing: Type.Optional(Missing),
  ratelimits: Type.Optional(
    Type.Array(RateLimitState, {
      description: 'each rate limit of the key (its own, then its policies’) after this request',
    }),
  ),
  credits: Type.Optional(
    Type.Object(
      { remaining: Type.Integer() },
      { description: "the key's usage credits after this request, where it has credits" },
    ),
  ),
});

export type VerifyInput = Static<typeof VerifyBody>;
export type ResourceQueryObject = Static<typeof ResourceQuery>;
export type VerifyAnswerObject = Static<typeof VerifyAnswer>;
