/**
 * The `key.leaked` event (SPEC §4, events out), put in the outbox by the revoking transaction, so
 * there is no revocation without its event and no event without its revocation. It follows the
 * `key.revoked` the revocation's own audit record emits (modules/webhooks/key-events.ts), so an
 * endpoint hears of a leaked key in that order. Never the token: where it was found, and the key.
 */
import type { UnitOfWork } from '../mutation.js';
import { emitEvent } from '../webhooks/outbox.js';

export interface KeyLeakedEvent {
  readonly keyId: string;
  readonly tenantId: string;
  readonly environmentId: string | null;
  /** Where the scanner found it, as reported (a URL, never the secret). */
  readonly url: string | null;
  readonly source: string | null;
  /** The secret type the scanner matched. */
  readonly type: string;
}

export async function emitKeyLeaked(unit: UnitOfWork, event: KeyLeakedEvent): Promise<void> {
  await emitEvent(
    unit.trx,
    {
      tenantId: event.tenantId,
      environmentId: event.environmentId,
      type: 'key.leaked',
      keyId: event.keyId,
      data: {
        keyId: event.keyId,
        tenantId: event.tenantId,
        environmentId: event.environmentId,
        url: event.url,
        source: event.source,
        secretType: event.type,
      },
    },
    unit.now,
  );
}
