/**
 * Storage contract of `lockForUpdate`, the one way to read a row for update, on every database:
 * read-modify-writes racing on one row lose nothing; a second process writing the SQLite file
 * waits for a transaction instead of failing it; a deadlock between two units of work costs a
 * retry, not an error.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { ok } from '../../src/core/error-codes.js';
import { bindAuditKey } from '../../src/modules/audit/audit-mac.js';
import { mutate, type MutationDeps } from '../../src/modules/mutation.js';
import type { Db } from '../../src/storage/database.js';
import { lockForUpdate } from '../../src/storage/row-lock.js';
import { insertTenant } from '../../src/modules/tenants/tenants.repository.js';
import { testDatabases, type IsolatedDatabase } from '../support/databases.js';
import { tenantRowWith } from '../support/rows.js';

/** A tenant row whose rotation_window_days serves as a counter. */
async function tenantCounter(db: Db, id: string): Promise<void> {
  await insertTenant(db, tenantRowWith({ id, rotation_window_days: 0 }));
}

async function counterOf(db: Db, id: string): Promise<number | null> {
  return (await db.selectFrom('tenants').select('rotation_window_days').where('id', '=', id).executeTakeFirstOrThrow())
    .rotation_window_days;
}

/** Reads the counter locked, waits a moment (another writer's chance to slip in), writes it plus one. */
async function increment(trx: Db, id: string): Promise<void> {
  const row = await lockForUpdate(
    trx,
    trx.selectFrom('tenants').select('rotation_window_days').where('id', '=', id),
  ).executeTakeFirstOrThrow();
  await sleep(2);
  await trx
    .updateTable('tenants')
    .set({ rotation_window_days: (row.rotation_window_days ?? 0) + 1 })
    .where('id', '=', id)
    .execute();
}

describe.each(testDatabases())('lockForUpdate on $name', (testDb) => {
  let database: IsolatedDatabase;
  let db: Db;
  beforeEach(async () => {
    database = await testDb.open();
    db = database.storage.db;
  });
  afterEach(async () => {
    await database.cleanup();
  });

  it('loses no update of 20 read-modify-writes of one row sent at once', async () => {
    await tenantCounter(db, 'ten_counter');
    await Promise.all(
      Array.from({ length: 20 }, () => db.transaction().execute((trx) => increment(trx, 'ten_counter'))),
    );
    expect(await counterOf(db, 'ten_counter')).toBe(20);
  });

  it('refuses to lock outside a transaction, where the lock would end with the statement', () => {
    expect(() => lockForUpdate(db, db.selectFrom('tenants').selectAll())).toThrow(/needs a transaction/);
  });

  it('lets the victim of a deadlock between two units of work run again: both commit', async () => {
    bindAuditKey(db, Buffer.alloc(32, 7));
    const deps: MutationDeps = {
      db,
      clock: manualClock(),
      onCommitted: () => undefined,
      notifyChanges: database.storage.notifyChanges,
    };
    const actor = { keyId: null, requestId: null, sourceIp: null };
    await tenantCounter(db, 'ten_a');
    await tenantCounter(db, 'ten_b');
    // Each unit locks one row, waits until the other holds its own, then wants the other's.
    let holding = 0;
    let runs = 0;
    const bothHold = async (): Promise<void> => {
      holding += 1;
      while (holding < 2) await sleep(5);
    };
    const crossing = (first: string, second: string) =>
      mutate(deps, actor, async ({ trx }) => {
        runs += 1;
        await increment(trx, first);
        await bothHold();
        await increment(trx, second);
        return ok(null);
      });
    // SQLite runs one transaction at a time: the two never hold a row each at once.
    if (testDb.name === 'sqlite') holding = 1;
    const results = await Promise.all([crossing('ten_a', 'ten_b'), crossing('ten_b', 'ten_a')]);
    expect(results).toEqual([ok(null), ok(null)]);
    expect([await counterOf(db, 'ten_a'), await counterOf(db, 'ten_b')]).toEqual([2, 2]);
    expect(runs).toBe(testDb.name === 'postgres' ? 3 : 2);
  });
});

describe('SQLite and a second process writing the same file', () => {
  const sqlite = testDatabases().find((candidate) => candidate.name === 'sqlite');
  let database: IsolatedDatabase;
  beforeEach(async () => {
    database = await (sqlite as NonNullable<typeof sqlite>).open();
  });
  afterEach(async () => {
    await database.cleanup();
  });

  /** Another process (as the CLI opens the file: busy_timeout 5 s) changing the row; resolves when it is done. */
  function otherProcessWrites(file: string, onTrying: () => void): Promise<string> {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('busy_timeout = 5000');
      console.log('trying');
      try { db.prepare("update tenants set tier = 'pro' where id = 'ten_shared'").run(); console.log('written'); }
      catch (error) { console.log('failed ' + error.code); }`;
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('trying')) onTrying();
    });
    return new Promise((resolve) => child.on('close', () => resolve(out.trim())));
  }

  it("waits for a transaction that read the row, and both writes stand (with Kysely's deferred begin, ours failed)", async () => {
    const db = database.storage.db;
    await insertTenant(db, tenantRowWith({ id: 'ten_shared', name: 'before' }));
    let other: Promise<string> = Promise.resolve('');
    await db.transaction().execute(async (trx) => {
      const row = await lockForUpdate(
        trx,
        trx.selectFrom('tenants').selectAll().where('id', '=', 'ten_shared'),
      ).executeTakeFirstOrThrow();
      let trying: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        trying = resolve;
      });
      other = otherProcessWrites(join(database.dataDir, 'keyward.db'), () => trying());
      await started;
      // Time for its write to reach the file's lock before this transaction writes and commits.
      await sleep(300);
      await trx
        .updateTable('tenants')
        .set({ name: `${row.name} and after` })
        .where('id', '=', 'ten_shared')
        .execute();
    });
    expect(await other).toBe('trying\nwritten');
    expect(
      await db.selectFrom('tenants').select(['name', 'tier']).where('id', '=', 'ten_shared').executeTakeFirstOrThrow(),
    ).toEqual({ name: 'before and after', tier: 'pro' });
  });
});
