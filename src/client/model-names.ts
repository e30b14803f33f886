/**
 * The names a middleware will ask verify about (a permission, an action, a resource type), checked
 * against the model Keyward serves at `GET /v1/model`, so a typo fails at start, naming the name
 * most likely meant, instead of on every request. Pure: the client fetches the model.
 */
import type { ModelDescriptionObject } from '../api/model.js';

/** Names a service will ask about, checked against the model in force (`checkNames`). */
export interface ModelNames {
  readonly permission?: string | undefined;
  readonly action?: string | undefined;
  readonly type?: string | undefined;
}

/** The known name closest to `name` (at most 3 edits away), for "did you mean". */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const row = Array.from({ length: candidate.length + 1 }, (_, i) => i);
    for (let i = 1; i <= name.length; i++) {
      let diagonal = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= candidate.length; j++) {
        const above = row[j] as number;
        row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (name[i - 1] === candidate[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    const distance = row[candidate.length] as number;
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** The first name the model lacks, as Keyward's own 400 would say it, with the name likely meant. */
export function unknownName(model: ModelDescriptionObject, names: ModelNames): string | undefined {
  const lists: [keyof ModelNames, string, readonly string[]][] = [
    ['permission', 'permission', model.permissions.map((permission) => permission.id)],
    ['action', 'action', model.actions],
    ['type', 'resource type', model.types.map((type) => type.name)],
  ];
  for (const [member, label, known] of lists) {
    const name = names[member];
    if (name === undefined || known.includes(name)) continue;
    const meant = closest(name, known);
    return `unknown ${label}: ${name}${meant === undefined ? '' : ` (did you mean ${meant}?)`}`;
  }
  return undefined;
}
