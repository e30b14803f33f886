/**
 * WAL checkpoints off the event loop. SQLite copies the write-ahead log back into the database
 * file, and syncs both, in the connection whose commit takes the log past 1 000 pages: for the
 * node's one connection, that is inside some request's turn of the event loop, every few hundred
 * commits under a steady write load (credit lease renewals, usage flushes), and every request
 * waits for it. Here that connection never checkpoints. Once its log has grown past those same
 * 1 000 pages, a worker thread with a connection of its own checkpoints it every
 * CHECKPOINT_EVERY_MS, PASSIVE: it neither waits for the writer nor blocks it, and the writer
 * starts the log over once all of it has been copied. A process that writes little (a CLI
 * command, most tests) never starts the thread.
 *
 * Should the thread fail, the connection checkpoints for itself again, as SQLite does by default.
 */
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SqliteDatabase from 'better-sqlite3';

/** SQLite's own default: the log, in pages, past which a commit checkpoints. */
const AUTOCHECKPOINT_PAGES = 1000;
/** How often the log's size is looked at before the thread runs. */
const WATCH_EVERY_MS = 1000;
export const CHECKPOINT_EVERY_MS = 200;
/** A thread busy in a long checkpoint gets this long to stop on close before it is terminated. */
const STOP_WAIT_MS = 5000;

/**
 * The thread, as CommonJS source: a file of its own would be a .ts under test and a .js once
 * built. It reports any failure as a message and stops checkpointing.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    clearInterval(timer);
    parentPort.postMessage(String(error && error.message));
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Whether the thread is checkpointing (false before the log grew, and after a failure). */
  readonly running: boolean;
  /** Stops the thread, its connection closed: before the node's own closes, which then checkpoints what is left. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The module the thread loads as better-sqlite3 (a test gives one that fails). */
  readonly driver?: string;
  readonly startAfterPages?: number;
}

export function checkpointOffTheLoop(
  sqlite: SqliteDatabase.Database,
  file: string,
  options: CheckpointerOptions = {},
): Checkpointer {
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  const startAfterBytes = (options.startAfterPages ?? AUTOCHECKPOINT_PAGES) * pageSize;
  sqlite.pragma('wal_autocheckpoint = 0');
  let worker: Worker | null = null;
  let closed = false;

  const fallBack = () => {
    const failed = worker;
    worker = null;
    if (failed !== null) void failed.terminate();
    if (!closed && sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };

  const start = () => {
    const thread = new Worker(THREAD, {
      eval: true,
      workerData: { driver, file, everyMs: CHECKPOINT_EVERY_MS },
    });
    thread.on('message', fallBack);
    thread.on('error', fallBack);
    thread.on('exit', () => {
      if (worker === thread) fallBack();
    });
    // After the listeners: one for 'message' refs the thread's port again, and the thread alone
    // would then keep a process alive that has nothing else to do (a CLI command, a script).
    thread.unref();
    worker = thread;
  };

  const watch = setInterval(() => {
    void stat(`${file}-wal`).then(
      (wal) => {
        if (closed || worker !== null || wal.size < startAfterBytes) return;
        clearInterval(watch);
        start();
      },
      () => undefined,
    );
  }, WATCH_EVERY_MS);
  watch.unref();

  return {
    get running() {
      return worker !== null;
    },
    async close() {
      closed = true;
      clearInterval(watch);
      const thread = worker;
      worker = null;
      if (thread === null) return;
      const exited = once(thread, 'exit');
      thread.postMessage('close');
      const timer = setTimeout(() => void thread.terminate(), STOP_WAIT_MS);
      // A thread that failed while stopping has exited all the same.
      await exited.catch(() => undefined);
      clearTimeout(timer);
    },
  };
}
