/** Events out (SPEC §4): how webhooks are sent, retried and guarded (docs/webhooks.md). */
import { ConfigError, integer, optional, type ConfigVariable, type Env } from './config-values.js';

export interface WebhookSettings {
  /** The waits before each retry: a delivery is tried once, then once after each of these, then dead. */
  readonly webhookRetryScheduleMs: readonly number[];
  /** Private, loopback and link-local targets allowed (a receiver inside the network; tests). */
  readonly webhookAllowPrivate: boolean;
  /** One attempt's bound, from connecting to the receiver's answer. */
  readonly webhookTimeoutMs: number;
  /** Attempts in flight to one endpoint at once, across every node. */
  readonly webhookConcurrency: number;
  /** How often a node looks for due deliveries when nothing woke it. */
  readonly webhookPollMs: number;
  /** How often the time-driven events (key.expiring, key.expired, key.credits_low) are looked for. */
  readonly webhookScanMs: number;
  /** How long a node's claim on a delivery holds: past it (a node killed mid-send), another node sends it. */
  readonly webhookLeaseMs: number;
  /** Days a delivered or dead delivery stays in the log after its last attempt was due. */
  readonly webhookLogRetentionDays: number;
}

const DEFAULT_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

export const WEBHOOK_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'KEYWARD_WEBHOOK_RETRY_SCHEDULE',
    description: 'waits before each retry of a webhook (ms, s, m, h, d), each with ±20% jitter; then dead',
    default: DEFAULT_SCHEDULE,
  },
  {
    name: 'KEYWARD_WEBHOOK_ALLOW_PRIVATE',
    description: 'true: webhooks may target private, loopback and link-local addresses (refused otherwise)',
    default: 'false',
  },
  { name: 'KEYWARD_WEBHOOK_TIMEOUT_MS', description: 'one webhook attempt’s bound, answer included', default: '10000' },
  {
    name: 'KEYWARD_WEBHOOK_CONCURRENCY',
    description: 'webhook attempts in flight to one endpoint at once, across all nodes',
    default: '4',
  },
  {
    name: 'KEYWARD_WEBHOOK_POLL_MS',
    description: 'how often a node looks for due webhook deliveries',
    default: '1000',
  },
  {
    name: 'KEYWARD_WEBHOOK_SCAN_MS',
    description: 'how often one node looks for expiring, expired and low-credit keys',
    default: '60000',
  },
  {
    name: 'KEYWARD_WEBHOOK_LEASE_MS',
    description: 'a node’s claim on a delivery; past it another node sends it (above the timeout)',
    default: '60000',
  },
  {
    name: 'KEYWARD_WEBHOOK_LOG_RETENTION_DAYS',
    description: 'days a delivered or dead webhook delivery stays in the delivery log',
    default: '30',
  },
];

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5s,5m,30m` as milliseconds; empty (`none`) for no retry at all. */
export function parseRetrySchedule(raw: string, name = 'KEYWARD_WEBHOOK_RETRY_SCHEDULE'): number[] {
  if (raw.trim() === 'none') return [];
  return raw.split(',').map((part) => {
    const match = /^\s*(\d{1,9})(ms|s|m|h|d)\s*$/.exec(part);
    if (match === null)
      throw new ConfigError(`${name} must be durations like 5s,5m,30m,2h separated by commas, got "${raw}"`);
    return Number(match[1]) * (UNITS[match[2] as string] as number);
  });
}

function flag(env: Env, name: string): boolean {
  const raw = optional(env, name);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function webhookSettings(env: Env): WebhookSettings {
  return {
    webhookRetryScheduleMs: parseRetrySchedule(optional(env, 'KEYWARD_WEBHOOK_RETRY_SCHEDULE') ?? DEFAULT_SCHEDULE),
    webhookAllowPrivate: flag(env, 'KEYWARD_WEBHOOK_ALLOW_PRIVATE'),
    webhookTimeoutMs: integer(env, 'KEYWARD_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookConcurrency: integer(env, 'KEYWARD_WEBHOOK_CONCURRENCY', 4, 1, 100),
    webhookPollMs: integer(env, 'KEYWARD_WEBHOOK_POLL_MS', 1000, 10, 60_000),
    webhookScanMs: integer(env, 'KEYWARD_WEBHOOK_SCAN_MS', 60_000, 100, 86_400_000),
    webhookLeaseMs: integer(env, 'KEYWARD_WEBHOOK_LEASE_MS', 60_000, 200, 3_600_000),
    webhookLogRetentionDays: integer(env, 'KEYWARD_WEBHOOK_LOG_RETENTION_DAYS', 30, 1, 3650),
  };
}

/** A claim must outlast the attempt it covers, or a slow receiver would be sent the same delivery by two nodes. */
export function checkWebhookSettings(settings: WebhookSettings): void {
  if (settings.webhookLeaseMs <= settings.webhookTimeoutMs)
    throw new ConfigError(
      `KEYWARD_WEBHOOK_LEASE_MS must be above KEYWARD_WEBHOOK_TIMEOUT_MS (${settings.webhookTimeoutMs})`,
    );
}
