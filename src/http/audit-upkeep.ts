/**
 * The audit chains while the node runs: a chain found broken when sealed at start is logged (the
 * chain check keeps reporting it), and every hour (hourly-pass.ts) each chain's retention is
 * applied, never below its floor (SPEC §5).
 */
import type { FastifyBaseLogger } from 'fastify';
import { pruneAudit } from '../modules/audit/audit.service.js';
import type { ResealReport } from '../modules/audit/audit-reseal.js';
import type { ServiceDeps } from '../modules/deps.js';
import type { Config } from './config.js';
import { hourlyPass, type HourlyPass } from './hourly-pass.js';

export function keepAuditChains(
  deps: ServiceDeps,
  config: Pick<Config, 'auditMinRetentionDays' | 'instanceAuditRetentionDays'>,
  sealed: ResealReport,
  log: FastifyBaseLogger,
): HourlyPass {
  for (const chain of sealed.broken) {
    log.error(
      { chain: chain.chainId, firstBadEventId: chain.firstBadEventId },
      'an audit chain written before the MAC failed its check when sealed; /v1/audit/verify keeps reporting it',
    );
  }
  const prune = () =>
    pruneAudit(deps, {
      minDays: config.auditMinRetentionDays,
      instanceDays: config.instanceAuditRetentionDays === 0 ? null : config.instanceAuditRetentionDays,
    });
  return hourlyPass(prune, log, 'audit pruning failed');
}
