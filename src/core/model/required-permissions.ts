/**
 * Permissions Keyward's own code asks for by name. A model without one would load and leave
 * the tenant unmanageable (nobody could manage users or the tenant, sign in to the UI, or use the
 * assistant), so the compiler refuses it at start, saying what the permission is needed for.
 */
import type { PermissionDef } from './model.js';

export const REQUIRED_PERMISSIONS: Readonly<Record<string, string>> = {
  'users.manage': 'the management API asks for it to manage users, keys, policies and groups',
  'tenant.manage': 'the management API asks for it to manage the tenant, its environments and audit log',
  'applications.use': 'the management UI asks for it at sign-in',
  'assistant.use': 'every valid key holds it',
};

/** One error per missing or misdeclared required permission, each naming it by its path. */
export function missingRequiredPermissions(permissions: ReadonlyMap<string, PermissionDef>): string[] {
  const errors: string[] = [];
  for (const [id, why] of Object.entries(REQUIRED_PERMISSIONS)) {
    if (!permissions.has(id))
      errors.push(`permissions.${id}: missing: Keyward relies on it (${why}); keep it in every model`);
  }
  for (const id of ['users.manage', 'tenant.manage']) {
    const def = permissions.get(id);
    // Held by a non-admin key in one environment, it would hand that key the whole tenant.
    if (def !== undefined && (def.scope !== 'tenant' || !def.adminOnly))
      errors.push(`permissions.${id}: must have scope: tenant and adminOnly: true`);
  }
  const assistant = permissions.get('assistant.use');
  if (assistant !== undefined && !assistant.alwaysHeld)
    errors.push('permissions.assistant.use: must have alwaysHeld: true');
  return errors;
}
