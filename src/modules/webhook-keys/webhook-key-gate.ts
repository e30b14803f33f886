/**
 * The gate of `/v1/webhook-keys` (SPEC §5): `webhooks.manage` is environment-scoped, so it reaches
 * the webhook keys of the caller's own environment; a key of another environment of the tenant
 * is known (403), one of another tenant is not (404, decided earlier by target visibility).
 * Verifying a signature is also allowed to a key that may `run` the webhook the key is bound to,
 * the platform code that receives it.
 */
import { checkResource } from '../../core/check.js';
import { fail, ok, type Result } from '../../core/error-codes.js';
import { holdsPermission, isRoot, keyPosition, type KeyRecord } from '../../core/key-record.js';
import type { AuthModel } from '../../core/model/model.js';
import type { Db } from '../../storage/database.js';
import { bodyOf, idParam, rowsOf, type Gate } from '../gate.js';
import { canSeeTenant, notFound } from '../scope.js';
import type { TargetRows } from '../target-rows.js';

export interface WebhookKeyGateDeps {
  readonly db: Db;
  readonly model: AuthModel;
}

const MANAGE = 'webhooks.manage';

function refused(detail: string): Result<never> {
  return fail('FORBIDDEN', detail, { needed: MANAGE });
}

/** `webhooks.manage` in `environmentId`: held, and the caller's own environment. */
function manages(key: KeyRecord, environmentId: string): boolean {
  return holdsPermission(key, MANAGE) && key.environmentId === environmentId;
}

async function mayRun(deps: WebhookKeyGateDeps, rows: TargetRows, key: KeyRecord, webhookId: string): Promise<boolean> {
  const target = await rows.resourceTarget(deps.db, deps.model, webhookId);
  return target !== undefined && checkResource(keyPosition(key), key.grants, 'run', target).allowed;
}

export function webhookKeyGate(deps: WebhookKeyGateDeps): Gate {
  return async (key, action, facts) => {
    if (isRoot(key)) return ok(null);
    if (action === 'create') {
      const environmentId = bodyOf<{ environmentId: string }>(facts).environmentId ?? key.environmentId;
      if (environmentId !== null && manages(key, environmentId)) return ok(null);
      return refused(`this needs ${MANAGE} in environment ${environmentId}: it reaches the key's own environment only`);
    }
    const id = idParam(facts);
    const rows = rowsOf(facts);
    // Read once per request: the auth hook read it already to decide it may be discovered.
    const row = await rows.read(deps.db, 'webhookKey', id);
    if (row === undefined || !canSeeTenant(key, row.tenant_id)) return notFound('webhook key', id);
    if (manages(key, row.environment_id)) return ok(null);
    if (action === 'verify' && row.webhook_id !== null && (await mayRun(deps, rows, key, row.webhook_id)))
      return ok(null);
    const orRun = action === 'verify' && row.webhook_id !== null ? ` (or run on webhook ${row.webhook_id})` : '';
    return refused(`this needs ${MANAGE} in environment ${row.environment_id}${orRun}`);
  };
}
