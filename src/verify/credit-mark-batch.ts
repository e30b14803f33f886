/**
 * A lease's mark raised in the background (credit-leases.ts) waits a few milliseconds for the
 * raises of other keys' leases, and they go to storage as one statement. A raise is asked for well
 * ahead of need (half a mark step before the holder reaches its mark), so the wait costs nothing;
 * one UPDATE per raise was, over 10 000 keys each spent steadily, a commit per key two or three
 * times a lifetime. A holder that has reached its mark asks with `now`, which sends the batch at once.
 */
import type { LeaseStore } from '../storage/credit-leases.js';
import type { Lease } from './credit-lease-state.js';

/** How long a background raise waits for others to join it. */
export const MARK_BATCH_MS = 10;

interface Batch {
  readonly targets: Map<Lease, number>;
  readonly sent: Promise<void>;
  send(): void;
}

export interface MarkBatcher {
  /** Raises the lease's stored mark to `target`: with others within MARK_BATCH_MS, or at once when `now`. */
  raise(lease: Lease, target: number, now: boolean): Promise<void>;
  /** Sends what waits and settles every raise under way (shutdown: before the leases go back). */
  settle(): Promise<void>;
}

export function markBatcher(leases: Pick<LeaseStore, 'markAll'>, onError: (error: unknown) => void): MarkBatcher {
  let open: Batch | null = null;
  const underWay = new Set<Promise<void>>();

  const start = (): Batch => {
    const targets = new Map<Lease, number>();
    let send = () => {};
    const due = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, MARK_BATCH_MS);
      send = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const sent = due.then(async () => {
      if (open === batch) open = null;
      try {
        const present = await leases.markAll([...targets].map(([lease, spent]) => ({ leaseId: lease.id, spent })));
        for (const [lease, target] of targets) {
          if (present.has(lease.id)) lease.mark = Math.max(lease.mark, target);
          else lease.dead = true;
        }
      } catch (error) {
        onError(error);
      } finally {
        for (const lease of targets.keys()) lease.marking = false;
      }
    });
    const batch: Batch = { targets, sent, send: () => send() };
    underWay.add(sent);
    void sent.finally(() => underWay.delete(sent));
    return batch;
  };

  return {
    raise(lease, target, now) {
      const batch = open ?? (open = start());
      lease.marking = true;
      batch.targets.set(lease, Math.max(batch.targets.get(lease) ?? 0, target));
      if (now) batch.send();
      return batch.sent;
    },
    async settle() {
      open?.send();
      await Promise.all(underWay);
    },
  };
}
