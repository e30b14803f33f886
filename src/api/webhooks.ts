/**
 * Events out (SPEC §4): webhook endpoint and delivery schemas, and the event types. The signing
 * secret appears only in `EndpointWithSecret`, at creation and rotation, once.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Nullable, Page, PageQuery, Timestamp } from './common.js';
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types.js';

export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-event-types.js';

/** `webhook.test`: sent only by `POST …/{id}/test`, to the one endpoint, whatever it subscribes to. */
export const TEST_EVENT_TYPE = 'webhook.test';

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const EventType = Type.Union(
  WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)),
  { description: 'an event type' },
);

const endpointFields = {
  url: Type.String({
    minLength: 8,
    maxLength: 2000,
    format: 'uri',
    description: 'https (or http) URL; private, loopback and link-local targets are refused',
  }),
  description: Type.String({ maxLength: 500 }),
  events: Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true }),
  enabled: Type.Boolean(),
  environmentId: Nullable(IdSchema('environment'), 'only events of this environment; null: every environment'),
  expiringLeadDays: Type.Integer({
    minimum: 1,
    maximum: 365,
    description: '`key.expiring` fires this many days before a key expires (default 7)',
  }),
  creditsLowThreshold: Nullable(
    Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 }),
    '`key.credits_low` fires once each time a key’s credits fall below this; null: never',
  ),
};

export const WebhookEndpoint = Type.Object({
  id: IdSchema('webhookEndpoint'),
  tenantId: IdSchema('tenant'),
  ...endpointFields,
  /** Until when the previous secret still signs too (a rotation's overlap); null: no overlap now. */
  previousSecretValidUntil: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const EndpointWithSecret = Type.Composite([
  WebhookEndpoint,
  Type.Object({ secret: Type.String({ description: 'whsec_…: shown this once' }) }),
]);

export const CreateEndpointBody = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    url: endpointFields.url,
    events: endpointFields.events,
    description: Type.Optional(endpointFields.description),
    enabled: Type.Optional(endpointFields.enabled),
    environmentId: Type.Optional(endpointFields.environmentId),
    expiringLeadDays: Type.Optional(endpointFields.expiringLeadDays),
    creditsLowThreshold: Type.Optional(endpointFields.creditsLowThreshold),
  },
  { additionalProperties: false },
);

export const PatchEndpointBody = Type.Partial(Type.Omit(CreateEndpointBody, ['tenantId']), {
  additionalProperties: false,
  minProperties: 1,
});

export const RotateEndpointSecretBody = Type.Object(
  {
    gracePeriodSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 604_800,
        description: 'the old secret keeps signing (both signatures sent) this long; default 86 400',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ListEndpointsQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')), ...PageQuery },
  { additionalProperties: false },
);

export const EndpointPage = Page(WebhookEndpoint);

export const WebhookDelivery = Type.Object({
  id: IdSchema('webhookDelivery'),
  endpointId: IdSchema('webhookEndpoint'),
  messageId: Type.String({ description: 'the webhook-id header: the same on every attempt' }),
  type: Type.String(),
  keyId: Nullable(Type.String()),
  status: Type.Union(DELIVERY_STATUSES.map((status) => Type.Literal(status))),
  attempts: Type.Integer(),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  nextAttemptAt: Nullable(Timestamp),
  deliveredAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

export const ListDeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((status) => Type.Literal(status)))),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const DeliveryPage = Page(WebhookDelivery);

export const DeliveryParams = Type.Object(
  { id: IdSchema('webhookEndpoint'), deliveryId: IdSchema('webhookDelivery') },
  { additionalProperties: false },
);

export type WebhookEndpointObject = Static<typeof WebhookEndpoint>;
export type EndpointWithSecretObject = Static<typeof EndpointWithSecret>;
export type CreateEndpointInput = Static<typeof CreateEndpointBody>;
export type PatchEndpointInput = Static<typeof PatchEndpointBody>;
export type RotateEndpointSecretInput = Static<typeof RotateEndpointSecretBody>;
export type ListEndpointsInput = Static<typeof ListEndpointsQuery>;
export type WebhookDeliveryObject = Static<typeof WebhookDelivery>;
export type ListDeliveriesInput = Static<typeof ListDeliveriesQuery>;
