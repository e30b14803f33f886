/** Audit events at rest: append-only rows in hash chains, never holding a secret. */
import type { Db } from '../../storage/database.js';
import { newId } from '../../core/ids.js';
import { appendToChain } from './audit-chain.js';

export interface AuditEventInput {
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  readonly actorKeyId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly outcome: 'success' | 'denied';
  readonly status: number;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  /** Non-secret facts about the change (changed field names, new values that are not secrets). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** Appends the event to its chain: inside `db`'s transaction if it is one, else in its own. */
export async function insertAuditEvent(db: Db, event: AuditEventInput, at: number): Promise<string> {
  const id = newId('event', at);
  const append = (trx: Db) =>
    appendToChain(trx, {
      id,
      tenant_id: event.tenantId,
      environment_id: event.environmentId,
      actor_key_id: event.actorKeyId,
      action: event.action,
      target_type: event.targetType,
      target_id: event.targetId,
      outcome: event.outcome,
      status: event.status,
      request_id: event.requestId,
      source_ip: event.sourceIp,
      details: JSON.stringify(event.details),
      at,
    });
  if (db.isTransaction) await append(db);
  else await db.transaction().execute(append);
  return id;
}
