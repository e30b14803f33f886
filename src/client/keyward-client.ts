/** The management client's typed surface: one method per `/v1` route, typed by the API schemas (src/api). */
import type { VerificationsInput, VerificationsObject } from '../api/analytics.js';
import type { AuditCheckObject, AuditEventObject, ExportAuditInput, ListAuditInput } from '../api/audit.js';
import type {
  CompleteSessionInput,
  CreateSsoTokenInput,
  ListSessionsInput,
  PendingSessionObject,
  SessionObject,
  SsoTokenObject,
} from '../api/sessions.js';
import type { PageOf } from '../api/common.js';
import type { CreateEnvironmentInput, EnvironmentObject, PatchEnvironmentInput } from '../api/environments.js';
import type { CreateGroupInput, GroupObject, ListGroupsInput } from '../api/groups.js';
import type {
  CreatedKeyObject,
  CreateKeyInput,
  KeyObject,
  ListKeysInput,
  PatchKeyInput,
  RotateKeyInput,
} from '../api/keys.js';
import type { ImportedKeysObject, ImportKeyInput, ImportKeysInput } from '../api/key-import.js';
import type { MeObject } from '../api/me.js';
import type { MfaEnrolmentObject, MfaStatusObject, MfaVerifiedObject } from '../api/mfa.js';
import type { ModelDescriptionObject } from '../api/model.js';
import type { CreatePolicyInput, ListPoliciesInput, PatchPolicyInput, PolicyObject } from '../api/policies.js';
import type { CreateResourceInput, ListResourcesInput, PatchResourceInput, ResourceObject } from '../api/resources.js';
import type { CreateTenantInput, PatchTenantInput, TenantObject } from '../api/tenants.js';
import type { TierListObject, TierObject } from '../api/tiers.js';
import type { KeyUsageInput, KeyUsageObject } from '../api/usage.js';
import type { CreateUserInput, ListUsersInput, PatchUserInput, UserObject } from '../api/users.js';
import type { VerifyAnswerObject, VerifyInput } from '../api/verify.js';
import type {
  CreateEndpointInput,
  EndpointWithSecretObject,
  ListDeliveriesInput,
  PatchEndpointInput,
  RotateEndpointSecretInput,
  WebhookDeliveryObject,
  WebhookEndpointObject,
} from '../api/webhooks.js';
import type {
  CreatedWebhookKeyObject,
  CreateWebhookKeyInput,
  ListWebhookKeysInput,
  RotateWebhookKeyInput,
  VerifyWebhookInput,
  WebhookKeyObject,
  WebhookVerdictObject,
} from '../api/webhook-keys.js';

export type {
  AuditCheckObject,
  AuditEventObject,
  CreatedKeyObject,
  EnvironmentObject,
  GroupObject,
  KeyObject,
  KeyUsageObject,
  MeObject,
  MfaEnrolmentObject,
  MfaStatusObject,
  MfaVerifiedObject,
  ModelDescriptionObject,
  PageOf,
  PolicyObject,
  ResourceObject,
  TenantObject,
  TierListObject,
  TierObject,
  UserObject,
  VerifyAnswerObject,
  WebhookDeliveryObject,
  WebhookEndpointObject,
  EndpointWithSecretObject,
  CreatedWebhookKeyObject,
  WebhookKeyObject,
  WebhookVerdictObject,
};

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;
export type PageQuery = { limit?: number; cursor?: string };

/** List, read, create, update and delete of one collection. */
export interface Collection<T, Create, Patch, List> {
  list(query?: List & PageQuery): Promise<PageOf<T>>;
  get(id: string): Promise<T>;
  create(body: Create): Promise<T>;
  update(id: string, body: Patch): Promise<T>;
  delete(id: string, query?: Query): Promise<T>;
}

/**
 * The collections that are a `Collection` at a path and nothing more. `createClient` makes each
 * one's methods from its path in COLLECTION_PATHS, so a new one is its line here and its path
 * there: a member without a path does not compile.
 */
export interface PlainCollections {
  readonly environments: Collection<
    EnvironmentObject,
    CreateEnvironmentInput,
    PatchEnvironmentInput,
    { tenantId?: string }
  >;
  readonly policies: Collection<PolicyObject, CreatePolicyInput, PatchPolicyInput, ListPoliciesInput>;
  readonly resources: Collection<ResourceObject, CreateResourceInput, PatchResourceInput, ListResourcesInput>;
}

/** Where each plain collection lives. */
export const COLLECTION_PATHS: { readonly [K in keyof PlainCollections]: `/v1/${string}` } = {
  environments: '/v1/environments',
  policies: '/v1/policies',
  resources: '/v1/resources',
};

