/**
 * Every cell a Keyward instance has stored, as text, for the tests that search storage for a
 * secret: each table of its database (on PostgreSQL, of its own schema alone), every row.
 */
import { sql } from 'kysely';
import type { TestKeyward } from './keyward.js';

function cellText(value: unknown): string {
  return Buffer.isBuffer(value) || value instanceof Uint8Array
    ? Buffer.from(value).toString('latin1')
    : typeof value === 'string'
      ? value
      : (JSON.stringify(value) ?? '');
}

/**
 * The instance's tables. On PostgreSQL they are listed from information_schema for its schema:
 * Kysely's introspection reads the columns of every schema in the database, and another suite
 * migrating its own schema meanwhile made that read fail (a column dropped under it).
 */
export async function storedTables(kw: TestKeyward): Promise<string[]> {
  const db = kw.keyward.storage.db;
  const schema = kw.database.schema;
  if (schema === undefined) return (await db.introspection.getTables()).map((table) => table.name);
  const listed = await sql<{ name: string }>`select table_name as name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE'`.execute(db);
  return listed.rows.map((row) => row.name);
}

/** One line per row, its cells joined by NUL. */
export async function storedCells(kw: TestKeyward, tables: readonly string[]): Promise<string> {
  let cells = '';
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(kw.keyward.storage.db);
    for (const row of rows.rows) cells += Object.values(row).map(cellText).join('\u0000') + '\n';
  }
  return cells;
}
