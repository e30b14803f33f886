/**
 * Opens the database the configuration names and brings it to the latest migration: SQLite
 * (better-sqlite3, WAL) in the data directory by default, PostgreSQL when a URL is given. An
 * optional PostgreSQL schema isolates one test or one deployment from another in a shared
 * database.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type LogConfig, type MigrationProvider, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';

export interface StorageOptions {
  /** `postgres://…` selects PostgreSQL; absent selects SQLite. */
  readonly databaseUrl?: string | undefined;
  /** Directory of the SQLite file (`keyward.db`). */
  readonly dataDir: string;
  /** PostgreSQL schema to use (created if missing); default `public`. */
  readonly schema?: string | undefined;
  /**
   * Called with the SQL of every statement executed through `db` (failed ones and migrations
   * included): for tests that count what a code path writes. Absent, nothing is logged or timed.
   */
  readonly onQuery?: ((sql: string) => void) | undefined;
}

export interface Storage {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Where the data lives, for the startup line; never includes a password. */
  readonly location: string;
  /** PostgreSQL: the schema in use (undefined: `public`); names its change-notification channel. */
  readonly schema?: string | undefined;
  close(): Promise<void>;
}

const INT8_OID = 20;
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const onQuery = options.onQuery;
  const log: LogConfig | undefined = onQuery === undefined ? undefined : (event) => onQuery(event.query.sql);
  const storage = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema, log) : openSqlite(options.dataDir, log);
  try {
    await migrateToLatest(storage.db, options.databaseUrl ? options.schema : undefined);
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

function openSqlite(dataDir: string, log: LogConfig | undefined): Storage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'keyward.db');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparingOnce(sqlite) }), ...(log === undefined ? {} : { log }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
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

async function openPostgres(url: string, schema: string | undefined, log: LogConfig | undefined): Promise<Storage> {
  if (schema !== undefined) {
    if (!SCHEMA_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema === undefined ? {} : { options: `-c search_path="${schema}"` }),
    // Times are bigint milliseconds; they fit a JS number, so read them as numbers on both dialects.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log === undefined ? {} : { log }) });
  return { db, dialect: 'postgres', schema, location: redactUrl(url) + (schema ? ` (schema ${schema})` : ''), close: () => db.destroy() };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres';
  }
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * `schema` names the PostgreSQL schema the migration tables live in. Without it Kysely looks for
 * them in every schema, sees another schema's, skips creating its own and then fails.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<void> {
  const { error } = await new Migrator({ db, provider, migrationTableSchema: schema }).migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
}
