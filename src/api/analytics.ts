/**
 * `GET /v1/analytics/verifications` (SPEC §5): verifications over time for dashboards, counted by
 * the batched usage recorder, grouped by verdict code, key or verify tag (issue 29).
 */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Timestamp } from './common.js';

export const Granularity = Type.Union([Type.Literal('hour'), Type.Literal('day')], {
  description: 'hourly buckets are kept KEYWARD_ANALYTICS_HOURLY_RETENTION_DAYS (90 by default); daily ones are kept',
});
export const GroupBy = Type.Union([Type.Literal('code'), Type.Literal('key'), Type.Literal('tag')]);

const Instant = (description: string) =>
  Type.String({
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))?$',
    maxLength: 40,
    description,
    examples: ['2026-03-01', '2026-03-01T12:00:00Z'],
  });

export const VerificationsQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant')),
    environmentId: Type.Optional(IdSchema('environment')),
    keyId: Type.Optional(IdSchema('key')),
    from: Type.Optional(
      Instant('start, inclusive, rounded down to the granularity (default: 7 days before `to` by hour, 30 by day)'),
    ),
    to: Type.Optional(Instant('end, exclusive, rounded up to the granularity (default: now)')),
    granularity: Type.Optional(Granularity),
    groupBy: Type.Optional(GroupBy),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description: 'by key: how many of the busiest keys over the range to answer (default 10)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const VerificationBucket = Type.Object({
  time: Timestamp,
  group: Type.String({ description: 'the verdict code, the key id, or the tag (k=v)' }),
  count: Type.Integer(),
});

export const Verifications = Type.Object({
  granularity: Granularity,
  groupBy: GroupBy,
  from: Timestamp,
  to: Timestamp,
  total: Type.Integer({
    description: 'the buckets’ sum (by tag: tag counts, a verify with two tags counted under each)',
  }),
  buckets: Type.Array(VerificationBucket, {
    description: 'by time, then group; only buckets with a count; by key, only the `limit` busiest keys',
  }),
});

export type VerificationsInput = Static<typeof VerificationsQuery>;
export type VerificationsObject = Static<typeof Verifications>;
