/**
 * Key usage, counted in memory on the verify path and written in batches (SPEC §4): a verify
 * costs a few Map lookups and a counter increment, never a storage access. Pending counts are
 * flushed every `intervalMs`, as soon as `maxEntries` distinct key/hour/code counters are
 * pending, and on close, as upserts that add to the stored counts (the rows: usage-rows.ts),
 * `USAGE_SLICE` keys to a transaction, verifies served between slices and between statements.
 *
 * A flush swaps the pending buffer for an empty one before it writes, so verifies during the
 * write are kept for the next one; a failed flush adds back the counts it had not stored.
 * Flushes and consistent reads take turns (one at a time), so a read of stored rows plus
 * pending counts never counts a verify twice or misses one.
 */
import type { PendingLastUse, PendingUsage } from '../storage/pending-usage.js';
import type { KeyOwner, VerifyStore } from './verify-store.js';
import { HOUR_MS } from '../core/clock.js';
import { mergeCells, type Cell } from './usage-cells.js';
import {
  dayOfHour,
  dayRows,
  hourRows,
  lastUseRows,
  newEntry,
  tagRows,
  type KeyEntry,
  type Pending,
} from './usage-rows.js';

/**
 * Keys per transaction of a flush. Verifies are served between two slices and between two
 * statements of one (usage.repository.ts), so a slice's size sets its commits, not how long it
 * blocks them: 1 000 keys took ~15% less CPU than 500 on both databases (issue 27, measured).
 */
export const USAGE_SLICE = 1000;

export interface UsageRecorderOptions {
  readonly store: Pick<VerifyStore, 'writeUsage'>;
  /** How often pending counts are written. */
  readonly intervalMs: number;
  /** Pending key/hour/code counters that trigger a flush at once. */
  readonly maxEntries: number;
  /** Told about a flush that failed on its own schedule (its counts are kept for the next). */
  readonly onError: (error: unknown) => void;
}

/** A key as usage needs it: its id, and the tenant and environment its analytics rollups go to. */
export interface UsageKey extends KeyOwner {
  readonly id: string;
}

/** What verify needs: counting one verdict about a known key. */
export interface UsageSink {
  /**
   * `key`: the key's record (a `KeyRecord` is one), so a flush knows each key's tenant and
   * environment without reading them. `tags`: the verify's `k=v` tags, counted per UTC hour;
   * absent (the common case) costs nothing. `count`: verifies of this one outcome (a replica's
   * batch, changes.service.ts); default 1.
   */
  record(key: UsageKey, code: string, ip: string | null, nowMs: number, tags?: readonly string[], count?: number): void;
}

export interface UsageRecorder extends UsageSink, PendingUsage {
  /** Writes everything pending now; rejects if that fails (the counts not stored are kept). */
  flush(): Promise<void>;
  /** Distinct key/hour/code counters pending. */
  pendingEntries(): number;
  /** Stops the timer and flushes what is pending; later verifies are counted but not flushed. */
  close(): Promise<void>;
}

