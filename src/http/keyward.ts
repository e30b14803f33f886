/** What `buildApp` takes and gives: a node's parts, for `keyward serve`, embedding and tests. */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import type { VerifyAnswerObject, VerifyInput } from '../api/verify.js';
import type { Clock } from '../core/clock.js';
import type { Result } from '../core/error-codes.js';
import type { RootKeyBootstrap } from '../modules/instance/root-key.js';
import type { Storage } from '../storage/open-storage.js';
import type { ChangeFollower } from '../verify/change-follower.js';
import type { KeyCache } from '../verify/key-cache.js';
import type { UsageRecorder } from '../verify/usage-recorder.js';
import type { WebhookRuntime } from '../modules/webhooks/webhooks-runtime.js';
import type { Config } from './config.js';

export interface BuildOptions {
  readonly config: Config;
  readonly clock?: Clock;
  /** Where logs go (default stdout); tests capture them to prove no key is ever logged. */
  readonly logStream?: DestinationStream;
  /** Use this storage instead of opening the configured one (tests share a schema setup). */
  readonly storage?: Storage;
  /** Sees every route as it is added, before any of the app's own hooks (tests read the route table). */
  readonly onRoute?: (route: RouteOptions) => void;
  /** With `otelTraces`: where spans go instead of OTLP/HTTP (tests). */
  readonly spanExporter?: SpanExporter;
}

export interface Keyward {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly rootKey: RootKeyBootstrap;
  readonly cache: KeyCache;
  readonly follower: ChangeFollower;
  /** Applies every tenant's audit retention and the instance chain's now (it also runs hourly). */
  pruneAudit(): Promise<number>;
  /** Removes hourly analytics rollups past `KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS` now (else hourly); answers how many. */
  pruneRollups(): Promise<number>;
  /** Key usage counted on this node; `usage.flush()` writes what is pending now. */
  readonly usage: UsageRecorder;
  /** Events out on this node: the delivery worker and the time-driven scanner (`deliverDue()`, `scan()`). */
  readonly webhooks: WebhookRuntime;
  /**
   * The check behind `POST /v1/verify`, without HTTP: for embedding and for measuring.
   * `sourceIp` is the key's last-used IP when the input has no `clientIp`.
   */
  verify(input: VerifyInput, sourceIp?: string): Promise<Result<VerifyAnswerObject>>;
  /** The node is stopping (a shutdown delay): `/readyz` answers 503 from now on, all else as before. */
  markStopping(): void;
  /** Stops following changes, closes the server, flushes key usage and closes the storage. */
  close(): Promise<void>;
}
