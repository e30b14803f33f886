/**
 * SQLite's write lock held by another connection (the CLI, a backup, a second server on the same
 * file): a write of the node waits for it between turns of the event loop, so the node keeps
 * answering meanwhile, cache hits of verify included, and lands once the lock is let go; past the
 * wait it fails with nothing written, and the API answers 503, never 500. Before, SQLite's busy
 * handler slept in the node's one thread for up to 5 s, and every request of the node with it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import type { Database } from '../../src/storage/database.js';
import { immediateSqliteDialect } from '../../src/storage/sqlite-immediate.js';
import { isStorageUnavailable } from '../../src/storage/unavailable.js';
import { testDatabases } from '../support/databases.js';
import { seedTenant, startKeyward, type TestKeyward } from '../support/keyward.js';
import { tenantRowWith } from '../support/rows.js';

const sqlite = testDatabases().find((candidate) => candidate.name === 'sqlite');
if (sqlite === undefined) throw new Error('SQLite is always among the test databases');

/** Another connection to the file, holding its write lock until `release()`. */
function holdWriteLock(file: string) {
  const other = new SqliteDatabase(file);
  other.exec('begin immediate');
  return {
    release() {
      other.exec('commit');
      other.close();
    },
  };
}

/** How many 10 ms timers fired while `work` ran: none when the thread was held. */
async function ticksDuring(work: () => Promise<void>): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

describe('SQLite with another connection holding the write lock', () => {
  let kw: TestKeyward | undefined;
  afterEach(async () => {
    await kw?.close();
    kw = undefined;
  });

  it('a write waits without holding up the event loop, and lands once the lock is let go', async () => {
    const database = await sqlite.open();
    try {
      const lock = holdWriteLock(join(database.dataDir, 'keyward.db'));
      let settled = false;
      const write = insertTenant(database.storage.db, tenantRowWith({ id: 'ten_waited', name: 'Waited' })).finally(
        () => {
          settled = true;
        },
      );
      const ticks = await ticksDuring(() => sleep(300));
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(settled).toBe(false);
      lock.release();
      await write;
      const row = await database.storage.db
        .selectFrom('tenants')
        .select('name')
        .where('id', '=', 'ten_waited')
        .executeTakeFirst();
      expect(row).toEqual({ name: 'Waited' });
    } finally {
      await database.cleanup();
    }
  });

  it('past the wait, a write fails as storage unavailable, having written nothing', async () => {
    const database = await sqlite.open();
    const file = join(database.dataDir, 'keyward.db');
    const connection = new SqliteDatabase(file);
    connection.pragma('busy_timeout = 0');
    const db = new Kysely<Database>({ dialect: immediateSqliteDialect({ database: connection }, 200) });
    try {
      const lock = holdWriteLock(file);
      const started = performance.now();
      const failure = await insertTenant(db, tenantRowWith({ id: 'ten_late', name: 'Late' })).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
      expect(failure).toMatchObject({ code: 'SQLITE_BUSY' });
      expect(isStorageUnavailable(failure)).toBe(true);
      lock.release();
      expect(await db.selectFrom('tenants').select('id').where('id', '=', 'ten_late').execute()).toEqual([]);
    } finally {
      await db.destroy();
      await database.cleanup();
    }
  });

  it('verify answers a cached key while a key creation waits for the lock, which then answers 201', async () => {
    kw = await startKeyward(sqlite);
    const seeded = await seedTenant(kw, 'Locked');
    const created = await seeded.admin.post('/v1/keys', { name: 'cached', kind: 'application' });
    expect(created.status).toBe(201);
    const verify = () =>
      kw?.keyward.app.inject({ method: 'POST', url: '/v1/verify', payload: { key: created.body.key } });
    expect((await verify())?.json()).toMatchObject({ valid: true, code: 'VALID' });

    const lock = holdWriteLock(join(kw.database.dataDir, 'keyward.db'));
    let creation: Promise<{ status: number }> | undefined;
    let answered: { code?: string } | undefined;
    let creationSettled = false;
    let settledWhenAnswered: boolean | undefined;
    try {
      creation = seeded.admin.post('/v1/keys', { name: 'made while locked', kind: 'application' }).finally(() => {
        creationSettled = true;
      });
      await sleep(50);
      answered = (await verify())?.json();
      settledWhenAnswered = creationSettled;
    } finally {
      lock.release();
    }
    expect(answered).toMatchObject({ valid: true, code: 'VALID' });
    // Answered while the creation still waited for the lock, not after it had given up.
    expect(settledWhenAnswered).toBe(false);
    expect((await creation).status).toBe(201);
  });
});
