/** What every service needs, and who is calling. */
import type { KeyRecord } from '../core/key-record.js';
import type { Actor, MutationDeps } from './mutation.js';

export interface ServiceDeps extends MutationDeps {
  /** Server pepper: the HMAC key for keys at rest. */
  readonly pepper: Buffer;
}

export interface Caller {
  readonly key: KeyRecord;
  readonly actor: Actor;
}
