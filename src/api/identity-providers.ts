/** Identity provider request and response schemas (SPEC §5: a tenant's OpenID Connect providers). */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Name, Page, PageQuery, Timestamp } from './common.js';

export const Provisioning = Type.Union([Type.Literal('none'), Type.Literal('member')], {
  description: '`member`: a person with no user in the tenant becomes a member at first sign-in; `none`: refused',
});

const EmailDomain = Type.String({
  minLength: 3,
  maxLength: 253,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$',
});

export const IdentityProvider = Type.Object({
  id: IdSchema('identityProvider'),
  tenantId: IdSchema('tenant'),
  name: Type.String(),
  issuer: Type.String(),
  clientId: Type.String(),
  /** Always true: the secret is sealed at rest and never answered. */
  clientSecretSet: Type.Boolean({ description: 'the client secret is stored (sealed); it is never shown back' }),
  emailDomains: Type.Array(Type.String()),
  provisioning: Provisioning,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const CreateIdentityProviderBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    name: Name,
    issuer: Type.String({ minLength: 8, maxLength: 2000, description: 'the OpenID Connect issuer URL (https)' }),
    clientId: Type.String({ minLength: 1, maxLength: 500 }),
    clientSecret: Type.String({ minLength: 1, maxLength: 2000, writeOnly: true }),
    emailDomains: Type.Array(EmailDomain, { minItems: 1, maxItems: 50, uniqueItems: true }),
    provisioning: Type.Optional(Provisioning),
  },
  { additionalProperties: false },
);

export const PatchIdentityProviderBody = Type.Partial(Type.Omit(CreateIdentityProviderBody, ['tenantId']), {
  additionalProperties: false,
  minProperties: 1,
});

export const ListIdentityProvidersQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery },
  { additionalProperties: false },
);
export const IdentityProviderPage = Page(IdentityProvider);

export type IdentityProviderObject = Static<typeof IdentityProvider>;
export type CreateIdentityProviderInput = Static<typeof CreateIdentityProviderBody>;
export type PatchIdentityProviderInput = Static<typeof PatchIdentityProviderBody>;
