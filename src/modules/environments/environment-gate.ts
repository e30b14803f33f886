/**
 * The gate of `PATCH /v1/environments/{id}` (SPEC §2, §4): `tenant.manage` changes anything;
 * `authConfig.manage` in that very environment changes its auth settings only, and may switch
 * `mfaRequired` on but never off — what MFA protects must not be able to drop it.
 */
import { fail, ok } from '../../core/error-codes.js';
import { holdsPermission } from '../../core/key-record.js';
import { AUTH_SETTING_FIELDS } from '../../api/environments.js';
import type { Db } from '../../storage/database.js';
import { bodyOf, idParam, type Gate } from '../gate.js';
import { notFound } from '../scope.js';
import { findEnvironment } from './environments.repository.js';

const NEEDED = 'tenant.manage, or authConfig.manage in that environment (its auth settings only)';

export function environmentGate(db: Db): Gate {
  return async (key, action, facts) => {
    if (action !== 'update') throw new Error(`environment gate: unknown action ${action}`);
    if (holdsPermission(key, 'tenant.manage')) return ok(null);
    const id = idParam(facts);
    const body = bodyOf<{ mfaRequired: boolean | null }>(facts);
    const authSettingsOnly = Object.keys(body).every((field) => AUTH_SETTING_FIELDS.includes(field));
    if (!holdsPermission(key, 'authConfig.manage') || key.environmentId !== id || !authSettingsOnly) {
      return fail('FORBIDDEN', `this needs ${NEEDED}`, { needed: NEEDED });
    }
    if (body.mfaRequired === undefined || body.mfaRequired === true) return ok(null);
    const environment = await findEnvironment(db, id);
    if (environment === undefined) return notFound('environment', id);
    // false or null (inherit) takes away a requirement the environment set itself.
    if (environment.mfa_required === 1) {
      return fail('FORBIDDEN', 'switching mfaRequired off needs tenant.manage; authConfig.manage may only switch it on', { needed: 'tenant.manage' });
    }
    return ok(null);
  };
}
