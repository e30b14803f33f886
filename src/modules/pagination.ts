/**
 * Cursor pagination by id. Ids sort by creation time, so "the next page" is simply "ids after
 * the last one shown"; the cursor is that id, opaque to callers.
 */
import { type SelectQueryBuilder, sql } from 'kysely';
import { fail, ok, type Result } from '../core/error-codes.js';
import type { PageOf, PageQueryType } from '../api/common.js';
import { isRoot, type KeyRecord } from '../core/key-record.js';
import { resolveTenantId } from './scope.js';

export const DEFAULT_PAGE_SIZE = 50;

export function decodeCursor(cursor: string | undefined): Result<string | null> {
  if (cursor === undefined) return ok(null);
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[a-z]{3}_[0-9a-z]{26}$/.test(id)
    ? ok(id)
    : fail('VALIDATION', 'cursor is not one this server gave out', { field: 'cursor' });
}

/** Rows fetched with `limit + 1`: the extra row, if any, says a next page exists. */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): PageOf<Item> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit && last !== undefined ? Buffer.from(last.id, 'utf8').toString('base64url') : null;
  return { items: items.map(map), nextCursor };
}

export interface TenantPageRequest {
  readonly tenantId: string | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

/**
 * A list request resolved for the caller: the cursor decoded, the page size defaulted, and the
 * tenant fixed to the caller's own (the root key may name one, or none to see every tenant).
 */
export function tenantPageRequest(
  caller: KeyRecord,
  query: PageQueryType & { tenantId?: string | undefined },
): Result<TenantPageRequest> {
  const after = decodeCursor(query.cursor);
  if (!after.ok) return after;
  let tenantId = query.tenantId;
  if (!isRoot(caller)) {
    const own = resolveTenantId(caller, query.tenantId);
    if (!own.ok) return own;
    tenantId = own.value;
  }
  return ok({ tenantId, afterId: after.value, limit: query.limit ?? DEFAULT_PAGE_SIZE });
}

/**
 * One page of a tenant-owned table in id order: the rows of `request.tenantId` (every tenant's,
 * where undefined) after `afterId`, with one row more than `limit` when a next page exists (see
 * toPage). Any table with `id` and `tenant_id` columns; `query` may carry its own conditions.
 */
export function tenantPageQuery<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  request: TenantPageRequest,
): SelectQueryBuilder<DB, TB, O> {
  // References by name: the builder cannot know, for any TB, that it has these two columns.
  let page = query;
  if (request.tenantId !== undefined) page = page.where(sql.ref('tenant_id'), '=', request.tenantId);
  if (request.afterId !== null) page = page.where(sql.ref('id'), '>', request.afterId);
  return page.orderBy(sql.ref('id')).limit(request.limit + 1);
}
