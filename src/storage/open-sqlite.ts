/**
 * Opens the SQLite file in the data directory (WAL, owner-only files, foreign keys on), its
 * statements prepared once and reused, its log checkpointed off the event loop (sqlite-checkpointer.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type LogConfig, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './database.js';
import { ensureOwnerOnlyFile, restrictIfPresent } from './owner-only.js';
import { checkpointOffTheLoop } from './sqlite-checkpointer.js';
import { immediateSqliteDialect } from './sqlite-immediate.js';
import { sqliteStorage, type Storage } from './storage.js';

export function openSqlite(dataDir: string, log: LogConfig | undefined): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'keyward.db');
  // SQLite gives the -wal and -shm files it makes later the database file's own mode, so a 0600
  // database keeps them 0600; ones an earlier version left behind are narrowed here.
  ensureOwnerOnlyFile(file);
  for (const suffix of ['-wal', '-shm', '-journal']) restrictIfPresent(file + suffix);
  const sqlite = new SqliteDatabase(file);
  // Opening may meet another process switching the file to WAL: SQLite's own wait, once, here.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // From here the driver waits for another writer, between turns of the event loop (sqlite-immediate.ts).
  sqlite.pragma('busy_timeout = 0');
  const checkpointer = checkpointOffTheLoop(sqlite, file);
  const db = new Kysely<Database>({
    dialect: immediateSqliteDialect({ database: preparingOnce(sqlite) }),
    ...(log === undefined ? {} : { log }),
  });
  return sqliteStorage(db, file, () => checkpointer.close());
}

const CACHED_STATEMENTS = 256;

/**
 * Kysely asks better-sqlite3 to prepare every statement anew, each time it runs: for a cache
 * miss of verify (one small join) or a usage flush (multi-row upserts), the parse and plan cost
 * more than the run. The same SQL is prepared once here and reused; SQLite re-plans a reused
 * statement itself if the schema changed. Kysely runs one statement at a time on its one
 * connection, so a statement is never reused while it is still running.
 */
function preparingOnce(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement !== undefined) return statement;
      statement = sqlite.prepare(sql);
      // Maps iterate in insertion order: past the bound, the oldest statement goes.
      if (statements.size >= CACHED_STATEMENTS) {
        const oldest = statements.keys().next();
        if (oldest.done !== true) statements.delete(oldest.value);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
