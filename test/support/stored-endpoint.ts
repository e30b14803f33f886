/**
 * A webhook endpoint written straight to storage, for suites that read what the outbox writes and
 * send nothing: its secret is a placeholder no delivery could sign with.
 */
import { newId } from '../../src/core/ids.js';
import { insertEndpoint, type EndpointRow } from '../../src/modules/webhooks/endpoints.repository.js';
import type { Db } from '../../src/storage/database.js';

/** Subscribed to `events`, enabled, of no environment (every one of the tenant's); `overrides` over that. */
export async function storedEndpoint(
  db: Db,
  tenantId: string,
  events: readonly string[],
  overrides: Partial<EndpointRow> = {},
): Promise<string> {
  const now = Date.now();
  const id = newId('webhookEndpoint', now);
  await insertEndpoint(db, {
    id,
    tenant_id: tenantId,
    environment_id: null,
    url: 'https://hooks.example/keyward',
    description: '',
    events: [...events],
    enabled: true,
    secret: 'sealed elsewhere',
    previous_secret: null,
    previous_secret_until: null,
    expiring_lead_days: 7,
    credits_low_threshold: null,
    created_by_key_id: null,
    created_at: now,
    updated_at: now,
    ...overrides,
  });
  return id;
}
