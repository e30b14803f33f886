/** The audit log, its MAC chains' heads, keys pending a pepper rotation, and the change log. */
import type { ColumnType, Generated } from 'kysely';

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  environment_id: string | null;
  actor_key_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  status: number;
  request_id: string | null;
  source_ip: string | null;
  details: string;
  at: number;
  /** The chain it belongs to: its tenant id, or `instance`. */
  chain_id: string | null;
  chain_seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface AuditChainHeadsTable {
  chain_id: string;
  last_seq: number;
  last_hash: string;
  last_event_id: string | null;
  pruned_seq: number;
  pruned_hash: string;
  /** HMAC of the other columns under the audit key; null only for a chain not yet sealed. */
  head_mac: string | null;
  /** The event an old chain was already broken at when it was sealed (null: it checked). */
  legacy_bad_event_id: string | null;
}

/** Keys whose hash was made under the pepper before the last rotation (see pepper-rotation.ts). */
export interface PepperPendingKeysTable {
  key_id: string;
  key_hash: string;
}

export interface ChangeLogTable {
  seq: Generated<number>;
  entity: string;
  entity_id: string;
  tenant_id: string | null;
  /** The environment of what changed (a key's; an environment's own id); null for what has none, and in rows before 0027. */
  environment_id: ColumnType<string | null, string | null | undefined, never>;
  op: string;
  at: ColumnType<number, number, never>;
}