export interface KeywardClient extends PlainCollections {
  /** Any route, for what the typed methods do not cover. */
  request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T>;
  me(): Promise<MeObject>;
  /** Checks a one-time code of the calling key's user (the console's sign-in). */
  verifyMfa(code: string): Promise<MfaVerifiedObject>;
  model(): Promise<ModelDescriptionObject>;
  verify(body: VerifyInput): Promise<VerifyAnswerObject>;
  readonly tenants: Omit<Collection<TenantObject, CreateTenantInput, PatchTenantInput, object>, 'delete'>;
  /** The instance's tiers (`tenant.manage`): what each gives a tenant's new keys. */
  readonly tiers: { list(): Promise<TierListObject> };
  readonly users: Collection<UserObject, CreateUserInput, PatchUserInput, ListUsersInput> & {
    mfaStatus(id: string): Promise<MfaStatusObject>;
    mfaEnrol(id: string): Promise<MfaEnrolmentObject>;
    mfaConfirm(id: string, code: string): Promise<MfaStatusObject>;
    mfaReset(id: string): Promise<MfaStatusObject>;
  };
  readonly keys: Omit<Collection<KeyObject, CreateKeyInput, PatchKeyInput, ListKeysInput>, 'create' | 'delete'> & {
    create(body: CreateKeyInput): Promise<CreatedKeyObject>;
    rotate(id: string, body?: RotateKeyInput): Promise<CreatedKeyObject>;
    revoke(id: string): Promise<KeyObject>;
    usage(id: string, query?: KeyUsageInput): Promise<KeyUsageObject>;
    /** Adopts an existing key by its SHA-256 and own prefix (no secret is sent or shown). */
    importKey(body: ImportKeyInput): Promise<KeyObject>;
    /** Up to 1000 keys in one transaction, all or none. */
    importKeyBatch(body: ImportKeysInput): Promise<ImportedKeysObject>;
  };
  readonly groups: Collection<GroupObject, CreateGroupInput, { name: string }, ListGroupsInput> & {
    /** A key joins; `{ userId }` where the server takes user members too. */
    addMember(id: string, member: { keyId: string } | { userId: string }): Promise<GroupObject>;
    removeMember(id: string, keyId: string): Promise<GroupObject>;
  };
  /** Verifications over time by verdict code, key or tag, for dashboards (`GET /v1/analytics/verifications`). */
  readonly analytics: {
    verifications(query?: VerificationsInput): Promise<VerificationsObject>;
  };
  readonly audit: {
    list(query?: ListAuditInput): Promise<PageOf<AuditEventObject>>;
    verify(query?: { tenantId?: string }): Promise<AuditCheckObject>;
    /** The filtered view as a CSV or JSON file's text (every page, not one). */
    export(query?: ExportAuditInput): Promise<string>;
  };
  /** Events out: webhook endpoints (the secret shown once, at create and rotate), their delivery log. */
  readonly webhooks: Omit<
    Collection<WebhookEndpointObject, CreateEndpointInput, PatchEndpointInput, { tenantId?: string }>,
    'create'
  > & {
    create(body: CreateEndpointInput): Promise<EndpointWithSecretObject>;
    rotateSecret(id: string, body?: RotateEndpointSecretInput): Promise<EndpointWithSecretObject>;
    deliveries(id: string, query?: ListDeliveriesInput): Promise<PageOf<WebhookDeliveryObject>>;
    redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryObject>;
    test(id: string): Promise<WebhookDeliveryObject>;
  };
  /** Inbound webhooks' signing secrets: the secret comes back from create and rotate only. */
  readonly webhookKeys: {
    list(query?: ListWebhookKeysInput): Promise<PageOf<WebhookKeyObject>>;
    get(id: string): Promise<WebhookKeyObject>;
    create(body: CreateWebhookKeyInput): Promise<CreatedWebhookKeyObject>;
    rotate(id: string, body?: RotateWebhookKeyInput): Promise<CreatedWebhookKeyObject>;
    /** Whether a received request's signature verifies: `{valid, reason?}`. */
    verify(id: string, body: VerifyWebhookInput): Promise<WebhookVerdictObject>;
    delete(id: string): Promise<WebhookKeyObject>;
  };
  /** SSO sessions: the caller's own person's, or with users.manage the tenant's; ending one's own signs out. */
  readonly sessions: {
    list(query?: ListSessionsInput): Promise<PageOf<SessionObject>>;
    get(id: string): Promise<SessionObject>;
    delete(id: string): Promise<SessionObject>;
  };
  /** The steps of an SSO sign-in that come before a session acts (the CLI's `keyward login --sso`). */
  readonly sso: {
    /** The CLI's session token for the code its loopback address got and its PKCE verifier (needs no key). */
    createToken(body: CreateSsoTokenInput): Promise<SsoTokenObject>;
    /** What the session still waits for: the key to act with, a one-time code. */
    getSignIn(): Promise<PendingSessionObject>;
    updateSignIn(body: CompleteSessionInput): Promise<PendingSessionObject>;
  };
}
