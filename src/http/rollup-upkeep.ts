/**
 * Hourly analytics rollups past their retention are removed while the node runs: a minute after
 * it starts (a node redeployed more often than hourly still prunes), then every hour.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../core/clock.js';
import { pruneHourlyRollups } from '../modules/usage/rollup-retention.js';
import type { Db } from '../storage/database.js';
import type { Config } from './config.js';

const FIRST_PASS_MS = 60_000;
const PASS_INTERVAL_MS = 3_600_000;

export interface RollupUpkeep {
  /** Removes hourly rollups past their retention now; resolves to how many. */
  prune(): Promise<number>;
  stop(): void;
}

export function keepRollups(
  db: Db,
  config: Pick<Config, 'analyticsHourlyRetentionDays'>,
  clock: Clock,
  log: FastifyBaseLogger,
): RollupUpkeep {
  const prune = () => pruneHourlyRollups(db, clock.now(), config.analyticsHourlyRetentionDays);
  const pass = () => {
    prune().catch((error: unknown) => log.error({ err: error }, 'pruning hourly analytics rollups failed'));
  };
  const first = setTimeout(pass, FIRST_PASS_MS);
  const every = setInterval(pass, PASS_INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    prune,
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
