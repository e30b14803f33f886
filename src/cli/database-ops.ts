/**
 * The work of `migrate`, `backup` and `restore` (database.command.ts registers them). The backup
 * is SQLite's online backup (better-sqlite3 `.backup()`): a consistent copy even while a server
 * writes, which a file copy under writes is not.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { migrateToLatest, openStorage, pendingMigrations } from '../storage/open-storage.js';
import { ensureOwnerOnlyFile, OWNER_ONLY } from '../storage/owner-only.js';
import type { Config } from '../http/config.js';
import { line, UsageError } from './output.js';

const SQLITE_FILE = 'keyward.db';

function sqliteOnly(config: Config, what: string): string {
  if (config.databaseUrl !== undefined)
    throw new UsageError(`${what} is for SQLite; for PostgreSQL use pg_dump / pg_restore (docs/deploy.md)`);
  return join(config.dataDir, SQLITE_FILE);
}

/** A SQLite file that Keyward made: refuse to restore anything else over the live database. */
function assertKeywardDatabase(file: string): void {
  const sqlite = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const table = sqlite
      .prepare("select name from sqlite_master where type = 'table' and name = 'instance_settings'")
      .get();
    if (table === undefined) throw new UsageError(`${file} is not a Keyward database`);
    sqlite.pragma('quick_check');
  } finally {
    sqlite.close();
  }
}

export async function migrate(config: Config, check: boolean): Promise<void> {
  const storage = await openStorage({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.databaseSchema,
    migrate: false,
  });
  try {
    const schema = config.databaseUrl === undefined ? undefined : config.databaseSchema;
    const pending = await pendingMigrations(storage.migrationDb, schema);
    if (check) {
      if (pending.length === 0) line(`Up to date (${storage.location}).`);
      else {
        line(`${pending.length} migration(s) pending on ${storage.location}: ${pending.join(', ')}`);
        process.exitCode = 1;
      }
      return;
    }
    await migrateToLatest(storage.migrationDb, schema);
    line(
      pending.length === 0
        ? `Up to date (${storage.location}).`
        : `Applied ${pending.join(', ')} to ${storage.location}.`,
    );
  } finally {
    await storage.close();
  }
}

export async function backup(config: Config, file: string): Promise<void> {
  const source = sqliteOnly(config, 'backup');
  if (!existsSync(source)) throw new UsageError(`no database at ${source}`);
  const target = resolve(file);
  // The copy holds every key hash, sealed secret and audit event: made 0600 before SQLite writes a
  // byte into it (SQLite would create it by the umask, 0644 as a rule), and `wx` never reuses a file.
  try {
    closeSync(openSync(target, 'wx', OWNER_ONLY));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${target} exists: choose a new file`);
    throw error;
  }
  const sqlite = new SqliteDatabase(source, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    await sqlite.backup(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    sqlite.close();
  }
  line(`Backed up ${source} to ${target} (${statSync(target).size} bytes).`);
}

export async function restore(config: Config, file: string, force: boolean): Promise<void> {
  const target = sqliteOnly(config, 'restore');
  const source = resolve(file);
  assertKeywardDatabase(source);
  if (existsSync(target) && !force)
    throw new UsageError(`${target} exists: stop the server and pass --force to replace it`);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // 0600 before the copy: a new file would get the umask's mode, and one replaced with --force keeps its own.
  ensureOwnerOnlyFile(target);
  // Through SQLite's backup API, not a file copy: a -wal beside the old file cannot survive into the new one.
  const backup = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    await backup.backup(target);
  } finally {
    backup.close();
  }
  line(
    `Restored ${source} to ${target}. The server needs the pepper of the backed-up instance; check with keyward doctor.`,
  );
}
