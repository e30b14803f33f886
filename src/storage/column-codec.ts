/**
 * Columns to domain values and back, in one place: flags are 0/1 integers and structured values
 * JSON text on both databases (database.ts), and services see booleans, lists and objects. A
 * stored value that is not what its column holds fails loudly, naming the column (never the
 * value, which may be a tenant's metadata), rather than being cast and misread further on.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CorruptColumnError } from './corrupt-column.js';

// The codec's error lives apart (corrupt-column.ts), so a caller telling it apart imports no decoding.
export { CorruptColumnError, readingRow } from './corrupt-column.js';

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

/** One column's stored form and domain value, both ways. */
export interface ColumnCodec<Stored, Value> {
  decode(stored: Stored, column: string): Value;
  encode(value: Value): Stored;
}

/** A 0/1 flag column. */
export const flag: ColumnCodec<number, boolean> = { decode: decodeFlag, encode: encodeFlag };
/** A 0/1 flag column that may be null (inherited). */
export const optionalFlag: ColumnCodec<number | null, boolean | null> = {
  decode: decodeOptionalFlag,
  encode: encodeOptionalFlag,
};

export interface JsonColumn<T> {
  /** The stored text as a checked value; throws CorruptColumnError naming `column` when it does not parse or check. */
  decode(text: string, column: string): T;
  /** The same for a column that may be null (null: absent). */
  decodeNullable(text: string | null, column: string): T | null;
  encode(value: T | Readonly<T>): string;
  /** This column's codec, for a table's (`tableColumns`). */
  readonly column: ColumnCodec<string, T>;
  /** The codec of a column of the same values that may be null. */
  readonly nullable: ColumnCodec<string | null, T | null>;
}

/** A JSON column holding values of `schema` (checked by a compiled TypeBox check). */
function jsonColumn<S extends TSchema>(schema: S): JsonColumn<Static<S>> {
  const check = TypeCompiler.Compile(schema);
  const decode = (text: string, column: string): Static<S> => {
    let value: unknown;
    // The empty list and object, what most rows hold, need no parse: a fresh one each, as a parse gives.
    if (text === '[]') value = [];
    else if (text === '{}') value = {};
    else
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
  const decodeNullable = (text: string | null, column: string) => (text === null ? null : decode(text, column));
  const encode = (value: Static<S> | Readonly<Static<S>>) => JSON.stringify(value);
  return {
    decode,
    decodeNullable,
    encode,
    column: { decode, encode },
    nullable: { decode: decodeNullable, encode: (value) => (value === null ? null : encode(value)) },
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

/** A table's coded columns, each with its codec; the other columns pass as they are stored. */
// `unknown` holds any codec of the column's stored type: ColumnCodec's methods are compared bivariantly.
type ColumnSpec<Row> = { readonly [K in keyof Row]?: ColumnCodec<Row[K], unknown> };

/** A row with its coded columns as domain values. */
export type Decoded<Row, Spec extends ColumnSpec<Row>> = {
  [K in keyof Row]: Spec[K] extends ColumnCodec<Row[K], infer Value> ? Value : Row[K];
};

/** A stored row of a table and its domain form, both ways, through the codecs of its coded columns. */
export interface TableColumns<Row, Spec extends ColumnSpec<Row>> {
  /** The row as services see it; throws CorruptColumnError naming `table.column` for a value its column cannot hold. */
  decode(row: Row): Decoded<Row, Spec>;
  /** The same for a read that may find nothing. */
  decodeFound(row: Row | undefined): Decoded<Row, Spec> | undefined;
  /** Domain values (any subset of the columns, as an insert or a patch) as they are stored. */
  encode<P extends Partial<Decoded<Row, Spec>>>(values: P): { [K in keyof P]: K extends keyof Row ? Row[K] : never };
}

/**
 * `table`'s column codecs: a repository decodes what it reads and encodes what it writes here, so
 * services see booleans, lists and checked objects and never a column's stored form. Curried so
 * the row type is named and the spec's codecs are inferred.
 */
export function tableColumns<Row>(table: string) {
  return <Spec extends ColumnSpec<Row>>(spec: Spec): TableColumns<Row, Spec> => {
    const coded = Object.entries(spec) as [string, ColumnCodec<unknown, unknown>][];
    // Each column's name as a fault names it, made once: the verify miss decodes a key row each time.
    const labelled = coded.map(([name, codec]) => ({ name, codec, label: `${table}.${name}` }));
    const decode = (row: Row): Decoded<Row, Spec> => {
      const out = { ...row } as Record<string, unknown>;
      for (const { name, codec, label } of labelled) out[name] = codec.decode(out[name], label);
      return out as Decoded<Row, Spec>;
    };
    return {
      decode,
      decodeFound: (row) => (row === undefined ? undefined : decode(row)),
      encode(values) {
        const out: Record<string, unknown> = { ...values };
        for (const [name, codec] of coded) if (out[name] !== undefined) out[name] = codec.encode(out[name]);
        return out as never;
      },
    };
  };
}
