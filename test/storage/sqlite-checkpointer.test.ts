/**
 * The SQLite log checkpointed by a thread of its own (src/storage/sqlite-checkpointer.ts): the
 * node's connection never checkpoints (its commits never copy the log into the database inside a
 * request's turn), yet the log stays bounded under a steady write load, nothing written is lost,
 * and a thread that fails hands checkpoints back to the connection.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkpointOffTheLoop } from '../../src/storage/sqlite-checkpointer.js';

const PAGE = 4096;
const START_AFTER_PAGES = 50;

describe('SQLite checkpoints off the event loop', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function database() {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-checkpoint-'));
    dirs.push(dir);
    const file = join(dir, 'keyward.db');
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('create table t (id integer primary key, body blob)');
    const insert = sqlite.prepare('insert into t (body) values (?)');
    // One commit per page-sized row, as many small transactions of a node under load.
    const write = (pages: number) => {
      for (let i = 0; i < pages; i++) insert.run(Buffer.alloc(PAGE - 100, i % 251));
    };
    const walPages = () => statSync(`${file}-wal`).size / PAGE;
    return { file, sqlite, write, walPages };
  }

  it('keeps the log bounded by a thread of its own, the connection never checkpointing, and loses nothing', async () => {
    const { file, sqlite, write, walPages } = database();
    const ports = () => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort' || kind === 'Worker');
    const portsBefore = ports().length;
    const checkpointer = checkpointOffTheLoop(sqlite, file, { startAfterPages: START_AFTER_PAGES });
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // Well past SQLite's own point of checkpointing here: the connection's commits only append.
    write(4 * START_AFTER_PAGES);
    expect(walPages()).toBeGreaterThanOrEqual(4 * START_AFTER_PAGES);
    expect(checkpointer.running).toBe(false);
    await vi.waitFor(() => expect(checkpointer.running).toBe(true), { timeout: 5000, interval: 50 });
    // The thread keeps no process alive: a CLI command or a script that opened storage still exits.
    expect(ports()).toHaveLength(portsBefore);
    // Once the thread has copied it all, the next commit starts the log over: it stops growing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const grown = walPages();
    for (let round = 0; round < 5; round++) {
      write(2 * START_AFTER_PAGES);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(walPages()).toBeLessThanOrEqual(grown + 1);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await checkpointer.close();
    expect(checkpointer.running).toBe(false);
    sqlite.close();
    const reopened = new SqliteDatabase(file, { readonly: true });
    expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: 14 * START_AFTER_PAGES });
    reopened.close();
  });

  it('hands checkpoints back to the connection when the thread fails', async () => {
    const { file, sqlite, write } = database();
    const broken = join(dirs[0] ?? tmpdir(), 'broken-driver.cjs');
    writeFileSync(broken, "throw new Error('no driver here');\n");
    const checkpointer = checkpointOffTheLoop(sqlite, file, { startAfterPages: START_AFTER_PAGES, driver: broken });
    write(2 * START_AFTER_PAGES);
    await vi.waitFor(() => expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000), {
      timeout: 5000,
      interval: 50,
    });
    expect(checkpointer.running).toBe(false);
    await checkpointer.close();
    sqlite.close();
  });

  it('starts no thread for a log that stays small', async () => {
    const { file, sqlite, write } = database();
    const checkpointer = checkpointOffTheLoop(sqlite, file, { startAfterPages: START_AFTER_PAGES });
    // Each commit writes its row's page and the table's root: 10 commits, about 20 pages.
    write(START_AFTER_PAGES / 5);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(checkpointer.running).toBe(false);
    await checkpointer.close();
    sqlite.close();
  });
});
