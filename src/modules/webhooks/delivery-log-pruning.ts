/**
 * The delivery log is kept for `KEYWARD_WEBHOOK_LOG_RETENTION_DAYS` after each delivery's last
 * attempt was due, then removed by the node holding the scanner's lease, a bounded batch per scan.
 * Removed: delivered and dead deliveries, and pending ones whose endpoint is gone (an endpoint
 * deleted while a change was writing its event leaves a row no worker claims). A pending delivery
 * of a disabled endpoint stays: it is sent when the endpoint is enabled again.
 *
 * Both conditions start from the `(status, next_attempt_at)` index, so a scan reads the rows it
 * removes and not the whole log.
 *
 * A delivery redelivered (or claimed) while a scan runs is not removed: it is pending and due now,
 * or being sent, so no longer the log's to prune; the redelivery then answers 200 and the delivery
 * is sent. One pruned first is gone, and its redelivery answers 404.
 */
import { DAY_MS } from '../../core/clock.js';
import type { Db } from '../../storage/database.js';

/** Rows removed per scan and status: a long-idle log is emptied over a few scans, never in one long statement. */
export const PRUNE_BATCH = 1000;

export async function pruneDeliveryLog(db: Db, now: number, retentionDays: number): Promise<number> {
  const cutoff = now - retentionDays * DAY_MS;
  let removed = 0;
  for (const status of ['delivered', 'dead', 'pending'] as const) {
    const result = await db
      .deleteFrom('webhook_deliveries')
      .where('id', 'in', (eb) => {
        let old = eb
          .selectFrom('webhook_deliveries as d')
          .select('d.id')
          .where('d.status', '=', status)
          .where('d.next_attempt_at', '<', cutoff);
        if (status === 'pending')
          old = old.where((inner) =>
            inner.not(
              inner.exists(
                inner.selectFrom('webhook_endpoints as e').select('e.id').whereRef('e.id', '=', 'd.endpoint_id'),
              ),
            ),
          );
        return old.limit(PRUNE_BATCH);
      })
      // Again on the row deleted: on PostgreSQL a row changed by a transaction the DELETE waited on
      // is checked anew against these, while the subquery's rows are what it read before waiting.
      .where('status', '=', status)
      .where('next_attempt_at', '<', cutoff)
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed;
}