/**
 * Lets the event loop serve verifies between two slices of a flush: better-sqlite3 runs each
 * statement synchronously, and a flush of 10 000 keys built and written in one transaction
 * stalled every verify behind it for tens of milliseconds (its commit alone for 30).
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  let pending: Pending = new Map();
  let entries = 0;
  /** The buffer a running flush is writing: still "pending" for last-use reads until it commits. */
  let writing: Pending | null = null;
  let flushRequested = false;
  let closed = false;
  /** Flushes and consistent reads run one at a time, in order. */
  let turn: Promise<unknown> = Promise.resolve();

  function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  }

  function requestFlush(): void {
    if (flushRequested || closed) return;
    flushRequested = true;
    recorder.flush().catch(options.onError);
  }

  /** Adds `entry`'s counts and last use into `pending` (a failed flush giving its counts back). */
  function restore(keyId: string, entry: KeyEntry): void {
    const into = pending.get(keyId);
    if (into === undefined) {
      pending.set(keyId, entry);
      for (const codes of entry.hours.values()) entries += codes.size;
      for (const tags of entry.tags?.values() ?? []) entries += tags.size;
      return;
    }
    if (entry.lastAt > into.lastAt) {
      into.lastAt = entry.lastAt;
      into.lastIp = entry.lastIp;
    }
    entries += mergeCells(into.hours, entry.hours);
    if (entry.tags !== undefined) entries += mergeCells((into.tags ??= new Map()), entry.tags);
  }

  /** One verify's tags, on the key's entry: a counter per UTC hour and tag. */
  function recordTags(entry: KeyEntry, tags: readonly string[], nowMs: number): void {
    const hour = Math.floor(nowMs / HOUR_MS);
    const hours = (entry.tags ??= new Map());
    let cells = hours.get(hour);
    if (cells === undefined) {
      cells = new Map();
      hours.set(hour, cells);
    }
    for (const tag of tags) {
      const cell = cells.get(tag);
      if (cell !== undefined) cell.count++;
      else {
        cells.set(tag, { count: 1 });
        entries++;
      }
    }
  }

  async function write(): Promise<void> {
    flushRequested = false;
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    entries = 0;
    writing = batch;
    // Key ids in one order on every node (see the store's writeUsage); a plain sort of strings is the fast one.
    const keyIds = [...batch.keys()].sort();
    let written = 0;
    try {
      for (; written < keyIds.length; written += USAGE_SLICE) {
        await nextTurn();
        const slice = keyIds.slice(written, written + USAGE_SLICE);
        await options.store.writeUsage(
          dayRows(batch, slice),
          lastUseRows(batch, slice),
          tagRows(batch, slice),
          hourRows(batch, slice),
          // Each entry holds its key's tenant and environment.
          batch,
        );
      }
    } catch (error) {
      // The slices before the failed one are stored; only the rest go back to be written again.
      for (const keyId of keyIds.slice(written)) restore(keyId, batch.get(keyId) as KeyEntry);
      throw error;
    } finally {
      writing = null;
    }
  }

  const timer = setInterval(() => {
    if (pending.size > 0) recorder.flush().catch(options.onError);
  }, options.intervalMs);
  timer.unref();

  const recorder: UsageRecorder = {
    record(key, code, ip, nowMs, tags, count = 1) {
      const hour = Math.floor(nowMs / HOUR_MS);
      let entry = pending.get(key.id);
      let codes: Map<string, Cell> | undefined;
      if (entry === undefined) {
        codes = new Map();
        entry = newEntry(key, hour, codes);
        pending.set(key.id, entry);
      } else if (entry.hour === hour) {
        codes = entry.codes;
      } else {
        codes = entry.hours.get(hour);
        if (codes === undefined) {
          codes = new Map();
          entry.hours.set(hour, codes);
        }
        entry.hour = hour;
        entry.codes = codes;
      }
      if (nowMs >= entry.lastAt) {
        entry.lastAt = nowMs;
        entry.lastIp = ip;
      }
      if (tags !== undefined && tags.length > 0) recordTags(entry, tags, nowMs);
      const cell = codes.get(code);
      if (cell !== undefined) {
        cell.count += count;
        return;
      }
      codes.set(code, { count });
      if (++entries >= options.maxEntries) requestFlush();
    },

    flush: () => inTurn(write),

    pendingEntries: () => entries,

    lastUse(keyId) {
      const queued = pending.get(keyId);
      const inFlight = writing?.get(keyId);
      const later =
        queued === undefined
          ? inFlight
          : inFlight === undefined || queued.lastAt >= inFlight.lastAt
            ? queued
            : inFlight;
      return later === undefined ? undefined : ({ at: later.lastAt, ip: later.lastIp } satisfies PendingLastUse);
    },

    readConsistently: (read) => inTurn(read),

    forEachPendingDay(keyId, visit) {
      const entry = pending.get(keyId);
      if (entry === undefined) return;
      for (const [hour, codes] of entry.hours) {
        const day = dayOfHour(hour);
        for (const [code, cell] of codes) visit(day, code, cell.count);
      }
    },

    async close() {
      closed = true;
      clearInterval(timer);
      await recorder.flush();
    },
  };
  return recorder;
}
