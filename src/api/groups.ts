/** Sharing groups of keys and users (seed 004): what a member key creates, every member may manage. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Page, PageQuery, Timestamp } from './common.js';

export const Group = Type.Object({
  id: IdSchema('group'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  memberKeyIds: Type.Array(IdSchema('key'), { description: 'keys added to the group themselves' }),
  memberUserIds: Type.Array(IdSchema('user'), {
    description: 'users in the group: each of their keys, present and future, is a member',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateGroupBody = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), name: Name },
  { additionalProperties: false },
);
export const PatchGroupBody = Type.Object({ name: Name }, { additionalProperties: false });
export const AddMemberBody = Type.Union([
  Type.Object({ keyId: IdSchema('key') }, { additionalProperties: false }),
  Type.Object({ userId: IdSchema('user') }, { additionalProperties: false }),
]);
export const MemberParams = Type.Object(
  {
    id: IdSchema('group'),
    memberId: Type.Union([IdSchema('key'), IdSchema('user')], { description: 'a member key id or user id' }),
  },
  { additionalProperties: false },
);
export const ListGroupsQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery },
  { additionalProperties: false },
);
export const GroupPage = Page(Group);

export type GroupObject = Static<typeof Group>;
export type CreateGroupInput = Static<typeof CreateGroupBody>;
export type ListGroupsInput = Static<typeof ListGroupsQuery>;
export type AddMemberInput = Static<typeof AddMemberBody>;
