/**
 * Webhook keys (SPEC §4, seed 004's "List Webhook Keys"): signing secrets of inbound webhooks,
 * apart from API keys. The secret is answered once, at creation and at rotation; afterwards only
 * its hint. `POST …/{id}/verify` checks a received request's signature so platform code never
 * holds the secret.
 */
import { Type, type Static } from '@sinclair/typebox';
import { WEBHOOK_SCHEMES, VERIFY_REASONS } from '../core/webhook-schemes.js';
import { IdSchema, Name, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const WebhookScheme = Type.Union(
  WEBHOOK_SCHEMES.map((scheme) => Type.Literal(scheme)),
  {
    description:
      'slack: X-Slack-Signature v0 with a 5-minute window; github: X-Hub-Signature-256; standard: Standard Webhooks (whsec_ secrets)',
  },
);

/** A week, as for API keys (SPEC §4); a day when not given (see docs/webhook-keys.md). */
export const MAX_WEBHOOK_GRACE_SECONDS = 604_800;
export const DEFAULT_WEBHOOK_GRACE_SECONDS = 86_400;

/** A secret brought from the sender (Slack's signing secret, a GitHub webhook's secret, a whsec_ secret). */
const ImportedSecret = Type.String({
  minLength: 8,
  maxLength: 256,
  pattern: '^[\\x20-\\x7e]+$',
  description: "the sender's secret to import (printable ASCII, spaces included); omitted: Keyward generates one",
});

const GracePeriodSeconds = Type.Integer({
  minimum: 0,
  maximum: MAX_WEBHOOK_GRACE_SECONDS,
  description: `how long the previous secret keeps verifying (default ${DEFAULT_WEBHOOK_GRACE_SECONDS}: a day)`,
});

export const WebhookKey = Type.Object({
  id: IdSchema('webhookKey'),
  tenantId: IdSchema('tenant'),
  environmentId: IdSchema('environment'),
  webhookId: Nullable(IdSchema('resource', 'the webhook resource the key is bound to; null: none')),
  name: Type.String(),
  scheme: WebhookScheme,
  secretHint: Type.String({ description: 'the last 4 characters of the current secret' }),
  previousSecretValidUntil: Nullable(
    Timestamp,
    'while a rotation grace lasts: when the previous secret stops verifying',
  ),
  createdByKeyId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  rotatedAt: Nullable(Timestamp),
});

export const CreatedWebhookKey = Type.Intersect([
  WebhookKey,
  Type.Object({ secret: Type.String({ description: 'the secret, shown this once' }) }),
]);

export const CreateWebhookKeyBody = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    webhookId: Type.Optional(IdSchema('resource', 'a webhook resource of the same environment to bind the key to')),
    name: Name,
    scheme: WebhookScheme,
    secret: Type.Optional(ImportedSecret),
  },
  { additionalProperties: false },
);

export const RotateWebhookKeyBody = Type.Object(
  { gracePeriodSeconds: Type.Optional(GracePeriodSeconds), secret: Type.Optional(ImportedSecret) },
  { additionalProperties: false },
);

export const ListWebhookKeysQuery = Type.Object(
  {
    environmentId: Type.Optional(IdSchema('environment')),
    webhookId: Type.Optional(IdSchema('resource')),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const VerifyWebhookBody = Type.Object(
  {
    headers: Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 8192 }), {
      maxProperties: 100,
      description: 'the headers the request came with (names in any case)',
    }),
    body: Type.String({ description: 'the raw body exactly as received' }),
    bodyEncoding: Type.Optional(
      Type.Union([Type.Literal('utf8'), Type.Literal('base64')], {
        description: 'how `body` is written: utf8 (default) or base64 for bytes that are not text',
      }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookVerdict = Type.Object({
  valid: Type.Boolean(),
  reason: Type.Optional(
    Type.Union(
      VERIFY_REASONS.map((reason) => Type.Literal(reason)),
      { description: 'why it did not verify' },
    ),
  ),
  header: Type.Optional(
    Type.String({ description: 'the header a missing_header or malformed_header reason is about' }),
  ),
});

export const WebhookKeyPage = Page(WebhookKey);

export type WebhookKeyObject = Static<typeof WebhookKey>;
export type CreatedWebhookKeyObject = Static<typeof CreatedWebhookKey>;
export type CreateWebhookKeyInput = Static<typeof CreateWebhookKeyBody>;
export type RotateWebhookKeyInput = Static<typeof RotateWebhookKeyBody>;
export type ListWebhookKeysInput = Static<typeof ListWebhookKeysQuery>;
export type VerifyWebhookInput = Static<typeof VerifyWebhookBody>;
export type WebhookVerdictObject = Static<typeof WebhookVerdict>;
