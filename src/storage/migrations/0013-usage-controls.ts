/**
 * Issue 17, usage controls: IP allowlists on keys and environments (a JSON list of CIDRs; null:
 * no list, every address is allowed).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'environments']) {
    await db.schema.alterTable(table).addColumn('ip_allowlist', 'text').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'environments']) {
    await db.schema.alterTable(table).dropColumn('ip_allowlist').execute();
  }
}
