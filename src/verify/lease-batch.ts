/**
 * Writes a lease holder (credit-leases.ts) asks for ahead of need — a raise of a block's mark, a
 * top-up of a block still being spent — wait a few milliseconds for the same of other keys'
 * blocks, and go to storage together: one statement, or one transaction, for all of them. They
 * are asked for well before they are needed, so the wait costs nothing; one write each was, over
 * 10 000 keys spent steadily, a commit per key several times a lifetime. A holder that needs the
 * write now (it has reached its mark) asks with `now`, which sends the batch at once.
 */

/** How long a write asked for ahead of need waits for others to join it. */
export const LEASE_BATCH_MS = 10;

export interface LeaseBatch<K, V> {
  /** Adds `value` for `key` (merged with one already waiting), and settles once its batch is written. */
  add(key: K, value: V, now: boolean): Promise<void>;
  /** Sends what waits and settles every batch under way (shutdown: before the leases go back). */
  settle(): Promise<void>;
}

interface Batch<K, V> {
  readonly entries: Map<K, V>;
  readonly sent: Promise<void>;
  send(): void;
}

/**
 * `write` gets each batch's entries; it handles its own failures (a batch that fails is reported
 * by it, and its holders find out as they would from one failed write).
 */
export function leaseBatch<K, V>(
  write: (entries: ReadonlyMap<K, V>) => Promise<void>,
  merge: (waiting: V, added: V) => V,
): LeaseBatch<K, V> {
  let open: Batch<K, V> | null = null;
  const underWay = new Set<Promise<void>>();

  const start = (): Batch<K, V> => {
    const entries = new Map<K, V>();
    let send = () => {};
    const due = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LEASE_BATCH_MS);
      send = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const sent = due.then(() => {
      if (open === batch) open = null;
      return write(entries);
    });
    const batch: Batch<K, V> = { entries, sent, send: () => send() };
    underWay.add(sent);
    const done = () => underWay.delete(sent);
    sent.then(done, done);
    return batch;
  };

  return {
    add(key, value, now) {
      const batch = open ?? (open = start());
      const waiting = batch.entries.get(key);
      batch.entries.set(key, waiting === undefined ? value : merge(waiting, value));
      if (now) batch.send();
      return batch.sent;
    },
    async settle() {
      open?.send();
      await Promise.all(underWay);
    },
  };
}
