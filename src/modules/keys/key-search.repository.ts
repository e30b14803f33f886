/**
 * `GET /v1/keys?q=`: one search text, matched several ways, each by its own indexed query (migration
 * 0020-key-search). An OR of them in one statement would leave the choice of index to each
 * database's planner, which may then read the tenant's every key; separate queries each take
 * their index, and a page is the first `limit + 1` of their merged answers (each is cut to that
 * many already, so nothing the page needs is lost).
 */
import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { ApiKeysTable, Db } from '../../storage/database.js';
import { isPostgres } from '../../storage/dialect.js';
import { startsWith } from '../../storage/prefix-match.js';
import {
  decodeKeyRow,
  keyListQuery,
  pageOf,
  type KeyListFilter,
  type KeyListQuery,
  type KeyRow,
} from './keys.repository.js';

const KEY_ID_PREFIX = /^key_[0-9a-z]{0,26}$/;
/** An id is `key_` and 26 characters of [0-9a-z], of which 'z' sorts last in every collation. */
const KEY_ID_LENGTH = 30;

/**
 * The key is in the tenant (any, when none is given), said so that SQLite does not answer the
 * statement from the tenant's index: SQLite keeps no statistics, and with `ORDER BY id LIMIT` it
 * prefers walking the tenant's every key in id order over the few rows the hint or owner index
 * finds. A unary `+` is SQLite's way to keep a term from an index; PostgreSQL plans by statistics.
 */
function inTenant(db: Db, tenantId: string | undefined): Expression<SqlBool> {
  if (tenantId === undefined) return sql<SqlBool>`1 = 1`;
  return isPostgres(db)
    ? sql<SqlBool>`${sql.ref('api_keys.tenant_id')} = ${tenantId}`
    : sql<SqlBool>`+${sql.ref('api_keys.tenant_id')} = ${tenantId}`;
}

/** A hint as typed: the 4 last characters, perhaps after the "…" the console shows before them. */
function hintOf(q: string): string | undefined {
  const bare = q.trim().replace(/^(…|\.+)/, '');
  return bare.length === 4 ? bare : undefined;
}

/** At most this many owners' keys are searched: a search as wide as that is narrowed by typing on. */
export const MAX_OWNERS_SEARCHED = 500;

/**
 * The users whose name or email starts with `q`, each by its index. Read first, so that their keys
 * are then found by the key's user index (a subquery lets SQLite read the tenant's every key instead).
 */
export async function ownersMatching(db: Db, tenantId: string | undefined, q: string): Promise<string[]> {
  const ids = new Set<string>();
  for (const column of ['name', 'email'] as const) {
    let owners = db
      .selectFrom('users')
      .select('users.id')
      .where(startsWith(db, `users.${column}`, q));
    if (tenantId !== undefined) owners = owners.where('users.tenant_id', '=', tenantId);
    for (const row of await owners.limit(MAX_OWNERS_SEARCHED).execute()) ids.add(row.id);
  }
  return [...ids].slice(0, MAX_OWNERS_SEARCHED);
}

/** The queries a search runs, named for what they match (the query-plan test reads each). */
export function keySearchQueries(
  db: Db,
  filter: KeyListFilter,
  q: string,
  ownerIds: readonly string[],
): Map<string, KeyListQuery> {
  const base = () => keyListQuery(db, filter);
  const queries = new Map<string, KeyListQuery>();
  const hint = hintOf(q);
  if (hint !== undefined)
    queries.set(
      'hint',
      keyListQuery(db, { ...filter, tenantId: undefined })
        .where('hint', '=', hint)
        .where(inTenant(db, filter.tenantId)),
    );
  const id = q.trim().toLowerCase();
  if (KEY_ID_PREFIX.test(id))
    queries.set('id', base().where('id', '>=', id).where('id', '<=', id.padEnd(KEY_ID_LENGTH, 'z')));
  queries.set('name', base().where(startsWith(db, 'api_keys.name', q)));
  // The owners were found in the tenant, and a user's keys are in the user's tenant: the tenant
  // is checked all the same.
  if (ownerIds.length > 0)
    queries.set(
      'owner',
      keyListQuery(db, { ...filter, tenantId: undefined })
        .where('user_id', 'in', ownerIds)
        .where(inTenant(db, filter.tenantId)),
    );
  return queries;
}

/** A page of the keys `q` matches in any way, in the listing's order, with one row more if there is a next page. */
export async function searchKeys(db: Db, filter: KeyListFilter, q: string): Promise<KeyRow[]> {
  const owners = await ownersMatching(db, filter.tenantId, q);
  const answers = await Promise.all(
    [...keySearchQueries(db, filter, q, owners).values()].map((query) => pageOf(query, filter).execute()),
  );
  const byId = new Map<string, Selectable<ApiKeysTable>>();
  for (const row of answers.flat()) byId.set(row.id, row);
  const ids = [...byId.keys()].sort();
  if (!filter.oldestFirst) ids.reverse();
  // Only the rows of the page are decoded.
  return ids.slice(0, filter.limit + 1).map((id) => decodeKeyRow(byId.get(id) as Selectable<ApiKeysTable>));
}
