/** What the model says of where resources go and who sees them: shared by the tree and the create form. */
import type { ModelDescriptionObject, ResourceObject } from './api';

export const VISIBILITIES = ['ENVIRONMENT', 'TENANT', 'PUBLIC'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const isVisibility = (value: string): value is Visibility => (VISIBILITIES as readonly string[]).includes(value);

/** Resources a resource of `type` may sit under, per the model's parent rules. */
export function parentsFor(
  model: ModelDescriptionObject,
  type: string,
  all: readonly ResourceObject[],
  self: string | null,
): ResourceObject[] {
  const allowed = model.types.find((candidate) => candidate.name === type)?.parents ?? [];
  return all.filter((resource) => allowed.includes(resource.type) && resource.id !== self);
}

export function topLevel(model: ModelDescriptionObject, type: string): boolean {
  return model.types.find((candidate) => candidate.name === type)?.topLevel === true;
}
