/**
 * `GET /v1/resources?q=`: one search text matched three ways, each its own indexed query (migration
 * 0021-resource-audit-search), as the keys' search does (key-search.repository.ts): the start of
 * the name in any case, the start of the id, the externalId exactly. An OR of them in one statement
 * would leave each database's planner free to walk every row the key can see instead. A batch is
 * the first `limit` of the merged answers, each cut to that many already, so none is lost.
 */
import type { Db } from '../../storage/database.js';
import { startsWith } from '../../storage/prefix-match.js';
import { type ListingFilter, listingCandidates, listingQuery } from './resource-listing.repository.js';
import type { ResourceRow } from './resources.repository.js';

type Match = NonNullable<ListingFilter['match']>;

const RESOURCE_ID_PREFIX = /^res_[0-9a-z]{0,26}$/;
/** An id is `res_` and 26 characters of [0-9a-z], of which 'z' sorts last in every collation. */
const RESOURCE_ID_LENGTH = 30;

/** The ways `q` can match, named (the query-plan test reads each). */
export function resourceMatches(db: Db, q: string): Map<string, Match> {
  const matches = new Map<string, Match>();
  const text = q.trim();
  const name = startsWith(db, 'resources.name', text);
  matches.set('name', () => name);
  const id = text.toLowerCase();
  if (RESOURCE_ID_PREFIX.test(id))
    matches.set('id', (eb) =>
      eb.and([eb('resources.id', '>=', id), eb('resources.id', '<=', id.padEnd(RESOURCE_ID_LENGTH, 'z'))]),
    );
  // An externalId is the platform's own, compared as given (the unique index compares so too).
  matches.set('externalId', (eb) => eb('resources.external_id', '=', text));
  return matches;
}

/** The queries a search runs for one batch, by name (for the query-plan test). */
export function resourceSearchQueries(db: Db, filter: ListingFilter, q: string) {
  return new Map([...resourceMatches(db, q)].map(([name, match]) => [name, listingQuery(db, { ...filter, match })]));
}

/** The first `filter.limit` rows `q` matches in any way, after `filter.afterId`, in id order. */
export async function searchCandidates(db: Db, filter: ListingFilter, q: string): Promise<ResourceRow[]> {
  const answers = await Promise.all(
    [...resourceMatches(db, q).values()].map((match) => listingCandidates(db, { ...filter, match })),
  );
  const byId = new Map<string, ResourceRow>();
  for (const row of answers.flat()) byId.set(row.id, row);
  return [...byId.keys()]
    .sort()
    .slice(0, filter.limit)
    .map((id) => byId.get(id) as ResourceRow);
}
