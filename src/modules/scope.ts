/**
 * Which tenant a request acts in. A tenant key always acts in its own tenant; naming another is
 * a 404 because other tenants cannot be discovered. The root key has no tenant and must name one.
 */
import { fail, ok, type Result } from '../core/error-codes.js';
import { isRoot, type KeyRecord } from '../core/key-record.js';

export function resolveTenantId(caller: KeyRecord, requested: string | undefined): Result<string> {
  if (isRoot(caller)) {
    return requested === undefined
      ? fail('VALIDATION', 'tenantId is required when acting with the root key', { field: 'tenantId' })
      : ok(requested);
  }
  if (requested !== undefined && requested !== caller.tenantId)
    return fail('NOT_FOUND', `tenant ${requested} not found`);
  return ok(caller.tenantId as string);
}

/** Whether the caller may see things of `tenantId` at all (root sees every tenant). */
export function canSeeTenant(caller: KeyRecord, tenantId: string | null): boolean {
  return isRoot(caller) || (tenantId !== null && caller.tenantId === tenantId);
}

/**
 * A list filter naming another tenant's (or no) entity is a 404, like reading it: an empty page
 * would tell the caller nothing false, but the SPEC answers anything undiscoverable with 404.
 */
export async function filterVisible(
  caller: KeyRecord,
  what: string,
  id: string | undefined,
  find: (id: string) => Promise<{ readonly tenant_id: string | null } | undefined>,
): Promise<Result<null>> {
  if (id === undefined) return ok(null);
  const row = await find(id);
  return row !== undefined && canSeeTenant(caller, row.tenant_id) ? ok(null) : notFound(what, id);
}

export function notFound<T = never>(what: string, id: string): Result<T> {
  return fail('NOT_FOUND', `${what} ${id} not found`);
}

export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
