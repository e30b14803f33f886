/** Hourly analytics rollups past their retention are removed while the node runs (hourly-pass.ts). */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../core/clock.js';
import { pruneHourlyRollups } from '../modules/usage/rollup-retention.js';
import type { Db } from '../storage/database.js';
import type { Config } from './config.js';
import { hourlyPass, type HourlyPass } from './hourly-pass.js';

export function keepRollups(
  db: Db,
  config: Pick<Config, 'analyticsHourlyRetentionDays'>,
  clock: Clock,
  log: FastifyBaseLogger,
): HourlyPass {
  return hourlyPass(
    () => pruneHourlyRollups(db, clock.now(), config.analyticsHourlyRetentionDays),
    log,
    'pruning hourly analytics rollups failed',
  );
}
