/**
 * The `key.leaked` event (SPEC §4, events out), emitted in the revoking transaction so there is
 * no revocation without its event and no event without its revocation.
 *
 * NOT YET CONNECTED: the event outbox (issue 24 items 1-2) is being built alongside; until it
 * lands this records nothing beyond the audit event the caller writes. This is the one place the
 * emission goes, so connecting the outbox is a change here only.
 */
import type { UnitOfWork } from '../mutation.js';

export interface KeyLeakedEvent {
  readonly keyId: string;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  /** Where the scanner found it, as reported (a URL, never the secret). */
  readonly url: string | null;
  readonly source: string | null;
}

export async function emitKeyLeaked(_unit: UnitOfWork, _event: KeyLeakedEvent): Promise<void> {
  // Nothing yet: see the module comment.
}
