/**
 * Issue 26 item 1 for resources and the audit log: `GET /v1/resources?q=` finds a resource by the
 * start of its name or by its externalId, and `GET /v1/audit` narrows by actor, target and action
 * (and `q`, any of them), each from an index rather than by reading every row.
 *
 * Resource names match by prefix on `lower(name)`, as keys' do (0020-key-search): PostgreSQL
 * through `text_pattern_ops`, SQLite through a range on the same expression. The name index leads
 * with the name, not the tenant: a listing also shows other tenants' PUBLIC rows a key may discover.
 * An audit filter is answered newest first by (tenant, column, id), so a page of a busy tenant's
 * events by one actor is read from the index in order, without sorting the tenant's log.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';

const AUDIT_FILTERS = { actor_key_id: 'actor', target_id: 'target', action: 'action' } as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const lowered = isPostgres(db) ? sql.raw('lower(name) text_pattern_ops') : sql.raw('lower(name)');
  await db.schema.createIndex('resources_name').on('resources').expression(lowered).execute();
  // The unique (environment, type, externalId) index cannot answer an externalId alone.
  await db.schema.createIndex('resources_external_id').on('resources').column('external_id').execute();
  for (const [column, name] of Object.entries(AUDIT_FILTERS))
    await db.schema
      .createIndex(`audit_events_tenant_${name}`)
      .on('audit_events')
      .columns(['tenant_id', column, 'id'])
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of Object.values(AUDIT_FILTERS)) await db.schema.dropIndex(`audit_events_tenant_${name}`).execute();
  await db.schema.dropIndex('resources_external_id').execute();
  await db.schema.dropIndex('resources_name').execute();
}
