/** Session and SSO schemas (SPEC §5–§6: people sign in through their tenant's identity provider). */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const Session = Type.Object({
  id: IdSchema('session'),
  tenantId: Nullable(IdSchema('tenant')),
  userId: Nullable(IdSchema('user')),
  email: Type.String(),
  identityProviderId: Nullable(IdSchema('identityProvider')),
  keyId: Nullable(IdSchema('key'), 'the key the session acts with; null until the person chose one'),
  client: Type.Union([Type.Literal('console'), Type.Literal('cli')]),
  complete: Type.Boolean({ description: 'false while a key choice or a one-time code is due' }),
  /** The session the request itself came with. */
  current: Type.Boolean(),
  sourceIp: Nullable(Type.String()),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});

export const ListSessionsQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    userId: Type.Optional(IdSchema('user')),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const SessionPage = Page(Session);

export const SsoStartQuery = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    client: Type.Optional(Type.Union([Type.Literal('console'), Type.Literal('cli')])),
    /** The CLI's loopback address to send the finished sign-in to (`keyward login --sso`). */
    redirect: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SsoCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    iss: Type.Optional(Type.String({ maxLength: 2000 })),
    error: Type.Optional(Type.String({ maxLength: 200 })),
    error_description: Type.Optional(Type.String({ maxLength: 2000 })),
    session_state: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const PendingSession = Type.Object({
  email: Type.String(),
  keys: Type.Array(
    Type.Object({ id: IdSchema('key'), name: Type.String(), environmentId: Nullable(IdSchema('environment')) }),
  ),
  keyChosen: Type.Boolean(),
  mfaRequired: Type.Boolean({ description: 'a TOTP code of the person is due before the session acts' }),
});

export const CompleteSessionBody = Type.Object(
  {
    keyId: Type.Optional(IdSchema('key')),
    code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type SessionObject = Static<typeof Session>;
export type PendingSessionObject = Static<typeof PendingSession>;
export type CompleteSessionInput = Static<typeof CompleteSessionBody>;
export type ListSessionsInput = Static<typeof ListSessionsQuery>;
