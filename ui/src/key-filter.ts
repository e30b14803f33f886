/**
 * The Keys page's filters, kept in the URL's hash (`#/keys?q=…&status=…`) so that a reload, Back
 * or a shared link shows the same search; and the same filters as the query of `GET /v1/keys`,
 * which searches and pages on the server.
 */
import { type ListKeysInput, pageAt } from './api';

export type KeySort = 'newest' | 'oldest';
export type KeyStatusFilter = '' | 'active' | 'disabled' | 'expired' | 'revoked';
export type KeyKindFilter = '' | 'user' | 'application';

export interface KeyFilter {
  readonly q: string;
  readonly environmentId: string;
  readonly kind: KeyKindFilter;
  readonly status: KeyStatusFilter;
  readonly sort: KeySort;
}

export const SORT_LABELS: Record<KeySort, string> = { newest: 'newest first', oldest: 'oldest first' };
const STATUSES: readonly KeyStatusFilter[] = ['active', 'disabled', 'expired', 'revoked'];
const KINDS: readonly KeyKindFilter[] = ['user', 'application'];

function oneOf<T extends string>(value: string | null, allowed: readonly T[], otherwise: T): T {
  return allowed.find((candidate) => candidate === value) ?? otherwise;
}

/** The filter a URL's query says; anything unknown in it is left out rather than sent to the server. */
export function keyFilterOf(params: URLSearchParams): KeyFilter {
  const environmentId = params.get('environmentId') ?? '';
  return {
    q: params.get('q') ?? '',
    environmentId: /^env_[0-9a-z]{26}$/.test(environmentId) ? environmentId : '',
    kind: oneOf(params.get('kind'), KINDS, ''),
    status: oneOf(params.get('status'), STATUSES, ''),
    sort: oneOf(params.get('sort'), ['newest', 'oldest'] as const, 'newest'),
  };
}

/** The URL query of a filter: what is blank or the default is left out, so a plain list has a plain URL. */
export function keyFilterParams(filter: KeyFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.q.trim() !== '') params.set('q', filter.q.trim());
  if (filter.environmentId !== '') params.set('environmentId', filter.environmentId);
  if (filter.kind !== '') params.set('kind', filter.kind);
  if (filter.status !== '') params.set('status', filter.status);
  if (filter.sort !== 'newest') params.set('sort', filter.sort);
  return params;
}

export function keysQuery(filter: KeyFilter, cursor: string | null): ListKeysInput {
  const q = filter.q.trim();
  return {
    limit: 50,
    ...(q === '' ? {} : { q }),
    ...(filter.environmentId === '' ? {} : { environmentId: filter.environmentId }),
    ...(filter.kind === '' ? {} : { kind: filter.kind }),
    ...(filter.status === '' ? {} : { status: filter.status }),
    sort: filter.sort,
    ...pageAt(cursor),
  };
}

/** Whether a filter narrows the list at all (an empty answer then says "No key matches", not "No keys yet"). */
export function narrows(filter: KeyFilter): boolean {
  return keyFilterParams({ ...filter, sort: 'newest' }).size > 0;
}
