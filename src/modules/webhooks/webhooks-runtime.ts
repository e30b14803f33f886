/**
 * Events out on one node: the delivery worker and the time-driven scanner, started with the app
 * and stopped with it (claims given back, the scanner's lease given up). Both run on timers
 * beside the request path; requests only write outbox rows and wake the worker.
 */
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/secret-box.js';
import type { Db } from '../../storage/database.js';
import { pruneDeliveryLog } from './delivery-log-pruning.js';
import { startDeliveryWorker, type DeliveryWorker } from './delivery-worker.js';
import { scanTimeDrivenEvents, type ScanReport } from './event-scanner.js';
import { outboxWrites } from './outbox.js';
import { releaseScannerLease, takeScannerLease } from './scanner-lease.js';

export interface WebhookRuntimeOptions {
  readonly db: Db;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly retryScheduleMs: readonly number[];
  readonly allowPrivate: boolean;
  readonly timeoutMs: number;
  readonly perEndpoint: number;
  readonly pollMs: number;
  readonly scanMs: number;
  readonly leaseMs: number;
  /** Days a finished delivery stays in the log (delivery-log-pruning.ts). */
  readonly logRetentionDays: number;
  readonly onError: (error: unknown, what: 'delivery' | 'scan') => void;
}

/** A scan's events, and the old deliveries it removed from the log. */
export interface NodeScanReport extends ScanReport {
  readonly logPruned: number;
}

export interface WebhookRuntime {
  readonly nodeId: string;
  /** Looks for due deliveries now (a change on this node queued some). */
  wake(): void;
  /**
   * A transaction committed on this node: the worker looks at once if the outbox was written to
   * since it last looked, and not otherwise, so changes that queue nothing cost no query.
   */
  committed(): void;
  /** One delivery pass, waiting for its sends: how many were claimed (tests, `keyward` embedding). */
  deliverDue(): Promise<number>;
  /** One scan, if this node holds (or takes) the scanner's lease; null when another node holds it. */
  scan(): Promise<NodeScanReport | null>;
  /** Stops both; the worker gives back its unfinished claims, the scanner its lease. */
  stop(): Promise<void>;
  /** Stops as a killed node would: its claims and lease hold until they run out (tests). */
  halt(): void;
}

export function startWebhooks(options: WebhookRuntimeOptions): WebhookRuntime {
  const worker: DeliveryWorker = startDeliveryWorker({
    db: options.db,
    clock: options.clock,
    secrets: options.secrets,
    retryScheduleMs: options.retryScheduleMs,
    allowPrivate: options.allowPrivate,
    timeoutMs: options.timeoutMs,
    perEndpoint: options.perEndpoint,
    pollMs: options.pollMs,
    leaseMs: options.leaseMs,
    onError: (error) => options.onError(error, 'delivery'),
  });
  // Held for three scans: a scanner that dies is replaced within that.
  const scannerLeaseMs = options.scanMs * 3;
  let scanning: Promise<NodeScanReport | null> | null = null;
  const scan = (): Promise<NodeScanReport | null> => {
    scanning ??= (async () => {
      const now = options.clock.now();
      if (!(await takeScannerLease(options.db, worker.nodeId, now, scannerLeaseMs))) return null;
      const report = await scanTimeDrivenEvents(options.db, now);
      if (report.expiring + report.expired + report.creditsLow > 0) worker.wake();
      return { ...report, logPruned: await pruneDeliveryLog(options.db, now, options.logRetentionDays) };
    })().finally(() => {
      scanning = null;
    });
    return scanning;
  };
  const timer = setInterval(() => {
    scan().catch((error: unknown) => options.onError(error, 'scan'));
  }, options.scanMs);
  timer.unref();
  let seenWrites = outboxWrites();
  return {
    nodeId: worker.nodeId,
    wake: () => worker.wake(),
    committed: () => {
      if (outboxWrites() === seenWrites) return;
      seenWrites = outboxWrites();
      worker.wake();
    },
    deliverDue: () => worker.deliverDue(),
    scan,
    stop: async () => {
      clearInterval(timer);
      await scanning?.catch(() => null);
      await worker.stop();
      await releaseScannerLease(options.db, worker.nodeId).catch((error: unknown) => options.onError(error, 'scan'));
    },
    halt: () => {
      clearInterval(timer);
      worker.halt();
    },
  };
}
