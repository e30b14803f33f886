/** The audit log: filtered, cursor-paged reads, and the MAC chains' check. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Nullable, Page, PageQuery, Timestamp } from './common.js';

export const AuditEvent = Type.Object({
  id: IdSchema('event'),
  tenantId: Nullable(IdSchema('tenant')),
  environmentId: Nullable(Type.String()),
  actorKeyId: Nullable(
    Type.String({
      description: "the acting key; null for the instance operator in a tenant's log, and where no key acted",
    }),
  ),
  actor: Type.Union(
    [
      Type.Object({
        type: Type.Literal('key'),
        keyId: Type.String(),
        email: Type.Optional(
          Type.String({ description: 'the person whose SSO session acted with the key (an operator: the root key)' }),
        ),
      }),
      Type.Object(
        { type: Type.Literal('operator') },
        {
          description:
            "the instance operator (the root key): its key id and address are in the instance chain's record only",
        },
      ),
      Type.Object(
        { type: Type.Literal('none') },
        { description: 'no key: a start-up, a CLI command, a refusal of a request without a valid key' },
      ),
    ],
    { description: 'who acted' },
  ),
  actorName: Type.Optional(Type.String({ description: "the acting key's name, while the key is there to name" })),
  action: Type.String(),
  target: Nullable(Type.Object({ type: Nullable(Type.String()), id: Nullable(Type.String()) })),
  targetName: Type.Optional(Type.String({ description: "the target's name, while it is there to name" })),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('denied')]),
  status: Type.Integer(),
  requestId: Nullable(Type.String()),
  sourceIp: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  at: Timestamp,
  chain: Type.Object({ id: Type.String(), seq: Type.Integer(), prevHash: Type.String(), hash: Type.String() }),
});

export const ListAuditQuery = Type.Object(
  {
    tenantId: Type.Optional(IdSchema('tenant', 'root only: one tenant; without it, every tenant and the instance')),
    actorKeyId: Type.Optional(IdSchema('key')),
    targetId: Type.Optional(Type.String({ maxLength: 64 })),
    action: Type.Optional(Type.String({ maxLength: 64 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('denied')])),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'an id (the acting key or the target) or an action name, matched exactly',
      }),
    ),
    order: Type.Optional(
      Type.Union([Type.Literal('asc'), Type.Literal('desc')], {
        description: 'asc (default): oldest first; desc: newest first',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** The audit view's filters (no paging: every matching event) and the file's format. */
export const ExportAuditQuery = Type.Composite(
  [
    Type.Omit(ListAuditQuery, ['limit', 'cursor']),
    Type.Object({
      format: Type.Optional(
        Type.Union([Type.Literal('csv'), Type.Literal('json')], {
          default: 'csv',
          description: 'csv (default) or json',
        }),
      ),
    }),
  ],
  { additionalProperties: false },
);

export const VerifyAuditQuery = Type.Object(
  { tenantId: Type.Optional(IdSchema('tenant')) },
  { additionalProperties: false },
);

export const AuditCheck = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer({ description: 'events walked' }),
  firstBadEventId: Type.Optional(
    Type.String({
      description: 'the first event out of place; for a deleted last event, its id as the head remembers it',
    }),
  ),
});

export const AuditPage = Page(AuditEvent);

export type AuditEventObject = Static<typeof AuditEvent>;
export type ListAuditInput = Static<typeof ListAuditQuery>;
export type ExportAuditInput = Static<typeof ExportAuditQuery>;
export type AuditCheckObject = Static<typeof AuditCheck>;
