/**
 * The gate of `/v1/policies` (SPEC §2, §5): an environment's policy is `users.manage`'s; a
 * tenant-wide one is configured by `tenant.manage` alone (seed 000: Manage Tenant "Configure
 * tenant-wide policies") and read by either, since `users.manage` links it to keys. Another
 * tenant's policy is a 404.
 */
import { fail, ok } from '../../core/error-codes.js';
import { holdsPermission } from '../../core/key-record.js';
import type { Db } from '../../storage/database.js';
import { bodyOf, idParam, rowsOf, type Gate } from '../gate.js';
import { canSeeTenant, notFound } from '../scope.js';

export function policyGate(db: Db): Gate {
  return async (key, action, facts) => {
    const usersManage = holdsPermission(key, 'users.manage');
    const tenantManage = holdsPermission(key, 'tenant.manage');
    if (!usersManage && !tenantManage) return fail('FORBIDDEN', 'this needs users.manage', { needed: 'users.manage' });
    let tenantWide: boolean;
    if (action === 'create') {
      tenantWide = bodyOf<{ environmentId: string | null }>(facts).environmentId == null;
    } else {
      const policy = await rowsOf(facts).read(db, 'policy', idParam(facts));
      if (policy === undefined || !canSeeTenant(key, policy.tenant_id)) return notFound('policy', idParam(facts));
      tenantWide = policy.environment_id === null;
    }
    if (!tenantWide)
      return usersManage
        ? ok(null)
        : fail('FORBIDDEN', "an environment's policy needs users.manage", { needed: 'users.manage' });
    if (action === 'read' || tenantManage) return ok(null);
    return fail('FORBIDDEN', 'a tenant-wide policy needs tenant.manage', { needed: 'tenant.manage' });
  };
}
