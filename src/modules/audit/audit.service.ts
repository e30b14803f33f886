/**
 * Reading the audit log (seed 000: "view audit logs" under Manage Tenant): a tenant.manage key
 * sees its tenant's events, the root key every tenant's and the instance's. And checking it: the
 * MAC chains walked end to end, sealed at start, and retention applied with its floor.
 */
import { DAY_MS } from '../../core/clock.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { isRoot } from '../../core/key-record.js';
import type { PageOf } from '../../api/common.js';
import type { AuditCheckObject, AuditEventObject, ListAuditInput } from '../../api/audit.js';
import type { Caller, ServiceDeps } from '../deps.js';
import type { ChangeRecord } from '../mutation.js';
import type { Db } from '../../storage/database.js';
import { actorOf, OPERATOR_ACTOR } from './audit-actor.js';
import { bindAuditKey, deriveAuditKey } from './audit-mac.js';
import { sealLegacyChains, type ResealReport } from './audit-reseal.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../pagination.js';
import { iso, resolveTenantId } from '../scope.js';
import { INSTANCE_CHAIN, pruneChain, verifyChain } from './audit-chain.js';
import { type AuditEventView, type AuditListFilter, listAuditRows } from './audit-list.repository.js';
import { withNames } from './audit-names.js';

function toAuditObject(row: AuditEventView): AuditEventObject {
  const details = row.details;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    actorKeyId: row.actor_key_id === OPERATOR_ACTOR ? null : row.actor_key_id,
    actor: actorOf(row.actor_key_id, details),
    action: row.action,
    target: row.target_type === null && row.target_id === null ? null : { type: row.target_type, id: row.target_id },
    outcome: row.outcome === 'denied' ? 'denied' : 'success',
    status: row.status,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    details,
    at: iso(row.at),
    chain: {
      id: row.chain_id ?? INSTANCE_CHAIN,
      seq: Number(row.chain_seq ?? 0),
      prevHash: row.prev_hash ?? '',
      hash: row.hash ?? '',
    },
  };
}

/** Which tenant a read covers: a tenant key its own; the root key the one it names, or all (undefined). */
function scopeOf(caller: Caller, tenantId: string | undefined): Result<string | undefined> {
  if (isRoot(caller.key)) return ok(tenantId);
  return resolveTenantId(caller.key, tenantId);
}

export async function listAuditEvents(
  deps: ServiceDeps,
  caller: Caller,
  query: ListAuditInput,
): Promise<Result<PageOf<AuditEventObject>>> {
  const after = decodeCursor(query.cursor);
  if (!after.ok) return after;
  const tenant = scopeOf(caller, query.tenantId);
  if (!tenant.ok) return tenant;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to);
  // RFC 3339 allows times JavaScript cannot read (a leap second, 23:59:60): a 400, not a NaN in SQL.
  if (from !== undefined && !Number.isFinite(from))
    return fail('VALIDATION', `from is not a time this server can read: ${query.from}`, { field: 'from' });
  if (to !== undefined && !Number.isFinite(to))
    return fail('VALIDATION', `to is not a time this server can read: ${query.to}`, { field: 'to' });
  // Ids grow with time, so newest first is descending id, the cursor then counting down.
  const filter: AuditListFilter = {
    tenantId: tenant.value,
    actorKeyId: query.actorKeyId,
    targetId: query.targetId,
    action: query.action,
    outcome: query.outcome,
    from,
    to,
    newestFirst: query.order === 'desc',
    afterId: after.value,
    limit,
  };
  const rows = await listAuditRows(deps.db, filter, query.q ?? '');
  const page = toPage(rows, limit, toAuditObject);
  return ok({ ...page, items: await withNames(deps.db, page.items, tenant.value) });
}

