/** Audit (tenant.manage): the log with action and outcome filters, paged, and the hash chain's check. */
import { useCallback, useState, type FormEvent } from 'react';
import type { Api, AuditCheckObject, AuditFilter } from './api';
import { when } from './format';
import { PagedTable } from './paged-table';
import { ErrorText, StatusText } from './problem-text';
import { useAction } from './use-action';
import { usePagedList } from './use-paged-list';

const NO_FILTER: AuditFilter = { action: '', outcome: '' };

function ChainCheck({ api }: { api: Api }) {
  const [check, setCheck] = useState<AuditCheckObject | null>(null);
  const { busy, error, run } = useAction();
  // The last verdict goes as soon as a new check starts, so it is never read as the new one.
  const verify = () =>
    run(async () => {
      setCheck(null);
      setCheck(await api.verifyAudit());
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
              Chain broken: the first bad event is <code>{check.firstBadEventId ?? 'unknown'}</code> ({check.checked} events checked).
            </span>
          )}
        </StatusText>
      )}
      <ErrorText error={error} />
    </div>
  );
}

export function AuditPage({ api }: { api: Api }) {
  const [filter, setFilter] = useState<AuditFilter>(NO_FILTER);
  const events = usePagedList(useCallback((cursor: string | null) => api.listAudit(filter, cursor), [api, filter]));

  const applyFilter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const outcome = String(data.get('outcome') ?? '');
    setFilter({ action: String(data.get('action') ?? ''), outcome: outcome === 'success' || outcome === 'denied' ? outcome : '' });
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <ChainCheck api={api} />
      <form onSubmit={applyFilter} className="filters" aria-label="Filter events">
        <label htmlFor="audit-action">Action</label>
        <input id="audit-action" name="action" placeholder="key.create" maxLength={64} />
        <label htmlFor="audit-outcome">Outcome</label>
        <select id="audit-outcome" name="outcome" defaultValue="">
          <option value="">any</option>
          <option value="success">success</option>
          <option value="denied">denied</option>
        </select>
        <button type="submit">Filter</button>
      </form>
      <PagedTable list={events} columns={['Time', 'Action', 'Outcome', 'Actor key', 'Target', 'Event']} empty="No events match.">
        {events.items.map((event) => (
          <tr key={event.id}>
            <td>{when(event.at)}</td>
            <td>
              <code>{event.action}</code>
            </td>
            <td className={event.outcome === 'denied' ? 'bad' : undefined}>
              {event.outcome} ({event.status})
            </td>
            <td>{event.actorKeyId === null ? '—' : <code>{event.actorKeyId}</code>}</td>
            <td>{event.target === null || event.target.id === null ? '—' : <code>{event.target.id}</code>}</td>
            <td>
              <code>{event.id}</code>
            </td>
          </tr>
        ))}
      </PagedTable>
    </section>
  );
}
