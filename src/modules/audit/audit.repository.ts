/** Audit events at rest: append-only rows, never holding a secret. */
import type { Db } from '../../storage/database.js';
import { newId } from '../../core/ids.js';

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

export async function insertAuditEvent(db: Db, event: AuditEventInput, at: number): Promise<string> {
  const id = newId('event', at);
  await db
    .insertInto('audit_events')
    .values({
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
    })
    .execute();
  return id;
}
