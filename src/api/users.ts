/** User request and response schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const UserRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);

/** The platform's own id for the person: visible ASCII, no spaces, unique per tenant. */
export const ExternalUserId = Type.String({
  pattern: '^[!-~]{1,200}$',
  maxLength: 200,
  description: "the platform's own id for the person (unique per tenant), answered by verify",
});

export const User = Type.Object({
  id: IdSchema('user'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  email: Type.String(),
  role: UserRole,
  externalId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateUserBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    name: Name,
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(UserRole),
    externalId: Type.Optional(ExternalUserId),
  },
  { additionalProperties: false },
);

export const PatchUserBody = Type.Object(
  {
    name: Type.Optional(Name),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    role: Type.Optional(UserRole),
    externalId: Type.Optional(Nullable(ExternalUserId, 'null clears it')),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListUsersQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "search: the start of the user's name or email (case-insensitive)",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const UserPage = Page(User);

export type UserObject = Static<typeof User>;
export type CreateUserInput = Static<typeof CreateUserBody>;
export type PatchUserInput = Static<typeof PatchUserBody>;
export type ListUsersInput = Static<typeof ListUsersQuery>;
