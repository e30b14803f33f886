/** The query plan of a statement as each database explains it: is a search answered from an index? */
import { CompiledQuery } from 'kysely';
import type { Db } from '../../src/storage/database.js';
import { isPostgres } from '../../src/storage/dialect.js';

/** The plan, one line per step, from the database's own EXPLAIN. */
export async function planOf(db: Db, query: { compile(): CompiledQuery }): Promise<string> {
  const compiled = query.compile();
  if (!isPostgres(db)) {
    const plan = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    return plan.rows.map((row) => row.detail).join('\n');
  }
  // A table of a few rows is read whole whatever its indexes: with sequential scans priced out,
  // the plan shows whether an index can answer the statement at all (if none can, it still scans).
  return db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
    const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
    );
    return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}
