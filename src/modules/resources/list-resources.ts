/**
 * Listing resources (SPEC §3 step 4): what the key may discover, a page at a time, each row put to
 * the check; a row the key may discover but not read is shown as discovered only.
 */
import { checkResource } from '../../core/check.js';
import { ok, type Result } from '../../core/error-codes.js';
import { isRoot, keyPosition, type KeyRecord } from '../../core/key-record.js';
import type { PageOf } from '../../api/common.js';
import type { ListResourcesInput, ResourceObject } from '../../api/resources.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage } from '../pagination.js';
import { canSeeTenant } from '../scope.js';
import { parentVisible, toDiscoveredObject, toResourceObject } from './resource-object.js';
import { loadTargets } from './resource-targets.js';
import { listingCandidates, type ListingReach } from './resource-listing.repository.js';
import { searchCandidates } from './resource-search.js';
import type { ResourceRow } from './resources.repository.js';

const SCAN_BATCH = 200;

/** Where a key's discover may reach outside its environment: what the listing query needs of its grants. */
function listingReach(key: KeyRecord): ListingReach {
  const grants = key.grants;
  const withDiscover = (map: ReadonlyMap<string, ReadonlySet<string>>): string[] =>
    [...map].filter(([, actions]) => actions.has('discover')).map(([name]) => name);
  // The catalogue's types are discovered by every key their visibility reaches (SPEC §3 step 4).
  const discoverTypes = new Set([...withDiscover(grants.typeWide), ...(grants.catalogue ?? [])]);
  return {
    environmentId: key.environmentId as string,
    tenantId: key.tenantId as string,
    discoverTypes: grants.allTypes.has('discover') ? null : [...discoverTypes],
    resourceIds: withDiscover(grants.onResource),
    principals: keyPosition(key).principals ?? [key.id],
  };
}

/**
 * What the key may discover, a page at a time. Rows are scanned by id and each one is put to the
 * check; the cursor is the last row shown, so neither it nor the page size says anything about
 * rows the key cannot see.
 */
export async function listResources(
  deps: ServiceDeps,
  caller: Caller,
  query: ListResourcesInput,
): Promise<Result<PageOf<ResourceObject>>> {
  const after = decodeCursor(query.cursor);
  if (!after.ok) return after;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  // A blank search is no search: it would match every name.
  const q = query.q?.trim() ?? '';
  const key = caller.key;
  const root = isRoot(key);
  const position = keyPosition(key);
  const reach = root ? null : listingReach(key);
  const shown: ResourceRow[] = [];
  const parentShown = new Set<string>();
  const discoveredOnly = new Set<string>();
  let afterId = after.value;
  for (;;) {
    const filter = {
      reach,
      type: query.type,
      parentId: query.parentId,
      environmentId: query.environmentId,
      afterId,
      limit: SCAN_BATCH,
    };
    const rows = q === '' ? await listingCandidates(deps.db, filter) : await searchCandidates(deps.db, filter, q);
    const targets = root ? null : await loadTargets(deps.db, deps.model, rows);
    for (const row of rows) {
      const target = targets?.get(row.id);
      if (target === undefined || checkResource(position, key.grants, 'discover', target).allowed) {
        shown.push(row);
        if (parentVisible(caller, row, targets)) parentShown.add(row.id);
        if (target !== undefined && !checkResource(position, key.grants, 'read', target).allowed)
          discoveredOnly.add(row.id);
      }
      if (shown.length > limit) break;
    }
    if (shown.length > limit || rows.length < SCAN_BATCH) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
  return ok(
    toPage(shown, limit, (row) =>
      discoveredOnly.has(row.id)
        ? toDiscoveredObject(row, parentShown.has(row.id))
        : toResourceObject(row, deps, false, parentShown.has(row.id), canSeeTenant(caller.key, row.tenant_id)),
    ),
  );
}
