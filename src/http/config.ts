import { defaultModel, loadModelFile, ModelError } from '../core/model/load-model.js';
import type { AuthModel } from '../core/model/model.js';
import { checkTimeouts, TIMEOUT_VARIABLES, timeoutSettings, type TimeoutSettings } from './config-timeouts.js';
import { loadTiers, TiersError, type Tiers } from '../modules/ratelimits/tiers.js';
import { trustProxy } from './config-proxy.js';
import {
  ConfigError,
  integer,
  onOff,
  optional,
  sampleRate,
  text,
  type ConfigVariable,
  type Env,
} from './config-values.js';
import { checkWebhookSettings, WEBHOOK_VARIABLES, webhookSettings, type WebhookSettings } from './config-webhooks.js';
import { SSO_VARIABLES, ssoSettings, type SsoSettings } from './config-sso.js';
import { REPLICA_VARIABLES, replicaSettings, type ReplicaSettings } from './config-replica.js';

export { ConfigError, type ConfigVariable } from './config-values.js';
export { trustProxyOption } from './config-proxy.js';

/**
 * The server configuration: one frozen object built once at start from `KEYWARD_*` variables
 * and flags. Anything invalid stops the start with a message naming the variable.
 */
export interface Config extends TimeoutSettings, WebhookSettings, SsoSettings, ReplicaSettings {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** PostgreSQL URL; absent = embedded SQLite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** PostgreSQL schema (default `public`). */
  readonly databaseSchema: string | undefined;
  /** Server pepper; absent = generated into `<dataDir>/pepper` on first start. */
  readonly pepper: string | undefined;
  /** The pepper before the last `keyward pepper rotate`: keys still hashed under it keep working. */
  readonly pepperPrevious: string | undefined;
  readonly logLevel: string;
  /**
   * The share of requests written to the log, one line each at `info` once answered: 0 (off, the
   * default: verify is the hot path, and changes and refusals are in the audit log), 1 (on), or a
   * sample rate between.
   */
  readonly accessLog: number;
  /** OpenTelemetry traces of management requests, sent as the `OTEL_*` variables say (off by default). */
  readonly otelTraces: boolean;
  /** How long this node trusts a cached key with no change seen (a safety net; changes evict at once). */
  readonly keyCacheTtlMs: number;
  readonly keyCacheMaxEntries: number;
  /** How long a verify client may reuse a verdict (`cacheTtlMs` in verify answers). */
  readonly clientCacheTtlMs: number;
  /** How often this node reads the change log for changes made by other nodes. */
  readonly changePollMs: number;
  /**
   * Past this long without confirming it has every change, the node stops trusting its caches:
   * keys and resources are read from storage, and if storage does not answer, verify says 503.
   */
  readonly maxStalenessMs: number;
  /** `redis://…`: nodes also wake each other through Redis pub/sub (besides PostgreSQL NOTIFY). */
  readonly redisUrl: string | undefined;
  /** How many nodes share the load without Redis: each enforces ceil(limit / nodes) of a rate limit. */
  readonly nodes: number;
  /** `KEYWARD_TIERS`: a JSON or YAML file of tiers and the defaults their tenants' new keys get. */
  readonly tiersFile: string | undefined;
  /** Where Redis fails on a rate-limited verify: `open` falls back to this node's share, `closed` refuses. */
  readonly rateLimitRedisDown: 'open' | 'closed';
  /** How often this node writes the key usage it counted (SPEC §4: in batches, off the verify path). */
  readonly usageFlushMs: number;
  /** Pending key/hour/code usage counters that make this node write them at once. */
  readonly usageFlushSize: number;
  /** How long a node may spend a block of a key's credits it took (issue 27: credit leases). */
  readonly creditLeaseMs: number;
  /**
   * Whose `X-Forwarded-For` to believe (Fastify `trustProxy`): false, none; a number, that many
   * proxy hops in front; a string, the comma-separated addresses and CIDRs of the proxies. Never
   * `true`, which would believe a header anyone can send.
   */
  readonly trustProxy: false | number | string;
  /** Failed authentications and NOT_FOUND verifies one source may have per window before 429. */
  readonly authFailureLimit: number;
  readonly authFailureWindowMs: number;
  /**
   * Leaked-key candidates one source may report per `authFailureWindowMs` (each report counts one,
   * and each candidate of the key format one more: those are the ones that cost a lookup).
   */
  readonly leakReportLimit: number;
  /** Sources (IPv4 addresses, IPv6 /64s) the throttle and the refusal audit track at once. */
  readonly throttleMaxSources: number;
  /** The authorization model: the shipped default, or the file `KEYWARD_MODEL` names. */
  readonly model: AuthModel;
  /** The least `auditRetentionDays` a tenant may set (and pruning ever uses): at least 30. */
  readonly auditMinRetentionDays: number;
  /** Days the instance chain keeps its events (at least the minimum); 0 keeps them forever. */
  readonly instanceAuditRetentionDays: number;
  /** Days hourly analytics rollups are kept (at least 31, the widest hourly range analytics answers). */
  readonly analyticsHourlyRetentionDays: number;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'KEYWARD_HOST', description: 'address to listen on', default: '127.0.0.1' },
  { name: 'KEYWARD_PORT', description: 'port to listen on', default: '7600' },
  { name: 'KEYWARD_DATA_DIR', description: 'directory of the SQLite file, the pepper and root.key', default: './data' },
  { name: 'KEYWARD_DATABASE_URL', description: 'postgres://… to use PostgreSQL instead of SQLite', default: '(unset)' },
  { name: 'KEYWARD_DATABASE_SCHEMA', description: 'PostgreSQL schema to use', default: 'public' },
  {
    name: 'KEYWARD_PEPPER',
    description: 'server pepper (≥ 32 chars); share it between nodes',
    default: 'generated into the data dir',
  },
  {
    name: 'KEYWARD_PEPPER_PREVIOUS',
    description: 'the pepper before `keyward pepper rotate`, until `keyward pepper status` shows no key under it',
    default: '(unset)',
  },
  { name: 'KEYWARD_LOG_LEVEL', description: 'fatal|error|warn|info|debug|trace|silent', default: 'info' },
  {
    name: 'KEYWARD_ACCESS_LOG',
    description: 'one log line per request: off|on|a sample rate (0.01 = 1 in 100)',
    default: 'off',
  },
  {
    name: 'KEYWARD_OTEL_TRACES',
    description:
      'on: a trace span per management request, sent over OTLP/HTTP where OTEL_EXPORTER_OTLP_ENDPOINT says (docs/observability.md)',
    default: 'off',
  },
  { name: 'KEYWARD_KEY_CACHE_TTL_MS', description: 'longest a node trusts a cached key', default: '60000' },
  { name: 'KEYWARD_KEY_CACHE_MAX_ENTRIES', description: 'keys kept in the verify cache', default: '100000' },
  { name: 'KEYWARD_CLIENT_CACHE_TTL_MS', description: 'cacheTtlMs told to verify clients', default: '0' },
  { name: 'KEYWARD_CHANGE_POLL_MS', description: 'how often a node reads the change log', default: '1000' },
  {
    name: 'KEYWARD_REDIS_URL',
    description: 'redis://… to wake other nodes through Redis pub/sub, and to share rate-limit buckets',
    default: '(unset)',
  },
  {
    name: 'KEYWARD_TIERS',
    description:
      'path of a JSON or YAML file {tiers: {<name>: {ratelimits?, credits?}}}: defaults for new keys by tenant tier',
    default: '(unset)',
  },
  {
    name: 'KEYWARD_NODES',
    description: 'nodes sharing the load without Redis: each enforces ceil(limit / nodes) of every rate limit',
    default: '1',
  },
  {
    name: 'KEYWARD_RATELIMIT_REDIS_DOWN',
    description: 'open (fall back to the node share in memory) or closed (refuse with RATE_LIMITED) when Redis fails',
    default: 'open',
  },
  {
    name: 'KEYWARD_MAX_STALENESS_MS',
    description: 'past this without reading the change log, caches are not trusted (fail closed)',
    default: '10000',
  },
  { name: 'KEYWARD_USAGE_FLUSH_MS', description: 'how often a node writes the key usage it counted', default: '5000' },
  {
    name: 'KEYWARD_USAGE_FLUSH_SIZE',
    description: 'pending key/hour/code usage counters that trigger a write at once',
    default: '20000',
  },
  {
    name: 'KEYWARD_CREDIT_LEASE_MS',
    description: 'how long a node spends a block of credits it took (0: no leases, one write per verify)',
    default: '30000',
  },
  {
    name: 'KEYWARD_TRUST_PROXY',
    description:
      'whose X-Forwarded-For to read: false, a hop count (1 = the nearest proxy), or proxy addresses/CIDRs (10.0.0.0/8,192.0.2.7)',
    default: 'false',
  },
  {
    name: 'KEYWARD_AUTH_FAILURE_LIMIT',
    description:
      'failed authentications and NOT_FOUND verifies one source (IPv4 address, IPv6 /64) may have per window; past it, 429',
    default: '300',
  },
  { name: 'KEYWARD_AUTH_FAILURE_WINDOW_MS', description: 'the window of KEYWARD_AUTH_FAILURE_LIMIT', default: '60000' },
  {
    name: 'KEYWARD_LEAK_REPORT_LIMIT',
    description:
      'leaked-key candidates (POST /v1/leaked-keys) one source may report per KEYWARD_AUTH_FAILURE_WINDOW_MS; past it, 429',
    default: '3000',
  },
  {
    name: 'KEYWARD_THROTTLE_MAX_SOURCES',
    description: 'sources the failure throttle and the refusal audit track in memory at once',
    default: '100000',
  },
  {
    name: 'KEYWARD_AUDIT_MIN_RETENTION_DAYS',
    description: 'least audit retention a tenant may set, in days (at least 30)',
    default: '30',
  },
  {
    name: 'KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS',
    description: 'days the instance audit chain keeps events (0 = forever; else at least the minimum)',
    default: '365',
  },
  {
    name: 'KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS',
    description: 'days hourly analytics buckets are kept (at least 31); daily buckets are kept',
    default: '90',
  },
  {
    name: 'KEYWARD_MODEL',
    description: 'authorization model file (YAML or JSON; docs/model.md)',
    default: 'the shipped model/default.yaml',
  },
  ...TIMEOUT_VARIABLES,
  ...WEBHOOK_VARIABLES,
  ...SSO_VARIABLES,
  ...REPLICA_VARIABLES,
];

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    host: text(env, 'KEYWARD_HOST', '127.0.0.1'),
    port: integer(env, 'KEYWARD_PORT', 7600, 0, 65535),
    dataDir: text(env, 'KEYWARD_DATA_DIR', './data'),
    databaseUrl: optional(env, 'KEYWARD_DATABASE_URL'),
    databaseSchema: optional(env, 'KEYWARD_DATABASE_SCHEMA'),
    pepper: optional(env, 'KEYWARD_PEPPER'),
    pepperPrevious: optional(env, 'KEYWARD_PEPPER_PREVIOUS'),
    logLevel: text(env, 'KEYWARD_LOG_LEVEL', 'info'),
    accessLog: sampleRate(env, 'KEYWARD_ACCESS_LOG'),
    otelTraces: onOff(env, 'KEYWARD_OTEL_TRACES'),
    keyCacheTtlMs: integer(env, 'KEYWARD_KEY_CACHE_TTL_MS', 60_000, 0, 86_400_000),
    keyCacheMaxEntries: integer(env, 'KEYWARD_KEY_CACHE_MAX_ENTRIES', 100_000, 0, 100_000_000),
    clientCacheTtlMs: integer(env, 'KEYWARD_CLIENT_CACHE_TTL_MS', 0, 0, 3_600_000),
    changePollMs: integer(env, 'KEYWARD_CHANGE_POLL_MS', 1000, 50, 60_000),
    maxStalenessMs: integer(env, 'KEYWARD_MAX_STALENESS_MS', 10_000, 100, 86_400_000),
    redisUrl: optional(env, 'KEYWARD_REDIS_URL'),
    nodes: integer(env, 'KEYWARD_NODES', 1, 1, 1000),
    tiersFile: optional(env, 'KEYWARD_TIERS'),
    rateLimitRedisDown: text(env, 'KEYWARD_RATELIMIT_REDIS_DOWN', 'open') === 'closed' ? 'closed' : 'open',
    usageFlushMs: integer(env, 'KEYWARD_USAGE_FLUSH_MS', 5000, 50, 3_600_000),
    // Not lower: with many keys in use, nearly every verify adds a counter, and a write every
    // thousand verifies cost more CPU than the verifies themselves (bench, 10 000 keys at random).
    // 20 000 pending counters hold a few MiB; the timer writes them every KEYWARD_USAGE_FLUSH_MS anyway.
    usageFlushSize: integer(env, 'KEYWARD_USAGE_FLUSH_SIZE', 20_000, 1, 1_000_000),
    creditLeaseMs: integer(env, 'KEYWARD_CREDIT_LEASE_MS', 30_000, 0, 3_600_000),
    trustProxy: trustProxy(env, 'KEYWARD_TRUST_PROXY'),
    authFailureLimit: integer(env, 'KEYWARD_AUTH_FAILURE_LIMIT', 300, 1, 1_000_000),
    authFailureWindowMs: integer(env, 'KEYWARD_AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    leakReportLimit: integer(env, 'KEYWARD_LEAK_REPORT_LIMIT', 3000, 1, 10_000_000),
    throttleMaxSources: integer(env, 'KEYWARD_THROTTLE_MAX_SOURCES', 100_000, 100, 10_000_000),
    auditMinRetentionDays: integer(env, 'KEYWARD_AUDIT_MIN_RETENTION_DAYS', 30, 30, 36_500),
    instanceAuditRetentionDays: integer(env, 'KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    analyticsHourlyRetentionDays: integer(env, 'KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS', 90, 31, 36_500),
    ...timeoutSettings(env),
    ...webhookSettings(env),
    ...ssoSettings(env),
    ...replicaSettings(env),
    ...overrides,
    model: overrides.model ?? model(env),
  };
  if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new ConfigError('KEYWARD_DATABASE_URL must start with postgres:// or postgresql://');
  }
  if (config.redisUrl !== undefined && !/^rediss?:\/\//.test(config.redisUrl)) {
    throw new ConfigError('KEYWARD_REDIS_URL must start with redis:// or rediss://');
  }
  if (!['open', 'closed', undefined].includes(env['KEYWARD_RATELIMIT_REDIS_DOWN'])) {
    throw new ConfigError('KEYWARD_RATELIMIT_REDIS_DOWN must be open or closed');
  }
  if (config.pepper !== undefined && config.pepper.length < 32) {
    throw new ConfigError('KEYWARD_PEPPER must be at least 32 characters');
  }
  if (config.instanceAuditRetentionDays !== 0 && config.instanceAuditRetentionDays < config.auditMinRetentionDays) {
    throw new ConfigError(
      `KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS must be 0 (forever) or at least KEYWARD_AUDIT_MIN_RETENTION_DAYS (${config.auditMinRetentionDays})`,
    );
  }
  if (config.pepperPrevious !== undefined && config.pepperPrevious.length < 32) {
    throw new ConfigError('KEYWARD_PEPPER_PREVIOUS must be at least 32 characters');
  }
  checkTimeouts(config);
  checkWebhookSettings(config);
  if (!LOG_LEVELS.has(config.logLevel)) {
    throw new ConfigError(`KEYWARD_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);
  }
  return Object.freeze(config);
}

function model(env: Env): AuthModel {
  const path = optional(env, 'KEYWARD_MODEL');
  try {
    return path === undefined ? defaultModel() : loadModelFile(path);
  } catch (error) {
    if (error instanceof ModelError) throw new ConfigError(`KEYWARD_MODEL: ${error.message}`);
    throw error;
  }
}

/** A tiers file that does not fit stops the start like any bad setting. */
export function tiersOf(path: string): Tiers {
  try {
    return loadTiers(path);
  } catch (error) {
    throw error instanceof TiersError ? new ConfigError(error.message) : error;
  }
}
