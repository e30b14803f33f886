/**
 * Claims on outbox rows, so that one node sends each delivery (SPEC §4). A node claims an
 * endpoint's due deliveries holding the endpoint's row (`FOR UPDATE SKIP LOCKED` on PostgreSQL:
 * a node finding another claiming there passes on; SQLite has one writer and one node), which makes
 * the per-endpoint bound exact across nodes: the deliveries in flight are counted under that lock.
 * Only the head of each key's queue is due (the oldest not yet delivered or dead), so a key's
 * events reach an endpoint in order. A claim is a lease: past it, a node that died mid-send has its
 * deliveries claimed by another.
 */
import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import { lockSkippingLocked } from '../../storage/row-lock.js';
import type { DeliveryRow } from './deliveries.repository.js';
import { type EndpointRow, endpointColumns } from './endpoints.repository.js';

export interface ClaimOptions {
  readonly nodeId: string;
  readonly now: number;
  readonly leaseMs: number;
  /** Attempts in flight to one endpoint at once, every node's counted. */
  readonly perEndpoint: number;
  /** Endpoints looked at in one pass. */
  readonly endpoints?: number;
}

export interface ClaimedBatch {
  readonly endpoint: EndpointRow;
  readonly deliveries: readonly DeliveryRow[];
}

/**
 * The enabled endpoints with a delivery due now (pending and due, or claimed by a lease that ran
 * out), those waiting longest first, so that busy endpoints do not starve the others.
 */
async function endpointsWithDue(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select('d.endpoint_id')
    .where('e.enabled', '=', 1)
    .where((eb) =>
      eb.or([
        eb.and([eb('d.status', '=', 'pending'), eb('d.next_attempt_at', '<=', now)]),
        eb.and([eb('d.status', '=', 'sending'), eb('d.lease_until', '<=', now)]),
      ]),
    )
    .groupBy('d.endpoint_id')
    .orderBy((eb) => eb.fn.min('d.next_attempt_at'))
    .limit(limit)
    .execute();
  return rows.map((row) => row.endpoint_id);
}

async function claimAt(trx: Db, endpointId: string, options: ClaimOptions): Promise<ClaimedBatch | null> {
  const { now } = options;
  const endpoint = endpointColumns.decodeFound(
    await lockSkippingLocked(
      trx,
      trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId),
    ).executeTakeFirst(),
  );
  // Another node is claiming here (or the endpoint is being changed): its turn; a disabled endpoint's deliveries wait.
  if (endpoint === undefined || !endpoint.enabled) return null;
  const inFlight = await trx
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'sending')
    .where('lease_until', '>', now)
    .executeTakeFirst();
  const room = options.perEndpoint - Number(inFlight?.count ?? 0);
  if (room <= 0) return null;
  const due = trx
    .selectFrom('webhook_deliveries as d')
    .selectAll('d')
    .where('d.endpoint_id', '=', endpointId)
    .where((eb) =>
      eb.or([
        eb.and([eb('d.status', '=', 'pending'), eb('d.next_attempt_at', '<=', now)]),
        eb.and([eb('d.status', '=', 'sending'), eb('d.lease_until', '<=', now)]),
      ]),
    )
    // The head of its key's queue: nothing older for the same endpoint and key is still to send.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as e')
            .select(sql`1`.as('one'))
            .whereRef('e.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('e.order_key', '=', 'd.order_key')
            .whereRef('e.seq', '<', 'd.seq')
            .where('e.status', 'in', ['pending', 'sending']),
        ),
      ),
    )
    .orderBy('d.seq')
    .limit(room);
  // Skipped if locked: a redelivery or an attempt's outcome being written is that writer's turn.
  const heads = await lockSkippingLocked(trx, due).execute();
  if (heads.length === 0) return null;
  const claimed = {
    claimed_by: options.nodeId,
    lease_until: now + options.leaseMs,
    status: 'sending',
    updated_at: now,
  };
  await trx
    .updateTable('webhook_deliveries')
    .set(claimed)
    .where(
      'id',
      'in',
      heads.map((row) => row.id),
    )
    .execute();
  return { endpoint, deliveries: heads.map((row) => ({ ...row, ...claimed })) };
}

/** Claims what is due for this node, endpoint by endpoint, each in a short transaction of its own. */
export async function claimDue(db: Db, options: ClaimOptions): Promise<ClaimedBatch[]> {
  const batches: ClaimedBatch[] = [];
  for (const endpointId of await endpointsWithDue(db, options.now, options.endpoints ?? 50)) {
    const batch = await db.transaction().execute((trx) => claimAt(trx, endpointId, options));
    if (batch !== null) batches.push(batch);
  }
  return batches;
}

export type AttemptResult =
  | { readonly kind: 'delivered'; readonly statusCode: number }
  | {
      readonly kind: 'failed';
      readonly statusCode: number | null;
      readonly error: string;
      /** When to try again; null: no retry is left, the delivery is dead. */
      readonly retryAt: number | null;
    };

/**
 * Writes one attempt's outcome, if this node still holds the claim (a claim taken over after its
 * lease is the other node's to finish); answers whether it did.
 */
export async function recordAttempt(
  db: Db,
  delivery: Pick<DeliveryRow, 'id' | 'attempts'>,
  nodeId: string,
  result: AttemptResult,
  now: number,
): Promise<boolean> {
  const common = { attempts: delivery.attempts + 1, claimed_by: null, lease_until: null, updated_at: now };
  const set =
    result.kind === 'delivered'
      ? { ...common, status: 'delivered', last_status_code: result.statusCode, last_error: null, delivered_at: now }
      : {
          ...common,
          status: result.retryAt === null ? 'dead' : 'pending',
          last_status_code: result.statusCode,
          last_error: result.error.slice(0, 200),
          next_attempt_at: result.retryAt ?? now,
        };
  const updated = await db
    .updateTable('webhook_deliveries')
    .set(set)
    .where('id', '=', delivery.id)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Gives claims back unsent (a node stopping): due again at once for any node, no attempt counted. */
export async function releaseClaims(db: Db, ids: readonly string[], nodeId: string, now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', claimed_by: null, lease_until: null, updated_at: now })
    .where('id', 'in', ids)
    .where('claimed_by', '=', nodeId)
    .where('status', '=', 'sending')
    .execute();
}
