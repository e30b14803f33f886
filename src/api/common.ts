/** Schemas shared by every route: problem details, ids, pagination, metadata. */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { idPattern, type IdKind } from '../core/ids.js';

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    requestId: Type.String(),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export function IdSchema(kind: IdKind, description?: string) {
  return Type.String({ pattern: idPattern(kind), ...(description ? { description } : {}) });
}

export function IdParams(kind: IdKind) {
  return Type.Object({ id: IdSchema(kind) }, { additionalProperties: false });
}

export const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });

export const Timestamp = Type.String({ format: 'date-time' });

export const Metadata = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
  maxProperties: 50,
  description: 'Free-form JSON object, at most 50 properties and 4 KiB serialized',
});

export const MAX_METADATA_BYTES = 4096;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export type PageQueryType = { limit?: number; cursor?: string };

export const Name = Type.String({ minLength: 1, maxLength: 200 });

export const DayCount = Type.Integer({ minimum: 1, maximum: 36_500 });

export type ProblemBody = Static<typeof ProblemSchema>;
