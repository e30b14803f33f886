/**
 * Reading a page of the audit log (`GET /v1/audit`), each filter from an index: a time range is a
 * range of ids (an event's id begins with its time, core/ids.ts), so it rides the (tenant, id)
 * index; actor, target and action have (tenant, column, id) indexes (migration
 * 0021-resource-audit-search) that answer a page newest first without sorting the tenant's log.
 * `q` is an id or an action, matched as actor, target or action, each by its own query, merged.
 */
import { timeIdBound } from '../../core/ids.js';
import { jsonObject, tableColumns } from '../../storage/column-codec.js';
import type { Db } from '../../storage/database.js';
import type { AuditEventRow } from './audit-chain.js';

/**
 * An event as the log's reader sees it: its details a checked object. The chain (audit-chain.ts,
 * audit-mac.ts) keeps reading the stored row, since its MAC is over the details' stored text; a
 * reader is handed the decoded value and the chain's own fields (hash, prev_hash) as stored.
 */
const columns = tableColumns<AuditEventRow>('audit_events')({ details: jsonObject.column });
export type AuditEventView = ReturnType<typeof columns.decode>;

export interface AuditListFilter {
  /** undefined: every tenant and the instance (the root key only). */
  readonly tenantId: string | undefined;
  readonly actorKeyId?: string | undefined;
  readonly targetId?: string | undefined;
  readonly action?: string | undefined;
  readonly outcome?: 'success' | 'denied' | undefined;
  /** Epoch ms, inclusive. */
  readonly from?: number | undefined;
  /** Epoch ms, inclusive. */
  readonly to?: number | undefined;
  readonly newestFirst: boolean;
  readonly afterId: string | null;
  readonly limit: number;
}

/** The statement for one page (limit + 1 rows), every filter given applied. */
export function auditListQuery(db: Db, filter: AuditListFilter) {
  let select = db.selectFrom('audit_events').selectAll();
  if (filter.tenantId !== undefined) select = select.where('tenant_id', '=', filter.tenantId);
  if (filter.actorKeyId !== undefined) select = select.where('actor_key_id', '=', filter.actorKeyId);
  if (filter.targetId !== undefined) select = select.where('target_id', '=', filter.targetId);
  if (filter.action !== undefined) select = select.where('action', '=', filter.action);
  if (filter.outcome !== undefined) select = select.where('outcome', '=', filter.outcome);
  if (filter.from !== undefined)
    select = select.where('id', '>=', timeIdBound('event', filter.from)).where('at', '>=', filter.from);
  if (filter.to !== undefined)
    select = select.where('id', '<', timeIdBound('event', filter.to + 1)).where('at', '<=', filter.to);
  if (filter.afterId !== null) select = select.where('id', filter.newestFirst ? '<' : '>', filter.afterId);
  return select.orderBy('id', filter.newestFirst ? 'desc' : 'asc').limit(filter.limit + 1);
}

/** What `q` is matched against, each a filter of its own (the query-plan test reads each). */
export function auditSearchFilters(filter: AuditListFilter, q: string): Map<string, AuditListFilter> {
  const text = q.trim();
  const filters = new Map<string, AuditListFilter>();
  const id = text.toLowerCase();
  if (/^[a-z]{3}_[0-9a-z]{26}$/.test(id)) {
    if (filter.actorKeyId === undefined && id.startsWith('key_')) filters.set('actor', { ...filter, actorKeyId: id });
    if (filter.targetId === undefined) filters.set('target', { ...filter, targetId: id });
  } else if (filter.targetId === undefined) filters.set('target', { ...filter, targetId: text });
  if (filter.action === undefined) filters.set('action', { ...filter, action: text });
  return filters;
}

/** A page of events (limit + 1 rows when there is a next page), `q` matched any way it can be. */
export async function listAuditRows(db: Db, filter: AuditListFilter, q: string): Promise<AuditEventView[]> {
  if (q.trim() === '') return (await auditListQuery(db, filter).execute()).map(columns.decode);
  const answers = await Promise.all(
    [...auditSearchFilters(filter, q).values()].map((each) => auditListQuery(db, each).execute()),
  );
  const byId = new Map<string, AuditEventRow>();
  for (const row of answers.flat()) byId.set(row.id, row);
  const ids = [...byId.keys()].sort();
  if (filter.newestFirst) ids.reverse();
  return ids.slice(0, filter.limit + 1).map((id) => columns.decode(byId.get(id) as AuditEventRow));
}
