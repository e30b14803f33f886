/**
 * How verify finds the resource a request names, with its ancestor chain. Resources are stored
 * by the resources module; until it lands (issue 4) no resource exists, and verify answers an
 * unknown resource FORBIDDEN, as SPEC §3 says it must for any unknown resource.
 */
import type { TargetResource } from '../core/check.js';
import type { ResourceQueryObject } from '../api/verify.js';

export interface ResourceLookup {
  /** The resource by `id`, or by `externalId` in `environmentId`; undefined when unknown. */
  find(query: ResourceQueryObject, environmentId: string | null): Promise<TargetResource | undefined>;
}

export const NO_RESOURCES: ResourceLookup = { find: async () => undefined };
