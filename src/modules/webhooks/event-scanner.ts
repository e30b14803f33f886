/**
 * The time-driven events (SPEC §4): `key.expiring` (an endpoint's lead time before a key's
 * expiry, once per key and expiry date), `key.expired`, and `key.credits_low` (once per crossing
 * of an endpoint's threshold). Nothing happens at those instants to emit them in a transaction of
 * its own, so one node at a time (scanner-lease.ts) looks for them every `KEYWARD_WEBHOOK_SCAN_MS`
 * by the injected clock. Expiry events carry a once-only mark per endpoint (the outbox's dedupe
 * key), so neither a restart nor two scanners overlapping sends one twice.
 *
 * Credits are watched here rather than on the verify path, which spends them and must stay one
 * statement: a key is marked when seen below the threshold (the alert row, written with its event)
 * and unmarked when seen back at or above it (a refill or top-up), which re-arms it. A refill and a
 * fall below again within one scan interval is seen as no crossing.
 */
import { DAY_MS } from '../../core/clock.js';
import { newId } from '../../core/ids.js';
import type { Db } from '../../storage/database.js';
import { allEnabledEndpoints, type EndpointRow } from './endpoints.repository.js';
import { insertDelivery, payloadOf, subscribes } from './outbox.js';

/** How far back `key.expired` looks: a scanner down longer than this does not announce older expiries. */
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;

export interface ScanReport {
  expiring: number;
  expired: number;
  creditsLow: number;
}

interface ScannedKey {
  readonly id: string;
  readonly environment_id: string | null;
  readonly name: string;
  readonly expires_at: number | null;
  readonly credits_remaining: number | null;
}

function keysOf(db: Db, endpoint: EndpointRow) {
  let query = db
    .selectFrom('api_keys')
    .select(['id', 'environment_id', 'name', 'expires_at', 'credits_remaining'])
    .where('tenant_id', '=', endpoint.tenant_id)
    .where('revoked_at', 'is', null);
  if (endpoint.environment_id !== null) query = query.where('environment_id', '=', endpoint.environment_id);
  return query;
}

/** The marks of `dedupeKeys` the endpoint's outbox already holds. */
async function existingMarks(db: Db, endpointId: string, dedupeKeys: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let start = 0; start < dedupeKeys.length; start += 500) {
    const rows = await db
      .selectFrom('webhook_deliveries')
      .select('dedupe_key')
      .where('endpoint_id', '=', endpointId)
      .where('dedupe_key', 'in', dedupeKeys.slice(start, start + 500))
      .execute();
    for (const row of rows) if (row.dedupe_key !== null) seen.add(row.dedupe_key);
  }
  return seen;
}

function keyData(endpoint: EndpointRow, key: ScannedKey): Record<string, unknown> {
  return {
    keyId: key.id,
    tenantId: endpoint.tenant_id,
    environmentId: key.environment_id,
    name: key.name,
    expiresAt: key.expires_at === null ? null : new Date(key.expires_at).toISOString(),
  };
}

async function emitOnce(
  db: Db,
  endpoint: EndpointRow,
  type: 'key.expiring' | 'key.expired',
  keys: readonly ScannedKey[],
  now: number,
): Promise<number> {
  const mark = (key: ScannedKey) => `${type}:${key.id}:${key.expires_at}`;
  const seen = await existingMarks(db, endpoint.id, keys.map(mark));
  let emitted = 0;
  for (const key of keys.filter((candidate) => !seen.has(mark(candidate)))) {
    const draft = {
      endpointId: endpoint.id,
      tenantId: endpoint.tenant_id,
      environmentId: key.environment_id,
      type,
      keyId: key.id,
      messageId: newId('message', now),
      payload: payloadOf(type, now, keyData(endpoint, key)),
      dedupeKey: mark(key),
    };
    if (await db.transaction().execute((trx) => insertDelivery(trx, draft, now))) emitted++;
  }
  return emitted;
}

async function scanExpiry(db: Db, endpoint: EndpointRow, now: number, report: ScanReport): Promise<void> {
  if (subscribes(endpoint, 'key.expiring')) {
    const expiring = await keysOf(db, endpoint)
      .where('expires_at', '>', now)
      .where('expires_at', '<=', now + endpoint.expiring_lead_days * DAY_MS)
      .execute();
    report.expiring += await emitOnce(db, endpoint, 'key.expiring', expiring, now);
  }
  if (subscribes(endpoint, 'key.expired')) {
    // Keys that expired before the endpoint existed are not news to it.
    const since = Math.max(endpoint.created_at, now - EXPIRED_LOOKBACK_MS);
    const expired = await keysOf(db, endpoint).where('expires_at', '<=', now).where('expires_at', '>', since).execute();
    report.expired += await emitOnce(db, endpoint, 'key.expired', expired, now);
  }
}

async function scanCredits(db: Db, endpoint: EndpointRow, now: number, report: ScanReport): Promise<void> {
  const threshold = endpoint.credits_low_threshold;
  if (threshold === null || !subscribes(endpoint, 'key.credits_low')) return;
  // Back at or above the threshold (or gone): re-armed for the next crossing.
  await db
    .deleteFrom('webhook_credit_alerts')
    .where('endpoint_id', '=', endpoint.id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('api_keys')
            .select('api_keys.id')
            .whereRef('api_keys.id', '=', 'webhook_credit_alerts.key_id')
            .where('api_keys.revoked_at', 'is', null)
            .where('api_keys.credits_remaining', '<', threshold),
        ),
      ),
    )
    .execute();
  const low = await keysOf(db, endpoint)
    .where('credits_remaining', 'is not', null)
    .where('credits_remaining', '<', threshold)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_credit_alerts')
            .select('webhook_credit_alerts.key_id')
            .whereRef('webhook_credit_alerts.key_id', '=', 'api_keys.id')
            .where('webhook_credit_alerts.endpoint_id', '=', endpoint.id),
        ),
      ),
    )
    .execute();
  for (const key of low) {
    const emitted = await db.transaction().execute(async (trx) => {
      // The mark and its event together: a second scanner finds the mark and sends nothing.
      const marked = await trx
        .insertInto('webhook_credit_alerts')
        .values({ endpoint_id: endpoint.id, key_id: key.id, created_at: now })
        .onConflict((conflict) => conflict.columns(['endpoint_id', 'key_id']).doNothing())
        .executeTakeFirst();
      if (Number(marked.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const data = {
        ...keyData(endpoint, key),
        remaining: Number(key.credits_remaining),
        threshold: Number(threshold),
      };
      return insertDelivery(
        trx,
        {
          endpointId: endpoint.id,
          tenantId: endpoint.tenant_id,
          environmentId: key.environment_id,
          type: 'key.credits_low',
          keyId: key.id,
          messageId: newId('message', now),
          payload: payloadOf('key.credits_low', now, data),
        },
        now,
      );
    });
    if (emitted) report.creditsLow++;
  }
}

/** One scan of every enabled endpoint; the caller holds the scanner lease. */
export async function scanTimeDrivenEvents(db: Db, now: number): Promise<ScanReport> {
  const report: ScanReport = { expiring: 0, expired: 0, creditsLow: 0 };
  for (const endpoint of await allEnabledEndpoints(db)) {
    await scanExpiry(db, endpoint, now, report);
    await scanCredits(db, endpoint, now, report);
  }
  return report;
}
