/**
 * Every committed change to a key is an event out: `mutate()` hands each change it records here,
 * inside its transaction, so `key.created`, `key.updated`, `key.rotated` and `key.revoked` reach
 * the outbox exactly when the change commits, whichever service made it (a user's deletion revokes
 * its keys too). The payload's data is the audit event's details, which never hold a secret.
 */
import type { WebhookEventType } from '../../api/webhooks.js';
import type { Db } from '../../storage/database.js';
import { emitEvent } from './outbox.js';

/** What of a change `mutate()` records this reads (its ChangeRecord, named here without importing it back). */
export interface RecordedChange {
  readonly action: string;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  readonly target: { readonly type: string; readonly id: string };
  readonly details?: Readonly<Record<string, unknown>>;
}

const KEY_EVENTS: Readonly<Record<string, WebhookEventType>> = {
  'key.create': 'key.created',
  // An existing key adopted by its hash (issue 29) is created here, as far as endpoints can tell.
  'key.import': 'key.created',
  // A PATCH records what it did (key-change-events.ts); endpoints hear each as `key.updated`.
  // `key.update` itself is in stored logs of older versions only.
  'key.update': 'key.updated',
  'key.renamed': 'key.updated',
  'key.metadata_changed': 'key.updated',
  'key.disabled': 'key.updated',
  'key.enabled': 'key.updated',
  'key.grants_changed': 'key.updated',
  'key.usage_changed': 'key.updated',
  'key.ip_allowlist_changed': 'key.updated',
  'key.rotate': 'key.rotated',
  'key.revoke': 'key.revoked',
};

/** Emits the key event a recorded change is, if it is one; the root key (no tenant) has no endpoints. */
export async function emitKeyChange(trx: Db, change: RecordedChange, now: number): Promise<void> {
  if (change.target.type !== 'key' || change.tenantId === null) return;
  const type = KEY_EVENTS[change.action];
  if (type === undefined) return;
  await emitEvent(
    trx,
    {
      tenantId: change.tenantId,
      environmentId: change.environmentId,
      type,
      keyId: change.target.id,
      data: {
        ...change.details,
        keyId: change.target.id,
        tenantId: change.tenantId,
        environmentId: change.environmentId,
      },
    },
    now,
  );
}
