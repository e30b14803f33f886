/**
 * The Kysely schema: one set of tables and queries for SQLite and PostgreSQL. Times are
 * integer milliseconds, flags are 0/1 integers and structured values are JSON text, so the two
 * dialects store and return exactly the same values.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { WebhookKeysTable } from './webhook-keys-table.js';

export type { WebhookKeysTable } from './webhook-keys-table.js';

export interface InstanceSettingsTable {
  name: string;
  value: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  tier: string;
  mfa_required: number;
  rotation_window_days: number | null;
  default_key_expiry_days: number | null;
  max_key_expiry_days: number | null;
  /** The maximum for application keys (null: none); max_key_expiry_days is for user keys. */
  max_application_key_expiry_days: number | null;
  /** A user key needs its user to have passed a TOTP check within this many days (null: never asked). */
  mfa_reverify_days: number | null;
  /** Audit events older than this many days are pruned; null keeps them forever. */
  audit_retention_days: number | null;
  /** IANA time zone credits refill in (null: UTC). */
  time_zone: string | null;
  /** 0/1: the console accepts only SSO sessions from the tenant's people (migration 0019). */
  require_sso: number;
  created_at: number;
  updated_at: number;
}

export interface EnvironmentsTable {
  id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  mfa_required: number | null;
  rotation_window_days: number | null;
  default_key_expiry_days: number | null;
  max_key_expiry_days: number | null;
  max_application_key_expiry_days: number | null;
  mfa_reverify_days: number | null;
  /** JSON list of CIDRs every key of the environment must be used from; null: any address. */
  ip_allowlist: string | null;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  name: string;
  email: string;
  role: string;
  /** The platform's own id for the person, unique per tenant (issue 29); null: none given. */
  external_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ApiKeysTable {
  id: string;
  /** Null only for the root key. */
  tenant_id: string | null;
  environment_id: string | null;
  user_id: string | null;
  kind: string;
  name: string;
  /** HMAC-SHA-256 of the whole key under the server pepper, hex. The key itself is never stored. */
  key_hash: string;
  hint: string;
  prefix: string;
  admin: number;
  enabled: number;
  /** Direct grants, JSON: named permissions, scopes (a preset's included), levels; and the preset's name. */
  permissions: string;
  scopes: string;
  levels: string;
  preset: string | null;
  /** JSON ids of the groups the key belongs to; kept with group_members in one transaction. */
  group_ids: string;
  /** JSON `[{name, limit, durationMs}]`: the key's own rate limits (migration 0014). */
  ratelimits: string;
  /** The lifetime it was created with, in days (null: never expires); a rotation restarts it. */
  expiry_days: number | null;
  /** The secret it had before its last rotation, accepted until `previous_valid_until`. */
  previous_key_hash: string | null;
  previous_valid_until: number | null;
  rotated_at: number | null;
  metadata: string;
  /** JSON list of CIDRs the key must be used from; null: any address. */
  ip_allowlist: string | null;
  /** Usage credits left (null: the key has no credits and is not metered). */
  credits_remaining: number | null;
  /** Where set, the balance is reset to this amount at each `credits_refill_interval` (day|month). */
  credits_refill_amount: number | null;
  credits_refill_interval: string | null;
  /** The label (YYYY-MM-DD or YYYY-MM, tenant time zone then) of the period the balance belongs to. */
  credits_period: string | null;
  /** When that period ends (epoch ms; migration 0015): a refill is due once the caller's period starts at or after it. */
  credits_period_end: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserMfaTable {
  user_id: string;
  /** The TOTP seed, sealed (AES-256-GCM) and bound to the user id. */
  secret: string;
  confirmed_at: number | null;
  /** The last TOTP time step accepted: a code is accepted once. */
  last_step: number | null;
  failed_count: number;
  failed_window_started_at: number | null;
  /** When the user last passed a TOTP check (mfaReverifyDays counts from it); null: never. */
  passed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PoliciesTable {
  id: string;
  tenant_id: string;
  /** Null: tenant-wide. */
  environment_id: string | null;
  name: string;
  permissions: string;
  scopes: string;
  levels: string;
  /** JSON `[{name, limit, durationMs}]`: one bucket per limit, shared by every linked key (defaults to '[]'). */
  ratelimits: string;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface KeyPoliciesTable {
  key_id: string;
  policy_id: string;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  key_id: string;
  created_at: number;
}

/** A user in a sharing group: each of its keys, present and future, is a member through it. */
export interface GroupUserMembersTable {
  group_id: string;
  user_id: string;
  created_at: number;
}

export interface ResourcesTable {
  id: string;
  tenant_id: string;
  environment_id: string;
  type: string;
  name: string;
  external_id: string | null;
  parent_id: string | null;
  visibility: string;
  /** Sealed for `secret` types, clear for `variable` types, null otherwise. */
  value: string | null;
  metadata: string;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface ResourceRolesTable {
  resource_id: string;
  /** A key or group id. */
  principal_id: string;
  role: string;
  created_at: number;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  environment_id: string | null;
  actor_key_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  status: number;
  request_id: string | null;
  source_ip: string | null;
  details: string;
  at: number;
  /** The chain it belongs to: its tenant id, or `instance`. */
  chain_id: string | null;
  chain_seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditChainHeadsTable {
  chain_id: string;
  last_seq: number;
  last_hash: string;
  last_event_id: string | null;
  pruned_seq: number;
  pruned_hash: string;
  /** HMAC of the other columns under the audit key; null only for a chain not yet sealed. */
  head_mac: string | null;
  /** The event an old chain was already broken at when it was sealed (null: it checked). */
  legacy_bad_event_id: string | null;
}

/** Keys whose hash was made under the pepper before the last rotation (see pepper-rotation.ts). */
export interface PepperPendingKeysTable {
  key_id: string;
  key_hash: string;
}

export interface KeyUsageTable {
  key_id: string;
  last_used_at: number;
  last_used_ip: string | null;
}

export interface KeyUsageDaysTable {
  key_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  code: string;
  count: number;
}

/** A registered prefix of imported keys (issue 29): verify looks such a string up by its SHA-256. */
export interface KeyImportPrefixesTable {
  prefix: string;
  created_at: number;
}

/** Verifies of one key with one tag in one UTC hour (issue 29). */
export interface KeyUsageTagsTable {
  key_id: string;
  /** The start of the UTC hour, ms since the epoch. */
  hour: number;
  tag: string;
  count: number;
}

/** A tenant's OpenID Connect provider (migration 0019). */
export interface IdentityProvidersTable {
  id: string;
  tenant_id: string;
  name: string;
  issuer: string;
  client_id: string;
  /** Sealed (AES-256-GCM) and bound to the provider id; never answered. */
  client_secret: string;
  /** JSON list of lowercase email domains, as identity_provider_domains holds them. */
  email_domains: string;
  /** `none` or `member`: whether a person without a user becomes a member. */
  provisioning: string;
  created_at: number;
  updated_at: number;
}

/** One email domain, one provider across the instance (the primary key says so). */
export interface IdentityProviderDomainsTable {
  domain: string;
  provider_id: string;
}

/** A person's sign-in (migration 0019): acting with one of their keys once complete. */
export interface SessionsTable {
  id: string;
  /** SHA-256 (hex) of the session token; the token itself is never stored. */
  token_hash: string;
  /** Null for an instance operator's session. */
  tenant_id: string | null;
  user_id: string | null;
  email: string;
  /** The identity provider the person came through (null: the operators' provider). */
  provider_id: string | null;
  /** The key the session acts with; null until the person chose one. */
  key_id: string | null;
  /** JSON ids of the keys the person may choose from. */
  candidate_key_ids: string;
  /** 0/1: the tenant requires MFA and the provider did not assert it: a TOTP code is due. */
  mfa_pending: number;
  /** `console` or `cli`: where the sign-in started. */
  client: string;
  source_ip: string | null;
  created_at: number;
  expires_at: number;
}

export interface ChangeLogTable {
  seq: Generated<number>;
  entity: string;
  entity_id: string;
  tenant_id: string | null;
  op: string;
  at: ColumnType<number, number, never>;
}

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  /** Null: events of every environment of the tenant. */
  environment_id: string | null;
  url: string;
  description: string;
  /** JSON list of the event types it receives. */
  events: string;
  enabled: number;
  /** The `whsec_…` signing secret, sealed and bound to the endpoint id. */
  secret: string;
  /** The secret before the last rotation, sealed: it signs too until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  /** `key.expiring` fires this many days before a key expires. */
  expiring_lead_days: number;
  /** `key.credits_low` fires when a key's credits fall below this (null: never). */
  credits_low_threshold: number | null;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The outbox: one row per event and endpoint, written in the transaction of the change it tells of. */
export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  /** The Standard Webhooks message id (`webhook-id`): the same on every attempt and redelivery. */
  message_id: string;
  endpoint_id: string;
  tenant_id: string;
  environment_id: string | null;
  type: string;
  key_id: string | null;
  /** Deliveries to one endpoint sharing this go out one at a time, by `seq` (a key's events in order). */
  order_key: string;
  /** The body sent, `{type, timestamp, data}` as JSON text. */
  payload: string;
  /** pending | sending | delivered | dead */
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number;
  /** The node sending it, until `lease_until`; then any node may claim it again. */
  claimed_by: string | null;
  lease_until: number | null;
  dedupe_key: string | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A key whose credits are below an endpoint's threshold and was told so: cleared when it is back above. */
export interface WebhookCreditAlertsTable {
  endpoint_id: string;
  key_id: string;
  created_at: number;
}

export interface Database {
  instance_settings: InstanceSettingsTable;
  tenants: TenantsTable;
  environments: EnvironmentsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  resources: ResourcesTable;
  resource_roles: ResourceRolesTable;
  policies: PoliciesTable;
  key_policies: KeyPoliciesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_user_members: GroupUserMembersTable;
  user_mfa: UserMfaTable;
  audit_events: AuditEventsTable;
  change_log: ChangeLogTable;
  audit_chain_heads: AuditChainHeadsTable;
  pepper_pending_keys: PepperPendingKeysTable;
  key_usage: KeyUsageTable;
  key_usage_days: KeyUsageDaysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_credit_alerts: WebhookCreditAlertsTable;
  webhook_keys: WebhookKeysTable;
  key_import_prefixes: KeyImportPrefixesTable;
  key_usage_tags: KeyUsageTagsTable;
  identity_providers: IdentityProvidersTable;
  identity_provider_domains: IdentityProviderDomainsTable;
  sessions: SessionsTable;
}

/** A database handle or an open transaction: repositories take either, first. */
export type Db = Kysely<Database> | Transaction<Database>;
