/**
 * The Resources page's search, kept in the URL's hash (`#/resources?q=…&type=…`) so that a reload,
 * Back or a shared link shows the same answer; and the same search as the query of
 * `GET /v1/resources`, which searches and pages on the server.
 */
import { type ListResourcesInput, pageAt } from './api';

export interface ResourceFilter {
  readonly q: string;
  /** A model type's name, or '' for every type. */
  readonly type: string;
}

export const NO_RESOURCE_FILTER: ResourceFilter = { q: '', type: '' };

/** What a URL's query says; a type the API would refuse is left out rather than sent. */
export function resourceFilterOf(params: URLSearchParams): ResourceFilter {
  const type = params.get('type') ?? '';
  return { q: params.get('q') ?? '', type: /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(type) ? type : '' };
}

/** The URL query of a filter: blanks left out, so a plain list has a plain URL. */
export function resourceFilterParams(filter: ResourceFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q.trim() !== '') params.set('q', filter.q.trim());
  if (filter.type !== '') params.set('type', filter.type);
  return params;
}

export function resourcesQuery(filter: ResourceFilter, cursor: string | null): ListResourcesInput {
  const q = filter.q.trim();
  return {
    limit: 50,
    ...(q === '' ? {} : { q }),
    ...(filter.type === '' ? {} : { type: filter.type }),
    ...pageAt(cursor),
  };
}
