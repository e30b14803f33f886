/**
 * Whether storage answers, as this node sees it, and how fast: `Storage.ping` every few seconds
 * (bounded like every statement of the node), read by `/metrics` (`keyward_storage_up`,
 * `keyward_storage_latency_seconds`). An answer also ends an outage the outage log is counting.
 */
import type { OutageLog } from './outage-log.js';

export interface StorageHealth {
  readonly up: boolean;
  /** The last probe's round trip; NaN before the first answers. */
  readonly latencySeconds: number;
  /** Probes now (also on its own every `intervalMs`). */
  probe(): Promise<void>;
  stop(): void;
}

export const STORAGE_PROBE_MS = 5000;

export function watchStorage(
  ping: () => Promise<void>,
  outages: OutageLog,
  intervalMs = STORAGE_PROBE_MS,
): StorageHealth {
  let up = true;
  let latencySeconds = Number.NaN;
  const probe = async (): Promise<void> => {
    const started = performance.now();
    try {
      await ping();
      latencySeconds = (performance.now() - started) / 1000;
      up = true;
      outages.answered();
    } catch (error) {
      up = false;
      outages.failed('probe', error, 'storage does not answer');
    }
  };
  const timer = setInterval(() => void probe(), intervalMs);
  timer.unref();
  return {
    get up() {
      return up;
    },
    get latencySeconds() {
      return latencySeconds;
    },
    probe,
    stop: () => clearInterval(timer),
  };
}
