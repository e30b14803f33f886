/**
 * The audit of refusals that name no key (SPEC §5): a management call with a missing, malformed
 * or unknown bearer is not written one row per 401, which let a flood grow the instance chain by
 * one transaction per request, but counted in memory per source and minute and written as one
 * `auth.refused` event per source and minute with the count, by code. The tally is bounded: past
 * `maxSources` in one minute, further sources are counted together under no source address.
 */
import { insertAuditEvent } from '../modules/audit/audit.repository.js';
import type { Db } from '../storage/database.js';

const MINUTE_MS = 60_000;
/** How often a finished minute is looked for and written when no refusal comes to roll it over. */
const FLUSH_CHECK_MS = 5_000;
const OTHER_SOURCES = '';
/** Minutes kept for a retry while the database does not answer; older ones are dropped. */
const MAX_PENDING_MINUTES = 60;

export interface RefusalTallyOptions {
  readonly db: Db;
  readonly now: () => number;
  readonly maxSources: number;
  readonly onError: (error: unknown) => void;
}

export interface RefusalTally {
  count(source: string, code: string, now: number): void;
  /** Writes every finished minute now (and, with `all`, the current one too). */
  flush(all?: boolean): Promise<void>;
  /** Stops the timer and writes what is counted. */
  close(): Promise<void>;
}

interface SourceCount {
  count: number;
  last: number;
  readonly byCode: Record<string, number>;
}

export function createRefusalTally(options: RefusalTallyOptions): RefusalTally {
  let minute = Math.floor(options.now() / MINUTE_MS);
  let current = new Map<string, SourceCount>();
  const finished: Array<{ minute: number; counts: Map<string, SourceCount> }> = [];
  let writing: Promise<void> = Promise.resolve();

  const roll = (toMinute: number): void => {
    if (current.size > 0) finished.push({ minute, counts: current });
    current = new Map();
    minute = toMinute;
  };

  const write = async (): Promise<void> => {
    const batches = finished.splice(0);
    if (batches.length === 0) return;
    try {
      await writeBatches(batches);
    } catch (error) {
      // Kept for the next flush (the database may be away for a while), within a bound.
      finished.unshift(...batches);
      finished.splice(0, Math.max(0, finished.length - MAX_PENDING_MINUTES));
      throw error;
    }
  };

  const writeBatches = async (batches: Array<{ minute: number; counts: Map<string, SourceCount> }>): Promise<void> => {
    await options.db.transaction().execute(async (trx) => {
      for (const batch of batches) {
        for (const [source, tally] of batch.counts) {
          await insertAuditEvent(
            trx,
            {
              tenantId: null,
              environmentId: null,
              actorKeyId: null,
              action: 'auth.refused',
              targetType: null,
              targetId: null,
              outcome: 'denied',
              status: 401,
              requestId: null,
              sourceIp: source === OTHER_SOURCES ? null : source,
              details: {
                count: tally.count,
                byCode: tally.byCode,
                minute: new Date(batch.minute * MINUTE_MS).toISOString(),
                ...(source === OTHER_SOURCES ? { sources: 'many' } : {}),
              },
            },
            tally.last,
          );
        }
      }
    });
  };

  const flush = (all = false): Promise<void> => {
    const nowMinute = Math.floor(options.now() / MINUTE_MS);
    if (all || nowMinute !== minute) roll(nowMinute);
    // One write at a time, in order, so each minute's events follow the last's in the chain.
    writing = writing.then(write).catch(options.onError);
    return writing;
  };

  const timer = setInterval(() => void flush(), FLUSH_CHECK_MS);
  timer.unref();

  return {
    count(source, code, now) {
      const at = Math.floor(now / MINUTE_MS);
      if (at !== minute) {
        roll(at);
        void flush();
      }
      const key = current.has(source) || current.size < options.maxSources ? source : OTHER_SOURCES;
      let tally = current.get(key);
      if (tally === undefined) {
        tally = { count: 0, last: now, byCode: {} };
        current.set(key, tally);
      }
      tally.count++;
      tally.last = now;
      tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush(true);
    },
  };
}
