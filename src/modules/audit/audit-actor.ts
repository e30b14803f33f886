/**
 * Who an audit event names as its actor. The root key is the instance operator's: what it does in
 * a tenant is recorded in the tenant's chain as the operator's, without the root key's id or the
 * operator's address (a tenant learns neither), and again in full in the instance chain, with
 * the key id, the address and the tenant it acted in (issue 21).
 *
 * A request made through an SSO session names its person too (issue 25): their email, in the
 * event's details under `actorEmail` (inside the MAC), shown as the actor's `email`. An operator's
 * email, like the root key's id, stays in the instance chain.
 */
import type { AuditEventObject } from '../../api/audit.js';
import type { AuditEventInput } from './audit.repository.js';

/** Stands in a tenant event's `actor_key_id` for the instance operator: no key id has this form. */
export const OPERATOR_ACTOR = 'operator';

/** The details member that names the person of the session that acted. */
export const ACTOR_EMAIL = 'actorEmail';

function without(details: Readonly<Record<string, unknown>>, name: string): Record<string, unknown> {
  const { [name]: _dropped, ...rest } = details;
  return rest;
}

/** The events that record `event`: itself, or two when the operator (root key) acted in a tenant. */
export function recordedAs(event: AuditEventInput, byOperator: boolean): AuditEventInput[] {
  if (!byOperator || event.tenantId === null) return [event];
  return [
    { ...event, actorKeyId: OPERATOR_ACTOR, sourceIp: null, details: without(event.details, ACTOR_EMAIL) },
    { ...event, tenantId: null, details: { ...event.details, tenantId: event.tenantId } },
  ];
}

/** The actor as the API shows it. */
export function actorOf(
  actorKeyId: string | null,
  details: Readonly<Record<string, unknown>> = {},
): AuditEventObject['actor'] {
  const email = typeof details[ACTOR_EMAIL] === 'string' ? { email: details[ACTOR_EMAIL] } : {};
  if (actorKeyId === OPERATOR_ACTOR) return { type: 'operator' };
  return actorKeyId === null ? { type: 'none' } : { type: 'key', keyId: actorKeyId, ...email };
}
