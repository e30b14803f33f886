/** Key usage (SPEC §4): verify counts per UTC day and verdict code, and the key's last use. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Nullable, Timestamp } from './common.js';

/** A UTC calendar day, YYYY-MM-DD. */
function Day(description?: string) {
  return Type.String({
    format: 'date',
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
    examples: ['2026-03-01'],
    ...(description ? { description } : {}),
  });
}

export const KeyUsageQuery = Type.Object(
  {
    from: Type.Optional(Day('first UTC day, inclusive (default: 29 days before `to`: 30 days in all)')),
    to: Type.Optional(Day('last UTC day, inclusive (default: today)')),
  },
  { additionalProperties: false },
);

export const UsageDay = Type.Object({
  day: Day('UTC'),
  count: Type.Integer({ description: 'verifies of the key that day, every verdict' }),
  byCode: Type.Record(Type.String(), Type.Integer(), {
    description: 'the same count by verdict code: VALID, FORBIDDEN, EXPIRED, REVOKED, DISABLED',
  }),
});

export const KeyUsage = Type.Object({
  keyId: IdSchema('key'),
  total: Type.Integer({ description: 'verifies over the days asked' }),
  days: Type.Array(UsageDay, { description: 'ascending; only days with at least one verify' }),
  lastUsedAt: Nullable(Timestamp),
  lastUsedIp: Nullable(Type.String({ description: "verify's clientIp, or the address the verify came from" })),
});

export type KeyUsageInput = Static<typeof KeyUsageQuery>;
export type UsageDayObject = Static<typeof UsageDay>;
export type KeyUsageObject = Static<typeof KeyUsage>;
