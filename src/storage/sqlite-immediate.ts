/**
 * SQLite transactions that take the write lock when they begin (`BEGIN IMMEDIATE`), not at their
 * first write as Kysely's `begin` does. In one process Kysely already runs one transaction at a
 * time on its one connection; this is for a second process on the same file (the CLI, a second
 * server): with a deferred begin, a transaction that read a row another process then changed
 * fails its write with SQLITE_BUSY_SNAPSHOT. Begun immediate, it waits (busy_timeout) for the
 * other writer to finish, then reads what that one wrote, as PostgreSQL's `FOR UPDATE` does.
 */
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type SqliteDialectConfig,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export function immediateSqliteDialect(config: SqliteDialectConfig): Dialect {
  const dialect = new SqliteDialect(config);
  return {
    createDriver: () => new ImmediateSqliteDriver(config),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
