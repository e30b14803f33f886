/**
 * Bounded waits on PostgreSQL (SPEC §6, "bounded waits"): a database that goes silent — neither
 * answers nor resets, as a dead route or a full queue does — costs a request seconds, never hangs
 * it, and never commits later a write the node has already answered for.
 *
 * Three bounds work together. On this side, no statement is waited for longer than `queryMs`:
 * then its connection is destroyed (node-postgres would leave the query on the wire and every
 * later one stuck behind it) and the request answers 503. On the server, `statement_timeout`
 * ends a statement that runs too long, and `idle_in_transaction_session_timeout` ends a session
 * whose transaction waits for its client: both shorter than `queryMs`, so by the time this side
 * gives up, the server has decided. A transaction whose COMMIT was not sent can never commit (a
 * COMMIT that arrives late finds its session ended); one whose COMMIT was sent but not answered
 * may have committed, and says so (`CommitOutcomeUnknownError`): nobody can know which from here.
 */
import pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

export interface DatabaseTimeouts {
  /** Longest wait for a connection: a new one (TCP, TLS, authentication) or a free one of the pool. */
  readonly connectMs: number;
  /** Longest wait for any statement's answer; past it the connection is destroyed. */
  readonly queryMs: number;
  /** PostgreSQL's `statement_timeout` for this node's sessions (shorter than `queryMs`). */
  readonly statementMs: number;
  /** PostgreSQL's `idle_in_transaction_session_timeout` for this node's sessions (shorter than `queryMs`). */
  readonly idleInTransactionMs: number;
  /** TCP keepalive: the first probe of an idle connection after this long. */
  readonly keepAliveMs: number;
}

/** The database did not answer a statement in time; its connection was destroyed, nothing waits on it. */
export class StorageTimeoutError extends Error {
  override readonly name = 'StorageTimeoutError';
}

/**
 * A COMMIT was sent and its answer never came (a timeout, a lost connection): the change may or
 * may not have been made. The caller is told so, and to read it back before retrying.
 */
export class CommitOutcomeUnknownError extends Error {
  override readonly name = 'CommitOutcomeUnknownError';
}

/** Connection settings every PostgreSQL client of a node takes; `session` adds the server-side bounds. */
export function connectionOptions(timeouts: DatabaseTimeouts, session: boolean): pg.ClientConfig {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: timeouts.keepAliveMs,
    ...(session
      ? { statement_timeout: timeouts.statementMs, idle_in_transaction_session_timeout: timeouts.idleInTransactionMs }
      : {}),
  };
}

/** `client.query`, answered within `ms` or failed with `StorageTimeoutError`, the connection destroyed. */
export function queryWithin<R extends pg.QueryResultRow>(
  client: pg.Client,
  text: string,
  values: readonly unknown[],
  ms: number,
): Promise<pg.QueryResult<R>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // The query's own promise then fails with "Connection terminated", after this one settled.
      client.connection.stream.destroy();
      reject(new StorageTimeoutError(`the database did not answer within ${ms} ms`));
    }, ms);
    client.query<R>(text, [...values]).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    late,
  ]);
  clearTimeout(timer);
  return settled;
}

/** How long a closing client or pool waits for the database to acknowledge its goodbye. */
const GOODBYE_MS = 1000;

/**
 * Ends a client: politely (PostgreSQL logs no "unexpected EOF"), but a peer that does not answer
 * the goodbye within a second has its socket destroyed, so a silent database never holds a shutdown.
 */
export async function endWithin(client: pg.Client): Promise<void> {
  if (!(await settlesWithin(client.end(), GOODBYE_MS))) client.connection.stream.destroy();
}

/** A PostgreSQL answer (an error with a SQLSTATE), as opposed to no answer at all. */
function answered(error: unknown): boolean {
  return error instanceof pg.DatabaseError;
}

/**
 * The pool as Kysely sees it, every statement bounded by `queryMs`. A connection whose statement
 * went unanswered is destroyed, and whatever Kysely asks of it next (the ROLLBACK after a failed
 * statement) fails at once with the first error, so the caller learns what happened to the write,
 * not that a dead connection could not roll back; the pool then drops it.
 */
export function boundedPool(pool: pg.Pool, queryMs: number): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let broken: Error | null = null;
    const run = async <R>(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
      if (broken !== null) throw broken;
      try {
        const result = await queryWithin(client, text, values, queryMs);
        return {
          command: result.command as PostgresQueryResult<R>['command'],
          rowCount: result.rowCount ?? 0,
          rows: result.rows as R[],
        };
      } catch (error) {
        if (answered(error)) throw error;
        broken =
          text === 'commit'
            ? new CommitOutcomeUnknownError(
                'the database did not confirm the commit: the change may or may not have been made',
                { cause: error },
              )
            : error instanceof Error
              ? error
              : new StorageTimeoutError(String(error));
        throw broken;
      }
    };
    function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(
      sql: string | PostgresCursor<R>,
      parameters: ReadonlyArray<unknown> = [],
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      // Streaming is not configured (no `cursor` in the dialect), so Kysely never passes one.
      if (typeof sql !== 'string') throw new Error('cursors are not supported on a bounded pool');
      return run<R>(sql, parameters);
    }
    return { query, release: () => client.release(broken ?? undefined) };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let bounded = wrapped.get(client);
      if (bounded === undefined) {
        bounded = wrap(client);
        wrapped.set(client, bounded);
      }
      return bounded;
    },
    end: () => pool.end(),
  };
}

/**
 * Ends a pool within about two seconds whatever the database does: pg's `end` waits for every
 * idle connection's close to be acknowledged, which a silent database never does.
 */
export function closablePool(pool: pg.Pool): (end: () => Promise<void>) => Promise<void> {
  const clients = new Set<pg.Client>();
  pool.on('connect', (client) => clients.add(client));
  pool.on('remove', (client) => clients.delete(client));
  return async (end) => {
    const ending = end();
    if (await settlesWithin(ending, GOODBYE_MS)) return ending;
    for (const client of clients) client.connection.stream.destroy();
    await settlesWithin(ending, GOODBYE_MS);
  };
}
