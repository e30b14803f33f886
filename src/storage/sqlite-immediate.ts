/**
 * SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), not at their
 * first write as Kysely's `begin` does. In one process Kysely already runs one transaction at a
 * time on its one connection; this is for a second process on the same file (the CLI, a second
 * server): with a deferred begin, a transaction that read a row another process then changed
 * fails its write with SQLITE_BUSY_SNAPSHOT. Begun immediate, it waits for the other writer to
 * finish, then reads what that one wrote, as PostgreSQL's `FOR UPDATE` does.
 *
 * The wait is the driver's, between turns of the event loop, not SQLite's busy handler: that one
 * sleeps in the calling thread, so while another process held the write lock (a CLI command, a
 * backup) every request of the node stalled with it, cache hits of verify included, for up to
 * the whole timeout. Here only the statement that needs the lock waits, and only up to `waitMs`.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/** How long a statement waits for another connection's write lock before it fails (SQLITE_BUSY). */
export const SQLITE_LOCK_WAIT_MS = 5000;
/** The longest pause between tries: short enough that a released lock is taken soon after. */
const MAX_PAUSE_MS = 20;

/**
 * SQLite answers SQLITE_BUSY (and its extended codes but _SNAPSHOT, which a retry cannot mend)
 * before it has changed anything, so the statement may be tried again as it was.
 */
const isBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY') && code !== 'SQLITE_BUSY_SNAPSHOT';
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The connection, each statement tried again on SQLITE_BUSY until `waitMs` have passed. */
function patient(connection: DatabaseConnection, waitMs: number): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const deadline = performance.now() + waitMs;
      for (let wait = 1; ; wait = Math.min(MAX_PAUSE_MS, wait * 2)) {
        try {
          return await connection.executeQuery<R>(query);
        } catch (error) {
          if (!isBusy(error) || performance.now() + wait > deadline) throw error;
        }
        await pause(wait);
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #waitMs: number;
  /** SqliteDriver has one connection for its whole life: wrapped once, on its first use. */
  #patient: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, waitMs: number) {
    super(config);
    this.#waitMs = waitMs;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#patient ??= patient(connection, this.#waitMs);
    return this.#patient;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * The dialect over a database opened with `busy_timeout = 0`, so that SQLITE_BUSY comes back at
 * once and the driver does the waiting.
 */
export function immediateSqliteDialect(config: SqliteDialectConfig, waitMs = SQLITE_LOCK_WAIT_MS): Dialect {
  const dialect = new SqliteDialect(config);
  return {
    createDriver: () => new ImmediateSqliteDriver(config, waitMs),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
