/**
 * Storage contract of change notifications (SPEC §6), on every database: on PostgreSQL a
 * transaction that notifies wakes every listener once it commits and none if it rolls back; on
 * SQLite, one node with nothing to wake, notifying and listening do nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeListener, Storage } from '../../src/storage/storage.js';
import { freshDatabaseEachTest, testDatabases } from '../support/databases.js';

const TIMEOUTS = { connectMs: 2000, queryMs: 2000, statementMs: 1500, idleInTransactionMs: 1500, keepAliveMs: 10_000 };

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  for (const start = Date.now(); !condition() && Date.now() - start < ms; ) await settle(20);
}

describe.each(testDatabases())('change notifications on $name', (testDb) => {
  const fresh = freshDatabaseEachTest(testDb);
  let storage: Storage;
  let listener: ChangeListener | undefined;
  let heard: number;
  beforeEach(async () => {
    storage = fresh().storage;
    heard = 0;
    listener = await storage.listen(
      TIMEOUTS,
      () => heard++,
      (error) => {
        throw error;
      },
    );
  });
  afterEach(async () => {
    await listener?.stop();
  });

  it('wakes listeners for a committed transaction that notifies, and not for a rolled-back one', async () => {
    // PostgreSQL calls once on connecting, for what was committed before it listened.
    const onConnect = testDb.name === 'postgres' ? 1 : 0;
    await waitFor(() => heard >= onConnect);
    expect(heard).toBe(onConnect);

    await storage.db
      .transaction()
      .execute(async (trx) => {
        await storage.notifyChanges(trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await settle(300);
    expect(heard).toBe(onConnect);

    await storage.db.transaction().execute((trx) => storage.notifyChanges(trx));
    const expected = testDb.name === 'postgres' ? onConnect + 1 : 0;
    await waitFor(() => heard >= expected);
    await settle(100);
    expect(heard).toBe(expected);
  });
});
