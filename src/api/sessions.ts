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

/** The CLI's part of a sign-in (`keyward login --sso`; cli-handoff.ts). */
const CLI_START = {
  /** The CLI's loopback address to hand the finished sign-in to; absent: the callback shows a code to paste. */
  redirect: Type.Optional(Type.String({ maxLength: 200 })),
  /** S256 challenge of the CLI's PKCE verifier: only that CLI can take the session. */
  challenge: Type.Optional(Type.String({ maxLength: 128 })),
};

export const SsoStartQuery = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    client: Type.Optional(Type.Union([Type.Literal('console'), Type.Literal('cli')])),
    ...CLI_START,
  },
  { additionalProperties: false },
);

export const SsoOperatorStartQuery = Type.Object(
  {
    client: Type.Optional(Type.Union([Type.Literal('console'), Type.Literal('cli')])),
    ...CLI_START,
  },
  { additionalProperties: false },
);

export const SsoOptions = Type.Object({
  operator: Type.Boolean({ description: 'operators may sign in as the instance (KEYWARD_OPERATOR_OIDC_*)' }),
});

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

export const CreateSsoTokenBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 4096, description: 'what the callback handed the CLI' }),
    verifier: Type.String({ minLength: 43, maxLength: 128, description: 'the PKCE verifier of the challenge' }),
  },
  { additionalProperties: false },
);

export const SsoToken = Type.Object({
  token: Type.String({ description: 'the CLI session, sent as Authorization: Bearer <token>; shown once' }),
  sessionId: IdSchema('session'),
  expiresAt: Timestamp,
  pending: PendingSession,
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
export type CreateSsoTokenInput = Static<typeof CreateSsoTokenBody>;
export type SsoTokenObject = Static<typeof SsoToken>;
