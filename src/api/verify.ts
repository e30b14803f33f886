/** The verify request and answer: 200 for every key and permission outcome. */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common.js';
import { PermissionName } from './keys.js';

export const VerifyBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 512 }),
    permission: Type.Optional(PermissionName),
    clientIp: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const VerifyAnswer = Type.Object({
  valid: Type.Boolean(),
  code: Type.Union(
    ['VALID', 'NOT_FOUND', 'REVOKED', 'EXPIRED', 'DISABLED', 'FORBIDDEN'].map((code) => Type.Literal(code)),
  ),
  keyId: Nullable(Type.String()),
  tenantId: Nullable(Type.String()),
  environmentId: Nullable(Type.String()),
  expiresAt: Nullable(Timestamp),
  cacheTtlMs: Type.Integer({ description: 'how long the caller may reuse this answer' }),
  missing: Type.Optional(Type.Object({ permission: Type.String() })),
});

export type VerifyInput = Static<typeof VerifyBody>;
export type VerifyAnswerObject = Static<typeof VerifyAnswer>;
