/**
 * Read-modify-write locks what it read (SPEC §4, "Decisions hold under concurrency"): the one
 * storage function that reads a row for update. On PostgreSQL the select takes `FOR UPDATE`, so
 * a second writer of the row waits for this transaction to end and then reads what it wrote (or
 * nothing, if it deleted the row). On SQLite it adds nothing: a transaction holds the database's
 * one write lock from its first statement (one connection per process in Kysely, and
 * `BEGIN IMMEDIATE` against other processes: sqlite-immediate.ts).
 */
import type { Db } from './database.js';
import { isPostgres } from './dialect.js';

/** A select that can be locked: Kysely's `SelectQueryBuilder`. */
export interface Lockable<Q> {
  forUpdate(): Q;
}

/** `query` locking the rows it reads until `trx` ends; `trx` must be a transaction (a lock outside one ends with its statement). */
export function lockForUpdate<Q extends Lockable<Q>>(trx: Db, query: Q): Q {
  if (!trx.isTransaction)
    throw new Error('lockForUpdate needs a transaction: outside one the lock ends with the statement');
  return isPostgres(trx) ? query.forUpdate() : query;
}

/** A select that can be locked and skip rows another transaction holds: Kysely's `SelectQueryBuilder`. */
export interface SkipLockable<Q> extends Lockable<Q> {
  skipLocked(): Q;
}

/**
 * `query` locking the rows it reads until `trx` ends, and passing over rows another transaction
 * has locked (PostgreSQL `FOR UPDATE SKIP LOCKED`): work queues, where a node takes what no other
 * node is taking rather than waiting for it. SQLite's single writer has nothing to skip.
 */
export function lockSkippingLocked<Q extends SkipLockable<Q>>(trx: Db, query: Q): Q {
  if (!trx.isTransaction)
    throw new Error('lockSkippingLocked needs a transaction: outside one the lock ends with the statement');
  return isPostgres(trx) ? query.forUpdate().skipLocked() : query;
}
