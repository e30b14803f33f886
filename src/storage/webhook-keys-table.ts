/** The `webhook_keys` table (migration 0017): inbound webhooks' signing secrets, sealed at rest. */

export interface WebhookKeysTable {
  id: string;
  tenant_id: string;
  environment_id: string;
  /** The `webhook` resource the key is bound to; null: bound to none. */
  webhook_id: string | null;
  name: string;
  /** `slack`, `github` or `standard` (core/webhook-signatures.ts). */
  scheme: string;
  /** The current secret, sealed (core/secret-box.ts) and bound to the key's id. */
  secret: string;
  /** The current secret's last characters, shown to tell secrets apart. */
  secret_hint: string;
  /** The secret before the last rotation, sealed likewise, while its grace lasts; null otherwise. */
  previous_secret: string | null;
  /** When the previous secret stops verifying (ms since the epoch). */
  previous_valid_until: number | null;
  created_by_key_id: string | null;
  created_at: number;
  updated_at: number;
  rotated_at: number | null;
}
