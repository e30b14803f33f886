/**
 * Bounded waits (SPEC §6): how long a node waits for PostgreSQL and Redis, the bounds it sets on
 * its PostgreSQL sessions, TCP keepalive, and the drain bound of a shutdown. docs/deploy.md
 * ("Bounded waits") explains how they fit together.
 */
import type { DatabaseTimeouts } from '../storage/bounded-postgres.js';
import { ConfigError, integer, type ConfigVariable, type Env } from './config-values.js';
import type { RedisBounds } from '../verify/redis-health.js';

export interface TimeoutSettings {
  /**
   * Longest wait for a PostgreSQL connection: a new one, or a free one of the pool. node-postgres
   * bounds both with one setting; a burst of verifies spending one key's credits queues for the
   * pool for seconds (issue 17's 1 000 at once on three nodes), so this is the longer bound.
   */
  readonly databaseConnectTimeoutMs: number;
  /** Longest wait for PostgreSQL to answer a statement; then the connection is dropped (503). */
  readonly databaseQueryTimeoutMs: number;
  /** PostgreSQL's `statement_timeout` for the node's sessions; below the query timeout. */
  readonly databaseStatementTimeoutMs: number;
  /** PostgreSQL's `idle_in_transaction_session_timeout` for the node's sessions; below the query timeout. */
  readonly databaseIdleInTransactionTimeoutMs: number;
  readonly redisConnectTimeoutMs: number;
  /** Longest wait for Redis to answer a command; then a rate-limited verify falls back. */
  readonly redisCommandTimeoutMs: number;
  /** TCP keepalive on every PostgreSQL and Redis connection: the first probe after this long idle. */
  readonly tcpKeepAliveMs: number;
  /**
   * The drain bound: this long after SIGTERM or SIGINT, the node exits whatever still runs. With
   * the database silent a drain waits for the requests in flight, then for the last usage flush,
   * each at most a connection and a statement bound (14 s by default), and a second's goodbyes.
   */
  readonly shutdownTimeoutMs: number;
  /**
   * After SIGTERM or SIGINT, how long the node keeps answering (new connections included) while
   * `/readyz` says it is stopping and every answer closes its connection, before it stops
   * accepting and drains: a load balancer without a preStop hook has that long to notice.
   */
  readonly shutdownDelayMs: number;
  /** How long `keyward serve` waits, with backoff, for a PostgreSQL that does not answer yet; 0 = not at all. */
  readonly databaseWaitMs: number;
}

export const TIMEOUT_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'KEYWARD_DATABASE_CONNECT_TIMEOUT_MS',
    description:
      'longest wait for a PostgreSQL connection: a new one, or a free one of the pool (a burst of writes to one row queues there)',
    default: '4000',
  },
  {
    name: 'KEYWARD_DATABASE_QUERY_TIMEOUT_MS',
    description:
      'longest wait for PostgreSQL to answer a statement; then its connection is dropped and the request answers 503',
    default: '3000',
  },
  {
    name: 'KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS',
    description: "PostgreSQL's statement_timeout for the node's sessions (below the query timeout)",
    default: '2000',
  },
  {
    name: 'KEYWARD_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
    description:
      "PostgreSQL's idle_in_transaction_session_timeout for the node's sessions (below the query timeout): a write given up on never commits later",
    default: '2000',
  },
  { name: 'KEYWARD_REDIS_CONNECT_TIMEOUT_MS', description: 'longest wait for a Redis connection', default: '2000' },
  {
    name: 'KEYWARD_REDIS_COMMAND_TIMEOUT_MS',
    description:
      'longest wait for Redis to answer a command; then a rate-limited verify falls back as KEYWARD_RATELIMIT_REDIS_DOWN says',
    default: '500',
  },
  {
    name: 'KEYWARD_TCP_KEEPALIVE_MS',
    description: 'TCP keepalive on PostgreSQL and Redis connections: the first probe after this long idle',
    default: '10000',
  },
  {
    name: 'KEYWARD_SHUTDOWN_TIMEOUT_MS',
    description:
      'drain bound: after SIGTERM or SIGINT the node exits within this long, whatever still runs (a silent database costs a drain up to twice connect + query)',
    default: '20000',
  },
  {
    name: 'KEYWARD_SHUTDOWN_DELAY_MS',
    description:
      'after SIGTERM, keep answering this long (readyz 503, each answer closing its connection) before draining; for load balancers without a preStop hook',
    default: '0',
  },
  {
    name: 'KEYWARD_DATABASE_WAIT_MS',
    description:
      'how long serve waits, with backoff, for a PostgreSQL not reachable yet (readyz says why meanwhile); 0 = exit at once',
    default: '300000',
  },
];

