/**
 * PostgreSQL LISTEN/NOTIFY for the change log (SPEC §6): a committed change notifies, and every
 * node listening wakes its follower at once instead of waiting for its next poll. Polling stays
 * as the safety net (a lost connection, a missed notification), and staleness is watched as
 * before: a node that cannot confirm it is caught up fails closed either way.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { connectionOptions, endWithin, queryWithin, type DatabaseTimeouts } from './bounded-postgres.js';
import type { Db } from './database.js';

/** One channel per schema, so deployments (and tests) sharing a database do not wake each other. */
export function changeChannel(schema: string | undefined): string {
  return `keyward_changes_${schema ?? 'public'}`;
}

export interface ChangeListener {
  stop(): Promise<void>;
}

/** Inside `trx`: every listener of `channel` is woken when it commits, and none if it rolls back. */
export async function notifyChanges(trx: Db, channel: string): Promise<void> {
  await sql`select pg_notify(${channel}, '')`.execute(trx);
}

const RECONNECT_MS = 2000;

export async function listenForChanges(
  connectionString: string,
  schema: string | undefined,
  timeouts: DatabaseTimeouts,
  onChange: () => void,
  onError: (error: unknown) => void,
): Promise<ChangeListener> {
  const channel = changeChannel(schema);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    // Bounded like the pool's: a silent database fails this attempt, and the next one is scheduled.
    const next = new pg.Client({ connectionString, ...connectionOptions(timeouts, false) });
    next.on('notification', (message) => {
      if (message.channel === channel) onChange();
    });
    const lost = (error?: unknown): void => {
      if (error !== undefined) onError(error);
      if (stopped || client !== next) return;
      client = null;
      next.removeAllListeners('error');
      next.on('error', () => {});
      retry = setTimeout(() => void reconnect(), RECONNECT_MS);
      retry.unref();
    };
    next.on('error', lost);
    next.on('end', () => lost());
    await next.connect();
    await queryWithin(next, `LISTEN "${channel}"`, [], timeouts.queryMs);
    client = next;
    // Changes committed while not listening are picked up by this catch-up.
    onChange();
  };
  const reconnect = async (): Promise<void> => {
    if (stopped) return;
    try {
      await connect();
    } catch (error) {
      onError(error);
      retry = setTimeout(() => void reconnect(), RECONNECT_MS);
      retry.unref();
    }
  };

  await connect();
  return {
    stop: async () => {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      const current = client;
      client = null;
      if (current !== null) await endWithin(current);
    },
  };
}
