/** Audit (tenant.manage): the log with action and outcome filters, paged, and the hash chain's check. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Api, AuditCheckObject, AuditEventObject, AuditFilter } from './api';
import { when } from './format';
import { ErrorText, StatusText } from './problem-text';

const NO_FILTER: AuditFilter = { action: '', outcome: '' };

function ChainCheck({ api }: { api: Api }) {
  const [check, setCheck] = useState<AuditCheckObject | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    setCheck(null);
    try {
      setCheck(await api.verifyAudit());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
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
  const [items, setItems] = useState<AuditEventObject[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.listAudit(filter, from);
        setItems((current) => (from === null ? page.items : [...current, ...page.items]));
        setCursor(page.nextCursor);
      } catch (failure) {
        setError(failure);
      } finally {
        setLoading(false);
      }
    },
    [api, filter],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

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
      <ErrorText error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Actor key</th>
            <th scope="col">Target</th>
            <th scope="col">Event</th>
          </tr>
        </thead>
        <tbody>
          {items.map((event) => (
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
        </tbody>
      </table>
      {loading && <p role="status">Loading…</p>}
      {!loading && items.length === 0 && error === null && <p>No events match.</p>}
      {cursor !== null && (
        <button type="button" className="secondary" onClick={() => void load(cursor)} disabled={loading}>
          More
        </button>
      )}
    </section>
  );
}
