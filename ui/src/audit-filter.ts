/**
 * The audit page's filter form as the query of `GET /v1/audit` (newest first, blanks left out),
 * and as the URL's hash (`#/audit?q=…&action=…`), so a reload or a shared link shows the same view.
 */
import { type ListAuditInput, pageAt } from './api';

export interface AuditFilter {
  /** An id (the acting key or the target) or an action name. */
  readonly q: string;
  readonly action: string;
  readonly outcome: '' | 'success' | 'denied';
  readonly actorKeyId: string;
  readonly targetId: string;
  /** datetime-local values, or '' for no bound. */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTER: AuditFilter = {
  q: '',
  action: '',
  outcome: '',
  actorKeyId: '',
  targetId: '',
  from: '',
  to: '',
};

/** A datetime-local value as the API's ISO time, or undefined for none. */
function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** A field's value, or undefined when it says nothing. */
const given = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

export function auditQuery(filter: AuditFilter, cursor: string | null): ListAuditInput {
  return {
    order: 'desc',
    q: given(filter.q),
    action: given(filter.action),
    outcome: filter.outcome === '' ? undefined : filter.outcome,
    actorKeyId: given(filter.actorKeyId),
    targetId: given(filter.targetId),
    from: isoOf(filter.from),
    to: isoOf(filter.to),
    ...pageAt(cursor),
  };
}

/** The URL's names for the filter's fields (`target` is what other pages link with). */
const URL_NAMES = {
  q: 'q',
  action: 'action',
  outcome: 'outcome',
  actorKeyId: 'actor',
  targetId: 'target',
  from: 'from',
  to: 'to',
} as const satisfies Record<keyof AuditFilter, string>;

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** What a URL's query says; a value the form could not hold is left out rather than sent. */
export function auditFilterOf(params: URLSearchParams): AuditFilter {
  const read = (field: keyof AuditFilter) => (params.get(URL_NAMES[field]) ?? '').slice(0, 64);
  const outcome = read('outcome');
  const time = (value: string) => (LOCAL_TIME.test(value) ? value : '');
  return {
    q: read('q'),
    action: read('action'),
    outcome: outcome === 'success' || outcome === 'denied' ? outcome : '',
    actorKeyId: /^key_[0-9a-z]{26}$/.test(read('actorKeyId')) ? read('actorKeyId') : '',
    targetId: read('targetId'),
    from: time(read('from')),
    to: time(read('to')),
  };
}

/** The URL query of a filter, blanks left out. */
export function auditFilterParams(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of Object.keys(URL_NAMES) as (keyof AuditFilter)[]) {
    const value = filter[field].trim();
    if (value !== '') params.set(URL_NAMES[field], value);
  }
  return params;
}
