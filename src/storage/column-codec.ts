/**
 * Columns to domain values and back, in one place: flags are 0/1 integers and structured values
 * JSON text on both databases (database.ts), and services see booleans, lists and objects. A
 * stored value that is not what its column holds fails loudly, naming the column (never the
 * value, which may be a tenant's metadata), rather than being cast and misread further on.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** A stored value its column cannot hold: a bug or a hand-edited row, never a user's input. */
export class CorruptColumnError extends Error {
  override readonly name = 'CorruptColumnError';
  constructor(
    readonly column: string,
    readonly reason: string,
    /** The id of the object being read when it failed (`readingRow`), so a log can say which row to repair. */
    readonly rowId: string | null = null,
  ) {
    super(`stored ${column} is not readable: ${reason}`);
  }
}

/** Runs `read` over the object `rowId`: a column it cannot read is said with that id. */
export function readingRow<T>(rowId: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CorruptColumnError && error.rowId === null)
      throw new CorruptColumnError(error.column, error.reason, rowId);
    throw error;
  }
}

export function decodeFlag(value: number, column: string): boolean {
  if (value === 0 || value === 1) return value === 1;
  throw new CorruptColumnError(column, 'a flag is 0 or 1');
}

export function encodeFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** A flag that may be unset (null: inherited). */
export function decodeOptionalFlag(value: number | null, column: string): boolean | null {
  return value === null ? null : decodeFlag(value, column);
}

export function encodeOptionalFlag(value: boolean | null): 0 | 1 | null {
  return value === null ? null : encodeFlag(value);
}

export interface JsonColumn<T> {
  /** The stored text as a checked value; throws CorruptColumnError naming `column` when it does not parse or check. */
  decode(text: string, column: string): T;
  /** The same for a column that may be null (null: absent). */
  decodeNullable(text: string | null, column: string): T | null;
  encode(value: T | Readonly<T>): string;
}

/** A JSON column holding values of `schema` (checked by a compiled TypeBox check). */
function jsonColumn<S extends TSchema>(schema: S): JsonColumn<Static<S>> {
  const check = TypeCompiler.Compile(schema);
  const decode = (text: string, column: string): Static<S> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new CorruptColumnError(column, 'not JSON');
    }
    if (check.Check(value)) return value;
    const first = check.Errors(value).First();
    throw new CorruptColumnError(
      column,
      first === undefined ? 'not of its shape' : `${first.path || '/'}: ${first.message}`,
    );
  };
  return {
    decode,
    decodeNullable: (text, column) => (text === null ? null : decode(text, column)),
    encode: (value) => JSON.stringify(value),
  };
}

// The shapes the JSON columns hold, as written since their migrations; no stricter, so every stored row still reads.
/** permissions, scopes, group ids, IP allowlists. */
export const stringList = jsonColumn(Type.Array(Type.String()));
/** A key's or policy's levels: permission group to level. */
export const stringMap = jsonColumn(Type.Record(Type.String(), Type.String()));
/** Metadata and audit details: any object. */
export const jsonObject = jsonColumn(Type.Record(Type.String(), Type.Unknown()));
/** A key's or policy's rate limits. */
export const rateLimitList = jsonColumn(
  Type.Array(Type.Object({ name: Type.String(), limit: Type.Number(), durationMs: Type.Number() })),
);
