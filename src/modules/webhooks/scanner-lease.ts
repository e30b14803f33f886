/**
 * Which node runs the time-driven scan (event-scanner.ts): one at a time, by a lease kept in
 * instance_settings and taken by compare-and-set, the same statements on both databases. The
 * holder renews it on each scan; a node that stops gives it up, one that dies loses it when it runs
 * out. Duplicates are prevented by the outbox's once-only marks anyway; the lease saves the work.
 */
import type { Db } from '../../storage/database.js';

const SETTING = 'webhook_scanner_lease';

function leaseValue(nodeId: string, until: number): string {
  return `${nodeId} ${until}`;
}

function parse(value: string): { holder: string; until: number } {
  const [holder = '', until = '0'] = value.split(' ');
  return { holder, until: Number(until) };
}

/** Takes or renews the lease for `nodeId` until `now + leaseMs`; answers whether this node holds it. */
export async function takeScannerLease(db: Db, nodeId: string, now: number, leaseMs: number): Promise<boolean> {
  const next = leaseValue(nodeId, now + leaseMs);
  const inserted = await db
    .insertInto('instance_settings')
    .values({ name: SETTING, value: next })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
  const row = await db.selectFrom('instance_settings').select('value').where('name', '=', SETTING).executeTakeFirst();
  if (row === undefined) return false;
  const current = parse(row.value);
  if (current.holder !== nodeId && current.until > now) return false;
  // Only if nobody took it since it was read.
  const updated = await db
    .updateTable('instance_settings')
    .set({ value: next })
    .where('name', '=', SETTING)
    .where('value', '=', row.value)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Gives the lease up if this node holds it, so another node scans at its next turn. */
export async function releaseScannerLease(db: Db, nodeId: string): Promise<void> {
  const row = await db.selectFrom('instance_settings').select('value').where('name', '=', SETTING).executeTakeFirst();
  if (row === undefined || parse(row.value).holder !== nodeId) return;
  await db
    .updateTable('instance_settings')
    .set({ value: leaseValue('none', 0) })
    .where('name', '=', SETTING)
    .where('value', '=', row.value)
    .execute();
}
