/** The audit page's filter form as the query of `GET /v1/audit`: newest first, blanks left out. */
import { type ListAuditInput, pageAt } from './api';

export interface AuditFilter {
  readonly action: string;
  readonly outcome: '' | 'success' | 'denied';
  readonly actorKeyId: string;
  readonly targetId: string;
  /** datetime-local values, or '' for no bound. */
  readonly from: string;
  readonly to: string;
}

export const NO_FILTER: AuditFilter = { action: '', outcome: '', actorKeyId: '', targetId: '', from: '', to: '' };

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
    action: given(filter.action),
    outcome: filter.outcome === '' ? undefined : filter.outcome,
    actorKeyId: given(filter.actorKeyId),
    targetId: given(filter.targetId),
    from: isoOf(filter.from),
    to: isoOf(filter.to),
    ...pageAt(cursor),
  };
}