/** The caller's tenant chain, or (root, no tenant named) every chain; the first bad event found wins. */
export async function verifyAudit(
  deps: ServiceDeps,
  caller: Caller,
  tenantId: string | undefined,
): Promise<Result<AuditCheckObject>> {
  const tenant = scopeOf(caller, tenantId);
  if (!tenant.ok) return tenant;
  const chains =
    tenant.value !== undefined
      ? [tenant.value]
      : (await deps.db.selectFrom('audit_chain_heads').select('chain_id').orderBy('chain_id').execute()).map(
          (row) => row.chain_id,
        );
  let checked = 0;
  for (const chain of chains) {
    const result = await verifyChain(deps.db, chain);
    checked += result.checked;
    if (!result.ok)
      return ok({
        ok: false,
        checked,
        ...(result.firstBadEventId === undefined ? {} : { firstBadEventId: result.firstBadEventId }),
      });
  }
  return ok({ ok: true, checked });
}

/**
 * At start, once the pepper is loaded: binds the chains' MAC key (derived from the pepper) to the
 * database, and seals the chains written before the MAC, once (see audit-reseal.ts).
 */
export async function startAuditChains(db: Db, pepper: Buffer): Promise<ResealReport> {
  const key = deriveAuditKey(pepper);
  bindAuditKey(db, key);
  return sealLegacyChains(db, key);
}

/** The least any retention may be, whatever the settings (SPEC §5). */
export const AUDIT_RETENTION_FLOOR_DAYS = 30;

export interface RetentionSettings {
  /** `KEYWARD_AUDIT_MIN_RETENTION_DAYS`: no chain keeps less, whatever a tenant set before. */
  readonly minDays: number;
  /** `KEYWARD_INSTANCE_AUDIT_RETENTION_DAYS`: the instance chain's retention; null keeps it forever. */
  readonly instanceDays: number | null;
}

export const DEFAULT_RETENTION: RetentionSettings = { minDays: AUDIT_RETENTION_FLOOR_DAYS, instanceDays: 365 };

/** A tenant's `auditRetentionDays`: null (keep forever) or at least the floor; else a 400 naming it. */
export function checkAuditRetention(
  days: number | null | undefined,
  minDays: number = AUDIT_RETENTION_FLOOR_DAYS,
): Result<void> {
  const floor = Math.max(minDays, AUDIT_RETENTION_FLOOR_DAYS);
  if (days !== null && days !== undefined && days < floor) {
    return fail(
      'VALIDATION',
      `auditRetentionDays must be at least ${floor} (or null to keep every event), got ${days}`,
      { field: 'auditRetentionDays' },
    );
  }
  return ok(undefined);
}

/**
 * A tenant's retention change, for the instance chain: a tenant's own chain is what the change
 * lets be erased, so the record that it happened must live where the tenant cannot prune it.
 */
export function retentionChange(tenantId: string, from: number | null, to: number | null): ChangeRecord {
  return {
    action: 'tenant.auditRetention',
    tenantId: null,
    environmentId: null,
    target: { type: 'tenant', id: tenantId },
    op: 'update',
    details: { tenantId, auditRetentionDays: { from, to } },
    cached: false,
  };
}

/**
 * Applies every tenant's retention (`auditRetentionDays`, never below the floor) and the instance
 * chain's; the chains stay verifiable.
 */
export async function pruneAudit(
  deps: Pick<ServiceDeps, 'db' | 'clock'>,
  retention: RetentionSettings = DEFAULT_RETENTION,
): Promise<number> {
  const floor = Math.max(retention.minDays, AUDIT_RETENTION_FLOOR_DAYS);
  const cutoff = (days: number) => deps.clock.now() - Math.max(days, floor) * DAY_MS;
  const tenants = await deps.db
    .selectFrom('tenants')
    .select(['id', 'audit_retention_days'])
    .where('audit_retention_days', 'is not', null)
    .execute();
  let pruned = 0;
  for (const tenant of tenants)
    pruned += await pruneChain(deps.db, tenant.id, cutoff(Number(tenant.audit_retention_days)));
  if (retention.instanceDays !== null)
    pruned += await pruneChain(deps.db, INSTANCE_CHAIN, cutoff(retention.instanceDays));
  return pruned;
}
