/**
 * The gate of `PATCH /v1/environments/{id}` (SPEC §2, §4): `tenant.manage` changes anything;
 * `authConfig.manage` in that very environment changes its auth settings only, and only to
 * tighten them — what they protect must not be able to loosen them. That last rule needs the
 * settings in force, so the service judges it in its transaction (auth-settings-tightening.ts).
 */
import { fail, ok } from '../../core/error-codes.js';
import { holdsPermission } from '../../core/key-record.js';
import { AUTH_SETTING_FIELDS } from '../../api/environments.js';
import { bodyOf, idParam, type Gate } from '../gate.js';

const NEEDED = 'tenant.manage, or authConfig.manage in that environment (its auth settings only)';

export function environmentGate(): Gate {
  return async (key, action, facts) => {
    if (action !== 'update') throw new Error(`environment gate: unknown action ${action}`);
    if (holdsPermission(key, 'tenant.manage')) return ok(null);
    const authSettingsOnly = Object.keys(bodyOf<Record<string, unknown>>(facts)).every((field) =>
      AUTH_SETTING_FIELDS.includes(field),
    );
    if (!holdsPermission(key, 'authConfig.manage') || key.environmentId !== idParam(facts) || !authSettingsOnly) {
      return fail('FORBIDDEN', `this needs ${NEEDED}`, { needed: NEEDED });
    }
    return ok(null);
  };
}
