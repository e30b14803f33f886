/**
 * The gate of `/v1/policies` (SPEC §5): `users.manage` for every policy, and `tenant.manage` too
 * to create, change or delete a tenant-wide one. Another tenant's policy is a 404.
 */
import { fail, ok } from '../../core/error-codes.js';
import { holdsPermission } from '../../core/key-record.js';
import type { Db } from '../../storage/database.js';
import { bodyOf, idParam, type Gate } from '../gate.js';
import { canSeeTenant, notFound } from '../scope.js';
import { findPolicy } from './policies.repository.js';

export function policyGate(db: Db): Gate {
  return async (key, action, facts) => {
    if (!holdsPermission(key, 'users.manage')) return fail('FORBIDDEN', 'this needs users.manage', { needed: 'users.manage' });
    let tenantWide: boolean;
    if (action === 'create') {
      tenantWide = bodyOf<{ environmentId: string | null }>(facts).environmentId == null;
    } else {
      const policy = await findPolicy(db, idParam(facts));
      if (policy === undefined || !canSeeTenant(key, policy.tenant_id)) return notFound('policy', idParam(facts));
      tenantWide = policy.environment_id === null;
    }
    if (tenantWide && action !== 'read' && !holdsPermission(key, 'tenant.manage')) {
      return fail('FORBIDDEN', 'a tenant-wide policy needs tenant.manage', { needed: 'tenant.manage' });
    }
    return ok(null);
  };
}
