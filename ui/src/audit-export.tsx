/**
 * The audit view as a file: what the filter shows (every page of it), as CSV or JSON, fetched
 * through keyward/client's `audit.export` and handed to the browser as a download.
 */
import type { Api } from './api';
import { type AuditFilter, auditQuery } from './audit-filter';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

function download(text: string, type: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL need not outlive it.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function AuditExport({ api, filter }: { api: Api; filter: AuditFilter }) {
  const { busy, error, run } = useAction();
  const save = (format: 'csv' | 'json') =>
    run(async () => {
      const { limit: _limit, cursor: _cursor, ...query } = auditQuery(filter, null);
      const text = await api.audit.export({ ...query, format });
      const day = new Date().toISOString().slice(0, 10);
      download(text, format === 'csv' ? 'text/csv' : 'application/json', `audit-${day}.${format}`);
    });
  return (
    <div className="export">
      <button type="button" className="secondary" disabled={busy} onClick={() => void save('csv')}>
        Export CSV
      </button>
      <button type="button" className="secondary" disabled={busy} onClick={() => void save('json')}>
        Export JSON
      </button>
      <ErrorText error={error} />
    </div>
  );
}
