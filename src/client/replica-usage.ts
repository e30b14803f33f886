/**
 * The replica's usage reports (`POST /v1/replica/usage`): the verifies it answered itself, summed
 * per key and code, sent every `intervalMs` and at close, in batches of at most 1000 items. A
 * report that fails keeps its counts for the next one; each is bounded by `timeoutMs`.
 */
import type { ReplicaUsageInput } from '../api/replica.js';
import { sumUsage, type UsageCell } from './replica-cache.js';

export interface UsageReporterOptions {
  readonly url: string;
  readonly key: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** The counts since the last call, handed over. */
  take(): UsageCell[];
  onError(error: Error): void;
}

export interface UsageReporter {
  /** Sends what was counted; rejects when the server did not take it (kept for the next report). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 1000;

export function createUsageReporter(options: UsageReporterOptions): UsageReporter {
  /** Counts a failed report could not deliver. */
  let unsent: UsageCell[] = [];
  let running: Promise<void> = Promise.resolve();

  const send = async (cells: readonly UsageCell[]): Promise<void> => {
    const body: ReplicaUsageInput = {
      items: cells.map((cell) => ({
        keyId: cell.keyId,
        code: cell.code as ReplicaUsageInput['items'][number]['code'],
        count: cell.count,
        lastUsedAt: new Date(cell.lastAt).toISOString(),
        ...(cell.lastIp === undefined ? {} : { lastUsedIp: cell.lastIp }),
      })),
    };
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status !== 200) throw new Error(`usage report answered ${response.status}`);
  };

  const flushNow = async (): Promise<void> => {
    // A report that failed goes again with what was counted since, one item per key and code, so
    // that a server down for long is not sent a list that grew at every try.
    const cells = sumUsage([...unsent, ...options.take()]);
    unsent = [];
    for (let at = 0; at < cells.length; at += BATCH) {
      const batch = cells.slice(at, at + BATCH);
      try {
        await send(batch);
      } catch (error) {
        unsent = cells.slice(at);
        throw error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  const flush = (): Promise<void> => {
    running = running.catch(() => undefined).then(flushNow);
    return running;
  };
  const timer = setInterval(() => {
    flush().catch((error: Error) => options.onError(new Error(`keyward replica: ${error.message}`)));
  }, options.intervalMs);
  timer.unref();
  return {
    flush,
    async close() {
      clearInterval(timer);
      await flush().catch((error: Error) => options.onError(new Error(`keyward replica: ${error.message}`)));
    },
  };
}
