/**
 * Issue 17, usage controls: IP allowlists on keys and environments (a JSON list of CIDRs; null:
 * no list, every address is allowed); usage credits on keys, refilled per day or month in the
 * tenant's time zone (`credits_period`: the period the balance belongs to, so a refill happens once
 * across nodes).
 */
import type { Kysely } from 'kysely';

const CREDIT_COLUMNS = [
  ['credits_remaining', 'bigint'],
  ['credits_refill_amount', 'bigint'],
  ['credits_refill_interval', 'text'],
  ['credits_period', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['api_keys', 'environments']) {
    await db.schema.alterTable(table).addColumn('ip_allowlist', 'text').execute();
  }
  for (const [column, type] of CREDIT_COLUMNS) await db.schema.alterTable('api_keys').addColumn(column, type).execute();
  await db.schema.alterTable('tenants').addColumn('time_zone', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('time_zone').execute();
  for (const [column] of CREDIT_COLUMNS) await db.schema.alterTable('api_keys').dropColumn(column).execute();
  for (const table of ['api_keys', 'environments']) {
    await db.schema.alterTable(table).dropColumn('ip_allowlist').execute();
  }
}
