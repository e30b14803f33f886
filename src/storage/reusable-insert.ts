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
import type { Compilable } from 'kysely';
import type { Db } from './database.js';
import { compiledOnce } from './reusable-query.js';

/** Writes `rows` in as few statements as the chunk size allows, in their order. */
export type ReusableInsert<Row> = (db: Db, rows: readonly Row[]) => Promise<void>;

/**
 * `build` makes the statement for `rows` (rows of stand-ins, one property per column of
 * `columns`); it is called once per dialect and row count. `chunk`: most rows per statement.
 */
export function reusableInsert<Row>(
  columns: readonly (keyof Row & string)[],
  chunk: number,
  build: (db: Db, rows: Row[]) => Compilable<unknown>,
): ReusableInsert<Row> {
  const width = columns.length;
  // The stand-in of row r, column c is the (r × width + c)th.
  const run = compiledOnce((db, standIns) =>
    build(
      db,
      Array.from(
        { length: standIns.length / width },
        (_, row) => Object.fromEntries(columns.map((name, column) => [name, standIns[row * width + column]])) as Row,
      ),
    ),
  );

  const write = async (db: Db, rows: readonly Row[], from: number, count: number): Promise<void> => {
    await run(db, count * width, (index) => {
      const row = rows[from + Math.floor(index / width)] as Row;
      return row[columns[index % width] as keyof Row & string];
    });
  };

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
