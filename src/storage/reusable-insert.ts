/**
 * Multi-row inserts compiled once per row count and reused, only their parameters bound anew
 * (issue 27). A usage flush writes tens of thousands of rows in upserts of up to 500 rows; built
 * through Kysely's query builder each time, parsing the rows into operation nodes and compiling
 * them cost the node more CPU than the database took to run them. Here an insert is built once
 * with stand-in values, per dialect and row count, and each later call binds its rows' values
 * into the parameter slots the stand-ins took. Row counts are kept to a few (the full chunk, then
 * powers of two for the rest), so a handful of statements serve every batch and SQLite's
 * prepared-statement cache (open-sqlite.ts) keeps them all.
 */
import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './database.js';

/** Where a compiled parameter comes from: a row's column, or a value the builder wrote itself. */
type Slot = { readonly row: number; readonly column: number } | { readonly value: unknown };

interface Shape {
  readonly compiled: CompiledQuery;
  readonly slots: readonly Slot[];
}

/** Writes `rows` in as few statements as the chunk size allows, in their order. */
export type ReusableInsert<Row> = (db: Db, rows: readonly Row[]) => Promise<void>;

/** A stand-in no real value equals: row and column of the slot it marks. */
const standIn = (row: number, column: number): string => `\u0000${row}\u0000${column}`;

/**
 * `build` makes the statement for `rows` (rows of stand-ins, one property per column of
 * `columns`); it is called once per dialect and row count. `chunk`: most rows per statement.
 */
export function reusableInsert<Row>(
  columns: readonly (keyof Row & string)[],
  chunk: number,
  build: (db: Db, rows: Row[]) => Compilable<unknown>,
): ReusableInsert<Row> {
  // Keyed by the dialect adapter: one per database opened, shared by its transactions (as audit-mac.ts does).
  const shapesByDatabase = new WeakMap<object, Map<number, Shape>>();

  function shapeOf(db: Db, count: number): Shape {
    const adapter = db.getExecutor().adapter;
    let shapes = shapesByDatabase.get(adapter);
    if (shapes === undefined) {
      shapes = new Map();
      shapesByDatabase.set(adapter, shapes);
    }
    let shape = shapes.get(count);
    if (shape !== undefined) return shape;
    const rows = Array.from({ length: count }, (_, row) =>
      Object.fromEntries(columns.map((name, column) => [name, standIn(row, column)])),
    );
    // Stand-ins in every column: the statement's shape does not depend on the values.
    const compiled = build(db, rows as Row[]).compile();
    const positions = new Map<unknown, Slot>();
    for (let row = 0; row < count; row++)
      for (let column = 0; column < columns.length; column++) positions.set(standIn(row, column), { row, column });
    shape = { compiled, slots: compiled.parameters.map((value) => positions.get(value) ?? { value }) };
    shapes.set(count, shape);
    return shape;
  }

  async function write(db: Db, rows: readonly Row[], from: number, count: number): Promise<void> {
    const { compiled, slots } = shapeOf(db, count);
    const parameters = new Array<unknown>(slots.length);
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index] as Slot;
      parameters[index] =
        'value' in slot ? slot.value : (rows[from + slot.row] as Row)[columns[slot.column] as keyof Row & string];
    }
    await db.executeQuery({ ...compiled, parameters });
  }

  return async (db, rows) => {
    let from = 0;
    for (; rows.length - from >= chunk; from += chunk) await write(db, rows, from, chunk);
    // The rest in statements of 2^n rows, largest first: at most log2(chunk) of them, of a few fixed shapes.
    for (let size = 2 ** Math.floor(Math.log2(chunk)); from < rows.length; size /= 2)
      if (rows.length - from >= size) {
        await write(db, rows, from, size);
        from += size;
      }
  };
}
