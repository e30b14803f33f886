/**
 * Issue 27 item 3, the replica's stream isolation: a change-log row says the environment of what
 * changed (a key's, an environment's own id), so a node tells a change of a key only to the replicas
 * of that key's environment (verify/change-hub.ts). Rows written before, or by a node that does not
 * know the column yet, have none: those reach every replica of their tenant as "drop everything",
 * never by the key's id.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('change_log').addColumn('environment_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('change_log').dropColumn('environment_id').execute();
}