export function timeoutSettings(env: Env): TimeoutSettings {
  return {
    databaseConnectTimeoutMs: integer(env, 'KEYWARD_DATABASE_CONNECT_TIMEOUT_MS', 4000, 100, 600_000),
    databaseQueryTimeoutMs: integer(env, 'KEYWARD_DATABASE_QUERY_TIMEOUT_MS', 3000, 100, 600_000),
    databaseStatementTimeoutMs: integer(env, 'KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS', 2000, 50, 600_000),
    databaseIdleInTransactionTimeoutMs: integer(
      env,
      'KEYWARD_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      2000,
      50,
      600_000,
    ),
    redisConnectTimeoutMs: integer(env, 'KEYWARD_REDIS_CONNECT_TIMEOUT_MS', 2000, 100, 600_000),
    redisCommandTimeoutMs: integer(env, 'KEYWARD_REDIS_COMMAND_TIMEOUT_MS', 500, 10, 600_000),
    tcpKeepAliveMs: integer(env, 'KEYWARD_TCP_KEEPALIVE_MS', 10_000, 1000, 3_600_000),
    shutdownTimeoutMs: integer(env, 'KEYWARD_SHUTDOWN_TIMEOUT_MS', 20_000, 1000, 3_600_000),
    shutdownDelayMs: integer(env, 'KEYWARD_SHUTDOWN_DELAY_MS', 0, 0, 600_000),
    databaseWaitMs: integer(env, 'KEYWARD_DATABASE_WAIT_MS', 300_000, 0, 86_400_000),
  };
}

/**
 * The server's own bounds must end before the node stops waiting: else a transaction it gave up
 * on could still commit after its 503 (src/storage/bounded-postgres.ts).
 */
export function checkTimeouts(settings: TimeoutSettings): void {
  const query = settings.databaseQueryTimeoutMs;
  if (settings.databaseStatementTimeoutMs >= query)
    throw new ConfigError(
      `KEYWARD_DATABASE_STATEMENT_TIMEOUT_MS must be below KEYWARD_DATABASE_QUERY_TIMEOUT_MS (${query})`,
    );
  if (settings.databaseIdleInTransactionTimeoutMs >= query) {
    throw new ConfigError(
      `KEYWARD_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS must be below KEYWARD_DATABASE_QUERY_TIMEOUT_MS (${query})`,
    );
  }
}

/** The PostgreSQL bounds of a node, as storage takes them. */
export function databaseTimeouts(settings: TimeoutSettings): DatabaseTimeouts {
  return {
    connectMs: settings.databaseConnectTimeoutMs,
    queryMs: settings.databaseQueryTimeoutMs,
    statementMs: settings.databaseStatementTimeoutMs,
    idleInTransactionMs: settings.databaseIdleInTransactionTimeoutMs,
    keepAliveMs: settings.tcpKeepAliveMs,
  };
}

/** The bounds on every Redis connection (rate limits and wake-ups alike). */
export function redisTimeouts(settings: TimeoutSettings): RedisBounds {
  return {
    connectMs: settings.redisConnectTimeoutMs,
    commandMs: settings.redisCommandTimeoutMs,
    keepAliveMs: settings.tcpKeepAliveMs,
  };
}
