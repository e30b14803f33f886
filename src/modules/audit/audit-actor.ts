/**
 * Who an audit event names as its actor. The root key is the instance operator's: what it does in
 * a tenant is recorded in the tenant's chain as the operator's, without the root key's id or the
 * operator's address (a tenant learns neither), and again in full in the instance chain, with
 * the key id, the address and the tenant it acted in (issue 21).
 */
import type { AuditEventObject } from '../../api/audit.js';
import type { AuditEventInput } from './audit.repository.js';

/** Stands in a tenant event's `actor_key_id` for the instance operator: no key id has this form. */
export const OPERATOR_ACTOR = 'operator';

/** The events that record `event`: itself, or two when the operator (root key) acted in a tenant. */
export function recordedAs(event: AuditEventInput, byOperator: boolean): AuditEventInput[] {
  if (!byOperator || event.tenantId === null) return [event];
  return [
    { ...event, actorKeyId: OPERATOR_ACTOR, sourceIp: null },
    { ...event, tenantId: null, details: { ...event.details, tenantId: event.tenantId } },
  ];
}

/** The actor as the API shows it. */
export function actorOf(actorKeyId: string | null): AuditEventObject['actor'] {
  if (actorKeyId === OPERATOR_ACTOR) return { type: 'operator' };
  return actorKeyId === null ? { type: 'none' } : { type: 'key', keyId: actorKeyId };
}
