/** A middleware's `resource` option: a function of the request, or a fixed type with its id read from the request. */
import type { ResourceRef } from '../client/index.js';

/** A resource of a fixed type, its id or externalId read from the request. */
export interface ResourceFrom<Req> {
  readonly type: string;
  readonly id?: (request: Req) => string | undefined;
  readonly externalId?: (request: Req) => string | undefined;
}

export function resourceOf<Req>(
  option: ((request: Req) => ResourceRef) | ResourceFrom<Req>,
  request: Req,
): ResourceRef {
  if (typeof option === 'function') return option(request);
  const id = option.id?.(request);
  const externalId = option.externalId?.(request);
  return {
    type: option.type,
    ...(id === undefined ? {} : { id }),
    ...(externalId === undefined ? {} : { externalId }),
  };
}
