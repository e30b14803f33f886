/**
 * Collects what is asked for in one turn of the event loop and hands it over, all of it at once,
 * when the turn ends (setImmediate). No timer: whoever asked waits no longer than their own
 * turn. Storage writes asked for by many requests in one turn go as one statement or transaction
 * (storage/credit-spend-batch.ts, verify/lease-takes.ts); writes asked for ahead of need wait on a
 * timer instead (verify/lease-batch.ts), since a few milliseconds more cost them nothing.
 */
export function endOfTurn<T>(flush: (batch: T[]) => void): (item: T) => void {
  let waiting: T[] | null = null;
  return (item) => {
    if (waiting === null) {
      const batch: T[] = [];
      waiting = batch;
      setImmediate(() => {
        waiting = null;
        flush(batch);
      });
    }
    waiting.push(item);
  };
}
