/**
 * A node's upkeep that runs every hour (audit retention, hourly analytics retention): a first
 * pass a minute after the node starts, so a node redeployed more often than hourly still runs
 * it, then one an hour. A failed pass is logged, and the next one tries again.
 */
import type { FastifyBaseLogger } from 'fastify';

const FIRST_PASS_MS = 60_000;
const PASS_INTERVAL_MS = 3_600_000;

export interface HourlyPass {
  /** Runs the pass now; resolves to what it reports (rows removed). */
  run(): Promise<number>;
  stop(): void;
}

export function hourlyPass(pass: () => Promise<number>, log: FastifyBaseLogger, failure: string): HourlyPass {
  const scheduled = () => {
    pass().catch((error: unknown) => log.error({ err: error }, failure));
  };
  const first = setTimeout(scheduled, FIRST_PASS_MS);
  const every = setInterval(scheduled, PASS_INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    run: pass,
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
