/** A webhook key as the API shows it: never a secret, only its hint (the secret is answered once, by the service). */
import type { WebhookKeyObject } from '../../api/webhook-keys.js';
import { WEBHOOK_SCHEMES, type WebhookScheme } from '../../core/webhook-schemes.js';
import { iso } from '../scope.js';
import type { WebhookKeyRow } from './webhook-keys.repository.js';

/** The row's scheme, checked: a value no version wrote fails loudly, naming the key and not the value. */
export function schemeOf(row: WebhookKeyRow): WebhookScheme {
  const scheme = WEBHOOK_SCHEMES.find((known) => known === row.scheme);
  if (scheme === undefined) throw new Error(`webhook key ${row.id}: its stored scheme is not one Keyward knows`);
  return scheme;
}

/** `now`: a rotation's grace shows until it ends, then the previous secret is gone as far as anyone can tell. */
export function toWebhookKeyObject(row: WebhookKeyRow, now: number): WebhookKeyObject {
  const graceLasts = row.previous_valid_until !== null && now < row.previous_valid_until;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    webhookId: row.webhook_id,
    name: row.name,
    scheme: schemeOf(row),
    secretHint: row.secret_hint,
    previousSecretValidUntil: graceLasts ? iso(row.previous_valid_until) : null,
    createdByKeyId: row.created_by_key_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    rotatedAt: iso(row.rotated_at),
  };
}
