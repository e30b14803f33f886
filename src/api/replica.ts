/**
 * The replica's wire (SPEC §4, replica; docs/replica.md): the query of `GET /v1/changes/stream`,
 * the events it sends, and the usage a replica reports with `POST /v1/replica/usage`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema } from './common.js';

export const ChangeStreamQuery = Type.Object(
  {
    environmentId: Type.Optional(
      IdSchema('environment', "the environment to stream: the caller key's own (the root key names one)"),
    ),
  },
  { additionalProperties: false },
);

/** The verdict codes a replica answers itself, and so reports usage of. */
export const REPLICATED_CODES = ['VALID', 'FORBIDDEN', 'REVOKED', 'DISABLED', 'EXPIRED'] as const;

export const ReplicaUsageBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          keyId: IdSchema('key'),
          code: Type.Unsafe<(typeof REPLICATED_CODES)[number]>({ type: 'string', enum: [...REPLICATED_CODES] }),
          count: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
          lastUsedAt: Type.String({ format: 'date-time' }),
          lastUsedIp: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f:.]{2,45}$' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000, description: 'verifies the replica answered itself since its last report, per key and code' },
    ),
  },
  { additionalProperties: false },
);

export const ReplicaUsage = Type.Object({
  accepted: Type.Integer({ description: 'verifies counted' }),
  ignored: Type.Integer({ description: "verifies of keys not of the caller's environment (or unknown): not counted" }),
});

export type ChangeStreamInput = Static<typeof ChangeStreamQuery>;
export type ReplicaUsageInput = Static<typeof ReplicaUsageBody>;
export type ReplicaUsageObject = Static<typeof ReplicaUsage>;

/**
 * What the stream says, one server-sent event each (`event:` name, `data:` JSON):
 * `ready` once subscribed (the environment streamed; `maxStalenessMs`, `heartbeatMs`: the node's bounds); `evict` with
 * `{keys: [keyId…]}`, `{resources: true}` (every verdict asked about a resource) or `{all: true}`;
 * `fresh` every heartbeat while the node is fresh, `{stalenessMs}` since it last confirmed it had
 * every change; `end` when the stream ends on purpose (its lifetime, a shutdown): reconnect.
 */
export type ChangeStreamEvent =
  | {
      readonly event: 'ready';
      readonly data: {
        readonly tenantId: string;
        readonly environmentId: string;
        readonly maxStalenessMs: number;
        readonly heartbeatMs: number;
      };
    }
  | {
      readonly event: 'evict';
      readonly data: { readonly keys: readonly string[] } | { readonly resources: true } | { readonly all: true };
    }
  | { readonly event: 'fresh'; readonly data: { readonly stalenessMs: number } }
  | { readonly event: 'end'; readonly data: Record<string, never> };
