/**
 * The rules a new key's grants must meet: known permissions, tenant-scoped ones only on admin
 * keys, and nothing the caller does not hold itself (no escalation, SPEC §3).
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import { ALWAYS_HELD, isAdminOnly, isKnownPermission } from '../../core/permissions.js';
import { holdsPermission, type KeyRecord } from '../../core/key-record.js';

/** The permissions to store: validated, deduplicated, sorted, without the always-held one. */
export function checkPermissions(caller: KeyRecord, requested: readonly string[], admin: boolean): Result<string[]> {
  const unknown = requested.filter((id) => !isKnownPermission(id));
  if (unknown.length > 0) return fail('VALIDATION', `unknown permission: ${unknown.join(', ')}`, { field: 'permissions', unknown });
  const tenantScoped = requested.filter(isAdminOnly);
  if (tenantScoped.length > 0 && !admin) {
    return fail('VALIDATION', `${tenantScoped.join(', ')} may only be held by an admin key`, { field: 'permissions', adminOnly: tenantScoped });
  }
  const excess = requested.filter((id) => !holdsPermission(caller, id));
  if (excess.length > 0) return fail('FORBIDDEN', `cannot grant what the calling key does not hold: ${excess.join(', ')}`, { excess });
  return ok([...new Set(requested)].filter((id) => id !== ALWAYS_HELD).sort());
}
