/**
 * Audit (tenant.manage): the log newest first, filtered by action, outcome, actor, target and
 * time range, paged; each event opens to its details (a refusal's reason among them); and the
 * hash chain's check. Actors and targets show by name, the id on hover and copyable; the view
 * exports as CSV or JSON (audit-export.tsx).
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { Api, AuditCheckObject, AuditEventObject } from './api';
import { AuditExport } from './audit-export';
import { type AuditFilter, auditFilterOf, auditFilterParams, auditQuery } from './audit-filter';
import { useConsole } from './console-context';
import { when } from './format';
import { NamedId } from './named-id';
import { PagedTable } from './paged-table';
import { ErrorText, StatusText } from './problem-text';
import { useAction } from './use-action';
import { usePagedList } from './use-paged-list';
import { useUrlFilter } from './use-url-filter';

function ChainCheck({ api }: { api: Api }) {
  const [check, setCheck] = useState<AuditCheckObject | null>(null);
  const { busy, error, run } = useAction();
  // The last verdict goes as soon as a new check starts, so it is never read as the new one.
  const verify = () =>
    run(async () => {
      setCheck(null);
      setCheck(await api.audit.verify());
    });
  return (
    <div className="chain">
      <button type="button" onClick={() => void verify()} disabled={busy}>
        Verify chain
      </button>
      {check !== null && (
        <StatusText>
          {check.ok ? (
            <span className="ok">Chain ok: {check.checked} events checked, none edited, deleted or out of order.</span>
          ) : (
            <span className="bad">
              Chain broken: the first bad event is <code>{check.firstBadEventId ?? 'unknown'}</code> ({check.checked}{' '}
              events checked).
            </span>
          )}
        </StatusText>
      )}
      <ErrorText error={error} />
    </div>
  );
}

function EventRow({ event }: { event: AuditEventObject }) {
  const [open, setOpen] = useState(false);
  // A refusal records its problem's code, and its detail where the server kept it.
  const reason =
    event.outcome === 'denied'
      ? [event.details['code'], event.details['detail']].filter((part) => typeof part === 'string').join(': ')
      : '';
  return (
    <>
      <tr>
        <td data-label="Time">{when(event.at)}</td>
        <td data-label="Action">
          <code>{event.action}</code>
        </td>
        <td data-label="Outcome" className={event.outcome === 'denied' ? 'bad' : undefined}>
          {event.outcome} ({event.status})
        </td>
        <td data-label="Actor">
          {event.actor.type === 'operator' ? (
            'instance operator'
          ) : event.actorKeyId === null ? (
            '—'
          ) : (
            <NamedId name={event.actorName} id={event.actorKeyId} />
          )}
        </td>
        <td data-label="Target">
          {event.target === null || event.target.id === null ? (
            '—'
          ) : (
            <NamedId name={event.targetName} id={event.target.id} />
          )}
        </td>
        <td>
          <button
            type="button"
            className="link"
            aria-expanded={open}
            aria-controls={`details-${event.id}`}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide' : 'Details'}
            <span className="visually-hidden"> of {event.id}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr id={`details-${event.id}`} className="details-row">
          <td colSpan={6}>
            <dl className="facts">
              <dt>Event</dt>
              <dd>
                <code>{event.id}</code> (sequence {event.chain.seq})
              </dd>
              {reason !== '' && (
                <>
                  <dt>Reason</dt>
                  <dd>{reason}</dd>
                </>
              )}
              <dt>Request</dt>
              <dd>
                <code>{event.requestId ?? '—'}</code> from {event.sourceIp ?? 'unknown'}
              </dd>
              <dt>Target type</dt>
              <dd>{event.target?.type ?? '—'}</dd>
            </dl>
            <pre className="json">{JSON.stringify(event.details, null, 2)}</pre>
          </td>
        </tr>
      )}
    </>
  );
}

const text = (data: FormData, name: string) => String(data.get(name) ?? '');

export function AuditPage() {
  const { api } = useConsole();
  const [filter, setFilter] = useUrlFilter('audit', auditFilterOf, auditFilterParams);
  const events = usePagedList(
    useCallback((cursor: string | null) => api.audit.list(auditQuery(filter, cursor)), [api, filter]),
  );

  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const outcome = text(data, 'outcome');
    const next: AuditFilter = {
      q: text(data, 'q'),
      action: text(data, 'action'),
      outcome: outcome === 'success' || outcome === 'denied' ? outcome : '',
      actorKeyId: text(data, 'actorKeyId'),
      targetId: text(data, 'targetId'),
      from: text(data, 'from'),
      to: text(data, 'to'),
    };
    setFilter(() => next);
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <p className="help">Newest first.</p>
      <div className="actions wrap">
        <ChainCheck api={api} />
        <AuditExport api={api} filter={filter} />
      </div>
      {/* Seven fields: a grid of labelled fields (filter-grid in style.css), not one row of slivers. */}
      <form onSubmit={applyFilter} className="filters filter-grid" aria-label="Filter events">
        <div className="field">
          <label htmlFor="audit-q">Search</label>
          <input
            id="audit-q"
            name="q"
            type="search"
            placeholder="key_…, res_…, key.create"
            maxLength={64}
            defaultValue={filter.q}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" name="action" placeholder="key.create" maxLength={64} defaultValue={filter.action} />
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" name="outcome" defaultValue={filter.outcome}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Actor key</label>
          <input
            id="audit-actor"
            name="actorKeyId"
            placeholder="key_…"
            pattern="key_[0-9a-z]+"
            defaultValue={filter.actorKeyId}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-target">Target</label>
          <input
            id="audit-target"
            name="targetId"
            placeholder="key_…, res_…"
            maxLength={64}
            defaultValue={filter.targetId}
          />
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" name="from" type="datetime-local" defaultValue={filter.from} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" name="to" type="datetime-local" defaultValue={filter.to} />
        </div>
        <button type="submit">Filter</button>
      </form>
      <PagedTable
        list={events}
        columns={[
          'Time',
          'Action',
          'Outcome',
          'Actor key',
          'Target',
          <span key="details" className="visually-hidden">
            Details
          </span>,
        ]}
        empty={
          auditFilterParams(filter).size > 0
            ? 'No events match. Widen the time range or clear a filter.'
            : 'No events yet: every change to keys, users, policies and settings will be listed here.'
        }
      >
        {events.items.map((event) => (
          <EventRow key={event.id} event={event} />
        ))}
      </PagedTable>
    </section>
  );
}
