/**
 * An open database and everything in which SQLite and PostgreSQL differ. Services, the verify
 * path and the HTTP layer ask this object (or the one function behind it, `lockForUpdate`) and
 * never which database it is: nodes sharing PostgreSQL wake each other with NOTIFY and lock the
 * rows they read for update, where SQLite has one node and one writer and does neither.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseTimeouts } from './bounded-postgres.js';
import { changeChannel, listenForChanges, notifyChanges, type ChangeListener } from './change-notifier.js';
import type { Database, Db } from './database.js';
import type { DialectName } from './dialect.js';
import { lockForUpdate } from './row-lock.js';
import { introspectingOnly } from './schema-introspection.js';

export type { ChangeListener } from './change-notifier.js';

export interface Storage {
  readonly db: Kysely<Database>;
  /** For the startup line only: nothing decides by it outside src/storage. */
  readonly dialect: DialectName;
  /** Where the data lives, for the startup line; never includes a password. */
  readonly location: string;
  /** PostgreSQL: the schema in use (undefined: `public`); names its change-notification channel. */
  readonly schema?: string | undefined;
  /** `db` as Kysely's migrator is to see it: on PostgreSQL its introspection reads this schema alone. */
  readonly migrationDb: Kysely<Database>;
  /**
   * Inside `trx`, which recorded changes: wakes the other nodes' change followers when it commits
   * (PostgreSQL NOTIFY, nothing on rollback). SQLite has no other node: nothing.
   */
  notifyChanges(trx: Db): Promise<void>;
  /**
   * Calls `onChange` whenever a node commits a change (PostgreSQL LISTEN on a connection of its
   * own, bounded by `timeouts` and reconnecting, with one call on each connect for what was
   * missed), `onError` when the connection is lost. SQLite: never; its listener stops at once.
   */
  listen(timeouts: DatabaseTimeouts, onChange: () => void, onError: (error: unknown) => void): Promise<ChangeListener>;
  /** `query` locking the rows it reads until `trx` ends (row-lock.ts, which repositories import directly). */
  readonly lockForUpdate: typeof lockForUpdate;
  /** Rejects when the database does not answer a trivial statement (readiness, `doctor`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const ping = (db: Kysely<Database>) => async (): Promise<void> => {
  await sql`select 1`.execute(db);
};

const NOT_LISTENING: ChangeListener = { stop: async () => undefined };

/** `beforeClose` runs before the connection closes (the checkpoint thread stops first). */
export function sqliteStorage(db: Kysely<Database>, location: string, beforeClose?: () => Promise<void>): Storage {
  return {
    db,
    dialect: 'sqlite',
    location,
    migrationDb: db,
    notifyChanges: async () => undefined,
    listen: async () => NOT_LISTENING,
    lockForUpdate,
    ping: ping(db),
    close: async () => {
      await beforeClose?.();
      await db.destroy();
    },
  };
}

export function postgresStorage(
  db: Kysely<Database>,
  url: string,
  schema: string | undefined,
  location: string,
  close: () => Promise<void>,
): Storage {
  const channel = changeChannel(schema);
  return {
    db,
    dialect: 'postgres',
    location,
    schema,
    migrationDb: introspectingOnly(db, schema),
    notifyChanges: (trx) => notifyChanges(trx, channel),
    listen: (timeouts, onChange, onError) => listenForChanges(url, schema, timeouts, onChange, onError),
    lockForUpdate,
    ping: ping(db),
    close,
  };
}
