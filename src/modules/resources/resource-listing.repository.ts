/**
 * The candidate rows of a resource listing (SPEC §5: "list = what the key may discover"), as one
 * indexed query whose cost follows what the key can reach, never what other tenants own. Inside
 * its environment every row is a candidate (the check decides); elsewhere only rows the key could
 * discover are: TENANT rows of its tenant and PUBLIC ones, of a type it discovers type-wide, named
 * by a scope, or held in a role, and their descendants down a path of such visible rows (SPEC §3
 * step 5: nothing reaches through a row the key may not reach).
 */
import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database, Db } from '../../storage/database.js';
import { decodeResource, type ResourceRow } from './resources.repository.js';

/** What a key could discover outside its environment, from its compiled grants. */
export interface ListingReach {
  readonly environmentId: string;
  readonly tenantId: string;
  /** Types it discovers type-wide; null: every type. */
  readonly discoverTypes: readonly string[] | null;
  /** Resources a scope lets it discover (with their descendants). */
  readonly resourceIds: readonly string[];
  /** The key and its groups: the roles they hold on resources. */
  readonly principals: readonly string[];
}

/** Null reach: no restriction (the root key). */
export interface ListingFilter {
  readonly reach: ListingReach | null;
  readonly type?: string | undefined;
  readonly parentId?: string | undefined;
  readonly environmentId?: string | undefined;
  /** One way a search matches (resource-search.ts), already an indexed condition. */
  readonly match?: ((eb: ExpressionBuilder<Database, 'resources'>) => Expression<SqlBool>) | undefined;
  readonly afterId: string | null;
  readonly limit: number;
}

/**
 * Visible from elsewhere, written so no index can serve it: a descendant is found through its
 * parent (resources_parent_id), never by scanning every PUBLIC row of every tenant.
 */
function visibleElsewhereUnindexed(reach: ListingReach) {
  return sql<number>`case when ${sql.ref('resources.visibility')} = 'PUBLIC' then 1 when ${sql.ref('resources.visibility')} = 'TENANT' and ${sql.ref('resources.tenant_id')} = ${reach.tenantId} then 1 else 0 end`;
}

/**
 * Ids of rows outside the key's environment it could discover, each source an indexed lookup
 * bounded by the key's grants: rows of the types it discovers, the rows its scopes and roles
 * name (any visibility: the check decides; they are the key's own), and their visible descendants.
 */
function reachedElsewhere(db: Db, reach: ListingReach) {
  return (
    db
      // Both declared recursive: PostgreSQL reads RECURSIVE from the first WITH item only.
      .withRecursive('seeds', (qb) => {
        const outside = (query: SelectQueryBuilder<Database, 'resources', { id: string }>) => {
          const elsewhere = query.where('resources.environment_id', '<>', reach.environmentId);
          return reach.discoverTypes === null
            ? elsewhere
            : elsewhere.where('resources.type', 'in', [...reach.discoverTypes]);
        };
        let seeds = qb
          .selectFrom('resource_roles')
          .select('resource_roles.resource_id as id')
          .where('resource_roles.principal_id', 'in', [...reach.principals]);
        if (reach.resourceIds.length > 0)
          seeds = seeds.union(
            qb
              .selectFrom('resources')
              .select('resources.id')
              .where('resources.id', 'in', [...reach.resourceIds]),
          );
        if (reach.discoverTypes === null || reach.discoverTypes.length > 0) {
          seeds = seeds
            .union(
              outside(qb.selectFrom('resources').select('resources.id').where('resources.visibility', '=', 'PUBLIC')),
            )
            .union(
              outside(
                qb
                  .selectFrom('resources')
                  .select('resources.id')
                  .where('resources.tenant_id', '=', reach.tenantId)
                  .where('resources.visibility', '=', 'TENANT'),
              ),
            );
        }
        return seeds;
      })
      .withRecursive('reached(id)', (qb) =>
        qb
          .selectFrom('seeds')
          .select('seeds.id')
          .union((eb) =>
            eb
              // CROSS JOIN keeps SQLite's loop order: each reached row, then its children by index.
              .selectFrom('reached')
              .crossJoin('resources')
              .select('resources.id')
              .whereRef('resources.parent_id', '=', 'reached.id')
              .where('resources.environment_id', '<>', reach.environmentId)
              .where(visibleElsewhereUnindexed(reach), '=', 1),
          ),
      )
  );
}

export function listingQuery(db: Db, filter: ListingFilter) {
  const reach = filter.reach;
  const narrowed = (eb: ExpressionBuilder<Database, 'resources'>) => {
    const conditions = [];
    if (filter.type !== undefined) conditions.push(eb('resources.type', '=', filter.type));
    if (filter.parentId !== undefined) conditions.push(eb('resources.parent_id', '=', filter.parentId));
    if (filter.environmentId !== undefined) conditions.push(eb('resources.environment_id', '=', filter.environmentId));
    if (filter.afterId !== null) conditions.push(eb('resources.id', '>', filter.afterId));
    if (filter.match !== undefined) conditions.push(filter.match(eb));
    return eb.and(conditions);
  };
  if (reach === null)
    return db
      .selectFrom('resources')
      .selectAll('resources')
      .where(narrowed)
      .orderBy('resources.id')
      .limit(filter.limit);
  return reachedElsewhere(db, reach)
    .selectFrom('resources')
    .selectAll('resources')
    .where(narrowed)
    .where((eb) =>
      eb.or([
        eb('resources.environment_id', '=', reach.environmentId),
        eb('resources.id', 'in', eb.selectFrom('reached').select('reached.id')),
      ]),
    )
    .orderBy('resources.id')
    .limit(filter.limit);
}

export async function listingCandidates(db: Db, filter: ListingFilter): Promise<ResourceRow[]> {
  return (await listingQuery(db, filter).execute()).map(decodeResource);
}
