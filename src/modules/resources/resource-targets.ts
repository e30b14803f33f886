/**
 * Resources as the check sees them: each with its ancestor chain and, on every link, who holds
 * which role there (as the role's actions). Loaded a level at a time for a whole batch, so a page
 * of a listing costs a few queries, not a few per row.
 */
import type { PlacedResource, TargetResource, Visibility } from '../../core/check.js';
import type { AuthModel } from '../../core/model/model.js';
import type { Db } from '../../storage/database.js';
import { placementsByIds, type ResourcePlacement, rolesOn } from './resources.repository.js';

const NO_HOLDERS: ReadonlyMap<string, ReadonlySet<string>> = new Map();

/** Every ancestor of `rows` not already known, fetched level by level into `known`. */
async function loadAncestors(
  db: Db,
  rows: readonly ResourcePlacement[],
  known: Map<string, ResourcePlacement>,
): Promise<void> {
  for (const row of rows) known.set(row.id, row);
  let missing = [
    ...new Set(rows.map((row) => row.parent_id).filter((id): id is string => id !== null && !known.has(id))),
  ];
  while (missing.length > 0) {
    const parents = await placementsByIds(db, missing);
    for (const parent of parents) known.set(parent.id, parent);
    missing = [
      ...new Set(parents.map((row) => row.parent_id).filter((id): id is string => id !== null && !known.has(id))),
    ];
  }
}

async function loadHolders(
  db: Db,
  model: AuthModel,
  ids: readonly string[],
): Promise<Map<string, Map<string, ReadonlySet<string>>>> {
  const holders = new Map<string, Map<string, ReadonlySet<string>>>();
  for (const role of await rolesOn(db, ids)) {
    const actions = model.roles.get(role.role)?.actions;
    if (actions === undefined) continue; // a role the current model no longer has grants nothing
    let byPrincipal = holders.get(role.resource_id);
    if (byPrincipal === undefined) holders.set(role.resource_id, (byPrincipal = new Map()));
    byPrincipal.set(role.principal_id, actions);
  }
  return holders;
}

/** Targets for `rows` and for every ancestor of theirs (a listing also asks about parents). */
export async function loadTargets(
  db: Db,
  model: AuthModel,
  rows: readonly ResourcePlacement[],
): Promise<Map<string, TargetResource>> {
  const known = new Map<string, ResourcePlacement>();
  await loadAncestors(db, rows, known);
  const holders = await loadHolders(db, model, [...known.keys()]);
  const refOf = (row: ResourcePlacement): PlacedResource => ({
    id: row.id,
    type: row.type,
    holders: holders.get(row.id) ?? NO_HOLDERS,
    environmentId: row.environment_id,
    tenantId: row.tenant_id,
    visibility: row.visibility as Visibility,
  });
  const targets = new Map<string, TargetResource>();
  for (const row of known.values()) {
    const ancestors: PlacedResource[] = [];
    const seen = new Set([row.id]);
    for (let parentId = row.parent_id; parentId !== null && !seen.has(parentId); ) {
      const parent = known.get(parentId);
      if (parent === undefined) break;
      seen.add(parentId);
      ancestors.push(refOf(parent));
      parentId = parent.parent_id;
    }
    targets.set(row.id, { ...refOf(row), ancestors });
  }
  return targets;
}

export async function loadTarget(db: Db, model: AuthModel, row: ResourcePlacement): Promise<TargetResource> {
  return (await loadTargets(db, model, [row])).get(row.id) as TargetResource;
}
