/**
 * The webhook event types, alone in a file that imports nothing: the console imports this list
 * as a value, and `./common.js` would pull `core/ids.ts` and its `node:crypto` into the browser
 * build, which then fails.
 */
export const WEBHOOK_EVENT_TYPES = [
  'key.created',
  'key.updated',
  'key.rotated',
  'key.revoked',
  'key.expiring',
  'key.expired',
  'key.credits_low',
  'key.leaked',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
