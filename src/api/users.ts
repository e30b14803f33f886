/** User request and response schemas. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Page, PageQuery, Timestamp } from './common.js';

export const UserRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);

export const User = Type.Object({
  id: IdSchema('user'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  email: Type.String(),
  role: UserRole,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateUserBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    name: Name,
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: Type.Optional(UserRole),
  },
  { additionalProperties: false },
);

export const PatchUserBody = Type.Partial(Type.Omit(CreateUserBody, ['tenantId']), {
  additionalProperties: false,
  minProperties: 1,
});

export const ListUsersQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery },
  { additionalProperties: false },
);
export const UserPage = Page(User);

export type UserObject = Static<typeof User>;
export type CreateUserInput = Static<typeof CreateUserBody>;
export type PatchUserInput = Static<typeof PatchUserBody>;
