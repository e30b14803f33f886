/** Events out on this node, as the configuration says (config-webhooks.ts): started by buildApp, stopped by its close. */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { SecretBox } from '../core/secret-box.js';
import { startWebhooks, type WebhookRuntime } from '../modules/webhooks/webhooks-runtime.js';
import type { Db } from '../storage/database.js';
import type { Config } from './config.js';

export function startNodeWebhooks(
  config: Config,
  parts: { readonly db: Db; readonly clock: Clock; readonly secrets: SecretBox; readonly log: FastifyBaseLogger },
): WebhookRuntime {
  return startWebhooks({
    db: parts.db,
    clock: parts.clock,
    secrets: parts.secrets,
    retryScheduleMs: config.webhookRetryScheduleMs,
    allowPrivate: config.webhookAllowPrivate,
    timeoutMs: config.webhookTimeoutMs,
    perEndpoint: config.webhookConcurrency,
    pollMs: config.webhookPollMs,
    scanMs: config.webhookScanMs,
    leaseMs: config.webhookLeaseMs,
    logRetentionDays: config.webhookLogRetentionDays,
    // Never a payload or a receiver's answer: the error says which pass failed.
    onError: (error, what) => parts.log.error({ err: error }, `webhook ${what} pass failed; tried again on the next`),
  });
}
