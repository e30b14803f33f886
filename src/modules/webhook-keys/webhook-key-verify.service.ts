/**
 * `POST /v1/webhook-keys/{id}/verify`: whether a request the platform received carries a valid
 * signature under the key's secret (or, while a rotation's grace lasts, the previous one), so
 * platform code never holds the secret. Reads only; a verdict is not a change and is not audited.
 */
import type { VerifyWebhookInput, WebhookVerdictObject } from '../../api/webhook-keys.js';
import { ok, type Result } from '../../core/error-codes.js';
import { verifyWebhookSignature } from '../../core/webhook-signatures.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { notFound } from '../scope.js';
import { schemeOf } from './webhook-key-object.js';
import { readTarget } from '../target-rows.js';
import type { WebhookKeyRow } from './webhook-keys.repository.js';

/** A sealed secret that does not open was altered or sealed under another pepper: loud, and without its value. */
function opened(deps: ServiceDeps, row: WebhookKeyRow, sealed: string): string {
  const secret = deps.secrets.open(sealed, row.id);
  if (secret === null)
    throw new Error(`webhook key ${row.id}: its sealed secret does not open (altered, or sealed under another pepper)`);
  return secret;
}

export async function verifyWebhookKey(
  deps: ServiceDeps,
  caller: Caller,
  id: string,
  input: VerifyWebhookInput,
): Promise<Result<WebhookVerdictObject>> {
  // The row the auth hook read (a verify is a read: no lock, nothing written).
  const row = await readTarget(deps.db, caller, 'webhookKey', id);
  if (row === undefined) return notFound('webhook key', id);
  const now = deps.clock.now();
  const inGrace = row.previous_secret !== null && row.previous_valid_until !== null && now < row.previous_valid_until;
  const secrets = {
    current: opened(deps, row, row.secret),
    previous: inGrace && row.previous_secret !== null ? opened(deps, row, row.previous_secret) : null,
  };
  const body = Buffer.from(input.body, input.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const verdict = verifyWebhookSignature(schemeOf(row), secrets, { headers: input.headers, body }, now);
  if (verdict.valid) return ok({ valid: true });
  return ok({
    valid: false,
    reason: verdict.reason,
    ...(verdict.header === undefined ? {} : { header: verdict.header }),
  });
}
