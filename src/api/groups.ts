/** Sharing groups of keys (seed 004): what a member key creates, every member may manage. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Page, PageQuery, Timestamp } from './common.js';

export const Group = Type.Object({
  id: IdSchema('group'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  memberKeyIds: Type.Array(IdSchema('key')),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateGroupBody = Type.Object({ tenantId: Type.Optional(IdSchema('tenant')), name: Name }, { additionalProperties: false });
export const PatchGroupBody = Type.Object({ name: Name }, { additionalProperties: false });
export const AddMemberBody = Type.Object({ keyId: IdSchema('key') }, { additionalProperties: false });
export const MemberParams = Type.Object({ id: IdSchema('group'), keyId: IdSchema('key') }, { additionalProperties: false });
export const ListGroupsQuery = Type.Object({ tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery }, { additionalProperties: false });
export const GroupPage = Page(Group);

export type GroupObject = Static<typeof Group>;
export type CreateGroupInput = Static<typeof CreateGroupBody>;
export type ListGroupsInput = Static<typeof ListGroupsQuery>;
