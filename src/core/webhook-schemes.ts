/**
 * The names of webhook signature schemes and of the reasons a signature does not verify: shared by
 * the signature checks (webhook-signatures.ts) and the API's schemas, so they import no crypto.
 */
export const WEBHOOK_SCHEMES = ['slack', 'github', 'standard'] as const;
export type WebhookScheme = (typeof WEBHOOK_SCHEMES)[number];

/** Why a signature did not verify; a caller acts on these, so they are stable strings. */
export const VERIFY_REASONS = ['missing_header', 'malformed_header', 'stale_timestamp', 'bad_signature'] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];
