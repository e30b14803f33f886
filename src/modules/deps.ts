/** What every service needs, and who is calling. */
import type { KeyRecord } from '../core/key-record.js';
import type { AuthModel } from '../core/model/model.js';
import type { SecretBox } from '../core/secret-box.js';
import type { Actor, MutationDeps } from './mutation.js';
import type { Tiers } from './ratelimits/tiers.js';
import type { TargetRows } from './target-rows.js';
import type { PendingUsage } from '../storage/pending-usage.js';
import type { LeasedCredits } from '../storage/credit-lease-table.js';

export interface ServiceDeps extends MutationDeps {
  /** Server pepper: the HMAC key for keys at rest. */
  readonly pepper: Buffer;
  /** `KEYWARD_PEPPER_PREVIOUS`: keys not yet re-hashed since a pepper rotation hash under it (leaked-key lookups). */
  readonly previousPepper?: Buffer | undefined;
  /** The authorization model every grant and check is read through. */
  readonly model: AuthModel;
  /** Seals values kept encrypted at rest (`secret` resources), under a key derived from the pepper. */
  readonly secrets: SecretBox;
  /** `KEYWARD_AUDIT_MIN_RETENTION_DAYS`: the least `auditRetentionDays` a tenant may set (absent: 30). */
  readonly auditMinRetentionDays?: number;
  /** This node's key usage not yet flushed, merged into what is read; absent: storage only. */
  readonly usage?: PendingUsage;
  /** This node's leased credits not yet spent, added to the stored balance shown; absent: storage only. */
  readonly credits?: LeasedCredits;
  /** `KEYWARD_TIERS`: per tier, the defaults a tenant's new keys start with; absent: none. */
  readonly tiers?: Tiers;
}

export interface Caller {
  readonly key: KeyRecord;
  readonly actor: Actor;
  /**
   * The current-pepper hash of the secret the caller presented. A key rotating itself checks,
   * under the row's lock, that this is still the key's secret: another rotation may have landed
   * between authentication and the lock, and the key's row read in between shows only its result.
   */
  readonly presentedHash?: string;
  /** The rows of what the request names, as the auth hook read them (target-rows.ts); absent: none read. */
  readonly targets?: TargetRows;
  /** Set when the caller came with a session cookie (SSO) rather than a bearer key: the session's id. */
  readonly sessionId?: string;
}
