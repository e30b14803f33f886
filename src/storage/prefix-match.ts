/**
 * "Starts with, in any case" as each database answers it from an expression index on
 * `lower(column)` (migration 0020-key-search): PostgreSQL through LIKE 'abc%' on a
 * `text_pattern_ops` index, SQLite through a range on the same expression.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './database.js';
import { isPostgres } from './dialect.js';

/** The highest code point: a prefix followed by it sorts after every text that starts with the prefix. */
const AFTER_EVERY_TEXT = '\u{10FFFF}';

/** `lower(column)` starts with `prefix`, in the form each database answers from its index. */
export function startsWith(db: Db, column: string, text: string): Expression<SqlBool> {
  const lowered = sql`lower(${sql.ref(column)})`;
  if (isPostgres(db)) {
    // text_pattern_ops turns LIKE 'abc%' into an index range; %, _ and \ in the text are literal.
    const pattern = `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return sql<SqlBool>`${lowered} like ${pattern}`;
  }
  // SQLite's lower() changes ASCII letters only: the text is lowered the same way to compare.
  const ascii = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return sql<SqlBool>`${lowered} >= ${ascii} and ${lowered} < ${ascii + AFTER_EVERY_TEXT}`;
}
