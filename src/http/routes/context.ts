/** What route plugins are given: the services' dependencies and the verify path. */
import type { ServiceDeps } from '../../modules/deps.js';
import type { Storage } from '../../storage/storage.js';
import type { Verifier } from '../../verify/verify.js';
import type { Metrics } from '../metrics.js';
import type { FloodControl } from '../flood-control.js';
import type { RedisHealth } from '../../verify/redis-health.js';
import type { OutageLog } from '../outage-log.js';
import type { Config } from '../config.js';
import type { SsoDeps } from '../../modules/sso/sso-identity.js';
import type { CsrfTokens } from '../../modules/sessions/session-tokens.js';
import type { ChangeHub } from '../../verify/change-hub.js';
import type { UsageSink } from '../../verify/usage-recorder.js';
import type { VerifyReplies } from '../verify-replies.js';

export interface RouteContext {
  readonly deps: ServiceDeps;
  /** The check behind `POST /v1/verify`. */
  readonly verify: Verifier;
  /** What verify answers, for the route and the fast path alike (verify-replies.ts). */
  readonly verifyReplies: VerifyReplies;
  /** Whether the node has confirmed lately that it saw every change (see config.maxStalenessMs). */
  readonly fresh: () => boolean;
  /** What replicas streaming from this node hear of (GET /v1/changes/stream). */
  readonly changes: ChangeHub;
  /** Where verifies are counted: replicas send theirs in batches (POST /v1/replica/usage). */
  readonly usage: UsageSink;
  /** Whether storage answers (readiness). */
  readonly ping: Storage['ping'];
  readonly metrics: Metrics;
  readonly floods: FloodControl;
  /** With Redis configured: whether it answers, as this node sees it. */
  readonly redis?: RedisHealth | undefined;
  /** Failures for want of storage, said once per outage (outage-log.ts). */
  readonly storageOutage: OutageLog;
  /** Whether the node is stopping (a shutdown delay runs): not ready, though still answering. */
  readonly stopping: () => boolean;
  /** Events out: whether private targets are allowed, and the wake-up of this node's delivery worker. */
  readonly webhooks: { readonly allowPrivate: boolean; wake(): void };
  readonly config: Config;
  /** Sign-in with SSO: the providers' configurations and the session lifetime. */
  readonly sso: SsoDeps;
  /** The CSRF tokens of sessions (session-tokens.ts). */
  readonly csrf: CsrfTokens;
}

export const PROBLEM_RESPONSES = {
  '4xx': { $ref: 'Problem#' },
  '5xx': { $ref: 'Problem#' },
} as const;
