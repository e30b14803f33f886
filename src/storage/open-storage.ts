/**
 * Opens the database the configuration names and brings it to the latest migration: SQLite
 * (better-sqlite3, WAL) in the data directory by default, PostgreSQL when a URL is given. An
 * optional PostgreSQL schema isolates one test or one deployment from another in a shared
 * database.
 */
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type LogConfig, type MigrationProvider } from 'kysely';
import type { Database } from './database.js';
import { postgresStorage, type Storage } from './storage.js';
import { openSqlite } from './open-sqlite.js';
import { migrations } from './migrations/index.js';
import {
  boundedPool,
  closablePool,
  connectionOptions,
  endWithin,
  queryWithin,
  StorageTimeoutError,
  type DatabaseTimeouts,
} from './bounded-postgres.js';

export type { Storage } from './storage.js';

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
  /** `false`: open as is, without applying pending migrations (`keyward migrate --check`, `doctor`). Default true. */
  readonly migrate?: boolean;
  /**
   * PostgreSQL: bounds on every wait (the server passes its `KEYWARD_DATABASE_*_TIMEOUT_MS`; see
   * bounded-postgres.ts). Absent, as for maintenance commands whose statements may rightly run
   * long, only connecting is bounded.
   */
  readonly timeouts?: DatabaseTimeouts | undefined;
}

/** Without the node's bounds: connecting is still bounded, and connections are kept alive. */
const CONNECT_ONLY: pg.ClientConfig = {
  connectionTimeoutMillis: 5000,
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
};

/** The database named by the configuration did not answer (refused, unknown host, bad credentials). */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/** Node's network failures and PostgreSQL's connection (08), authorization (28) and catalog (3D) classes. */
function isConnectionFailure(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|08...|28...|3D000)$/.test(code) ||
    error instanceof StorageTimeoutError ||
    (error instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(error.message))
  );
}

const INT8_OID = 20;
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const onQuery = options.onQuery;
  const log: LogConfig | undefined = onQuery === undefined ? undefined : (event) => onQuery(event.query.sql);
  const url = options.databaseUrl;
  const migrate = options.migrate !== false;
  try {
    if (url)
      return await withSchemaLock(url, options.schema, options.timeouts, () =>
        openPostgresMigrated(url, options.schema, log, options.timeouts, migrate),
      );
    return await openAndMigrate(async () => openSqlite(options.dataDir, log), undefined, migrate);
  } catch (error) {
    throw unreachable(error, url);
  }
}

async function openAndMigrate(
  open: () => Promise<Storage>,
  schema: string | undefined,
  migrate: boolean,
): Promise<Storage> {
  const storage = await open();
  try {
    if (migrate) await migrateToLatest(storage.migrationDb, schema);
    else await storage.ping();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

/**
 * Bounded, the node's sessions would end a migration that rightly takes minutes (an index on a
 * large table): migrations then run on connections of their own, without the bounds.
 */
async function openPostgresMigrated(
  url: string,
  schema: string | undefined,
  log: LogConfig | undefined,
  timeouts: DatabaseTimeouts | undefined,
  migrate: boolean,
): Promise<Storage> {
  if (migrate && timeouts !== undefined) {
    const unbounded = openPostgres(url, schema, log, undefined);
    try {
      await migrateToLatest(unbounded.migrationDb, schema);
    } finally {
      await unbounded.close();
    }
  }
  return openAndMigrate(
    async () => openPostgres(url, schema, log, timeouts),
    schema,
    migrate && timeouts === undefined,
  );
}

/** A connection failure to PostgreSQL says so, naming the (password-free) URL; anything else passes. */
function unreachable(error: unknown, url: string | undefined): unknown {
  if (url === undefined || !isConnectionFailure(error)) return error;
  const reason =
    error instanceof Error && error.message !== ''
      ? error.message
      : String((error as { code?: unknown }).code ?? error);
  return new DatabaseUnreachableError(
    `could not reach the database at ${redactUrl(url)} (KEYWARD_DATABASE_URL): ${reason}`,
    { cause: error },
  );
}

const LOCK_POLL_MS = 100;

/**
 * Nodes started at the same instant on an empty database (SPEC §6) would each create the schema
 * and Kysely's migration tables, and all but one fail on PostgreSQL's catalog constraints: one
 * node at a time does it, under a session advisory lock named after the schema. The lock is
 * tried, not waited on, so that each statement is short and bounded like any other, and a
 * database that goes silent fails the start instead of hanging it, however long another node's
 * migration rightly takes.
 */
async function withSchemaLock<T>(
  url: string,
  schema: string | undefined,
  timeouts: DatabaseTimeouts | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (schema !== undefined && !SCHEMA_PATTERN.test(schema))
    throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const client = new pg.Client({
    connectionString: url,
    ...(timeouts === undefined ? CONNECT_ONLY : connectionOptions(timeouts, false)),
  });
  const query = (text: string, values: unknown[] = []) =>
    timeouts === undefined ? client.query(text, values) : queryWithin(client, text, values, timeouts.queryMs);
  // A connection lost while held is reported by the query that uses it.
  client.on('error', () => undefined);
  await client.connect();
  const name = `keyward:migrate:${schema ?? 'public'}`;
  try {
    while ((await query('select pg_try_advisory_lock(hashtext($1)) as locked', [name])).rows[0]?.locked !== true) {
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    if (schema !== undefined) await query(`create schema if not exists "${schema}"`);
    return await work();
  } finally {
    // Ending the session releases the lock too.
    await endWithin(client);
  }
}

function openPostgres(
  url: string,
  schema: string | undefined,
  log: LogConfig | undefined,
  timeouts: DatabaseTimeouts | undefined,
): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // A database that does not answer is a 503 in seconds, not a request hanging until TCP gives up.
    ...(timeouts === undefined ? CONNECT_ONLY : connectionOptions(timeouts, true)),
    ...(schema === undefined ? {} : { options: `-c search_path="${schema}"` }),
    // Times are bigint milliseconds; they fit a JS number, so read them as numbers on both dialects.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the database drops emits `error`: on the pool while idle, on the client itself
  // while checked out. Unheard, either would end the process (SPEC §6: a node that loses its
  // database never crashes). The pool discards that connection, and the query it was running
  // fails with the same error, answered 503 where it runs.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const close = closablePool(pool);
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: timeouts === undefined ? pool : boundedPool(pool, timeouts.queryMs) }),
    ...(log === undefined ? {} : { log }),
  });
  return postgresStorage(db, url, schema, redactUrl(url) + (schema ? ` (schema ${schema})` : ''), () =>
    close(() => db.destroy()),
  );
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

const provider: MigrationProvider = { getMigrations: migrations };

/**
 * Names of the migrations not yet applied to this database, in order. `schema` names the
 * PostgreSQL schema the migration tables live in, as for `migrateToLatest`.
 */
export async function pendingMigrations(db: Kysely<Database>, schema?: string): Promise<string[]> {
  const migrations = await new Migrator({ db, provider, migrationTableSchema: schema }).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * Applies every pending migration. `schema` names the PostgreSQL schema the migration tables live
 * in. Without it Kysely looks for them in every schema, sees another schema's, skips creating its
 * own and then fails.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<void> {
  const { error } = await new Migrator({ db, provider, migrationTableSchema: schema }).migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
}
