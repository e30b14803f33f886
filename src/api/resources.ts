/**
 * Resources: the objects a platform protects (SPEC §1). `value` exists only on types whose model
 * entry carries one (`secret`, encrypted at rest; `variable`, in clear) and is shown only to a
 * key that may read the resource, never in lists.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Metadata, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const TypeName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$', maxLength: 64 });
export const ExternalId = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "the platform's own id, unique per environment and type",
});
export const VisibilitySchema = Type.Union(
  [Type.Literal('ENVIRONMENT'), Type.Literal('TENANT'), Type.Literal('PUBLIC')],
  {
    description:
      'ENVIRONMENT (default): its environment only; TENANT: discover/read/run from the tenant’s other environments; PUBLIC: from any tenant',
  },
);
export const ResourceValue = Type.String({ maxLength: 65_536 });

/** Absent from a listing's entry the caller may discover but not read (SPEC §3 step 4: id, type, name, parent and visibility only). */
const READERS_ONLY = 'absent when the caller may only discover the resource';

export const Resource = Type.Object({
  id: IdSchema('resource'),
  tenantId: Type.Optional(IdSchema('tenant', READERS_ONLY)),
  environmentId: Type.Optional(IdSchema('environment', READERS_ONLY)),
  type: Type.String(),
  name: Type.String(),
  externalId: Type.Optional(Nullable(Type.String(), READERS_ONLY)),
  parentId: Nullable(IdSchema('resource')),
  visibility: VisibilitySchema,
  metadata: Type.Optional(Metadata),
  value: Type.Optional(
    Nullable(Type.String({ description: 'only for types that carry a value, and only to a key that may read it' })),
  ),
  createdByKeyId: Type.Optional(Nullable(Type.String(), READERS_ONLY)),
  createdAt: Type.Optional(Timestamp),
  updatedAt: Type.Optional(Timestamp),
});

export const CreateResourceBody = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    type: TypeName,
    name: Name,
    externalId: Type.Optional(ExternalId),
    parentId: Type.Optional(IdSchema('resource')),
    visibility: Type.Optional(VisibilitySchema),
    value: Type.Optional(ResourceValue),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const PatchResourceBody = Type.Object(
  {
    name: Type.Optional(Name),
    externalId: Type.Optional(Nullable(ExternalId)),
    parentId: Type.Optional(Nullable(IdSchema('resource'))),
    visibility: Type.Optional(VisibilitySchema),
    value: Type.Optional(ResourceValue),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ListResourcesQuery = Type.Object(
  {
    type: Type.Optional(TypeName),
    parentId: Type.Optional(IdSchema('resource')),
    environmentId: Type.Optional(
      IdSchema('environment', 'only resources of this environment (visibility still applies)'),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'the start of a name (any case), the start of an id, or an externalId',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const ResourcePage = Page(Resource);

export type ResourceObject = Static<typeof Resource>;
export type CreateResourceInput = Static<typeof CreateResourceBody>;
export type PatchResourceInput = Static<typeof PatchResourceBody>;
export type ListResourcesInput = Static<typeof ListResourcesQuery>;
