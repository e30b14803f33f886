/**
 * The audit chains' keyed MACs (SPEC §5). Every event's MAC is HMAC-SHA-256, under a key derived
 * from the pepper with HKDF (never the pepper itself), over all its columns and the MAC of the
 * event before it; each chain's head (last sequence, MAC and event id, and the pruning point) is
 * sealed under the same key. Whoever can write the database but lacks the pepper can therefore
 * not forge an event, a link or a head. `legacyEventHash` is the plain SHA-256 of the chains
 * before the MAC (migration 0008), kept only to check those once before they are re-sealed.
 *
 * The key is bound to the database handle once at start (`bindAuditKey`), and every handle and
 * transaction made from it finds it: so any code that appends an event (a change, a refused
 * request, an aggregate of refusals) seals it without carrying the key around, and code that
 * forgot to bind one fails instead of writing an unsealed event.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { AuditChainHeadsTable, AuditEventsTable, Db } from '../../storage/database.js';

export type AuditEventRow = Selectable<AuditEventsTable>;
export type ChainHeadRow = Selectable<AuditChainHeadsTable>;
/** An event without its own MAC (the `hash` column). */
export type Unsealed = Omit<AuditEventRow, 'hash'>;
/** A head without its own MAC. */
export type UnsealedHead = Omit<ChainHeadRow, 'head_mac'>;

export function deriveAuditKey(pepper: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', pepper, 'keyward', 'audit chain mac v1', 32));
}

// Keyed by the dialect adapter: Kysely hands one adapter to a handle, its transactions and its
// `withPlugin` copies, and a new one to every other database opened.
const keys = new WeakMap<object, Buffer>();

/** Seals every event appended through `db` (and its transactions) under `key`. */
export function bindAuditKey(db: Db, key: Buffer): void {
  keys.set(db.getExecutor().adapter, key);
}

export function auditKeyOf(db: Db): Buffer {
  const key = keys.get(db.getExecutor().adapter);
  if (key === undefined) throw new Error('no audit MAC key is bound to this database (bindAuditKey at start)');
  return key;
}

function eventFields(event: Unsealed): unknown[] {
  return [
    event.chain_id,
    Number(event.chain_seq),
    event.prev_hash,
    event.id,
    event.tenant_id,
    event.environment_id,
    event.actor_key_id,
    event.action,
    event.target_type,
    event.target_id,
    event.outcome,
    Number(event.status),
    event.request_id,
    event.source_ip,
    event.details,
    Number(event.at),
  ];
}

export function eventMac(key: Buffer, event: Unsealed): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['event', ...eventFields(event)]))
    .digest('hex');
}

export function headMac(key: Buffer, head: UnsealedHead): string {
  const fields = [
    'head',
    head.chain_id,
    Number(head.last_seq),
    head.last_hash,
    head.last_event_id,
    Number(head.pruned_seq),
    head.pruned_hash,
    head.legacy_bad_event_id,
  ];
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}

/** Compares two hex MACs in constant time (a null or malformed one never matches). */
export function sameMac(stored: string | null, expected: string): boolean {
  if (stored === null || stored.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(stored, 'utf8'), Buffer.from(expected, 'utf8'));
}

/** The pre-MAC chains' plain SHA-256 of an event (as migration 0008 wrote it). */
export function legacyEventHash(event: Unsealed): string {
  const fields = [
    event.chain_id,
    event.chain_seq,
    event.prev_hash,
    event.id,
    event.tenant_id,
    event.environment_id,
    event.actor_key_id,
    event.action,
    event.target_type,
    event.target_id,
    event.outcome,
    event.status,
    event.request_id,
    event.source_ip,
    event.details,
    event.at,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
