/**
 * Keys (users.manage): every key of the tenant, searched by name, filtered by environment,
 * kind and status, sorted, newest first by default. The list is read whole (up to 1000 keys)
 * because the API filters by environment only; the rest happens here.
 */
import { useCallback, useMemo, useState } from 'react';
import { holds, listAll, type KeyObject } from './api';
import { useConsole } from './console-context';
import { when } from './format';
import { statusOf, StatusBadge } from './key-status';
import { ErrorText } from './problem-text';
import { useLoad } from './use-load';
import { href } from './use-route';

type Sort = 'newest' | 'oldest' | 'name' | 'expires' | 'lastUsed';

const SORTS: Record<Sort, { label: string; compare: (a: KeyObject, b: KeyObject) => number }> = {
  newest: {
    label: 'newest first',
    compare: (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  },
  oldest: {
    label: 'oldest first',
    compare: (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  },
  name: { label: 'name', compare: (a, b) => a.name.localeCompare(b.name) },
  expires: { label: 'expiring soonest', compare: (a, b) => (a.expiresAt ?? '9').localeCompare(b.expiresAt ?? '9') },
  lastUsed: { label: 'last used', compare: (a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') },
};

function isSort(value: string): value is Sort {
  return value in SORTS;
}

export function KeysPage() {
  const { api, me } = useConsole();
  const keys = useLoad(useCallback(() => listAll((page) => api.keys.list({ limit: 100, ...page })), [api]));
  const environments = useLoad(
    useCallback(() => (holds(me, 'tenant.manage') ? listAll(api.environments.list) : Promise.resolve([])), [api, me]),
  );
  const [search, setSearch] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [kind, setKind] = useState('');
  const [status, setStatus] = useState('');
  const [sort, setSort] = useState<Sort>('newest');
  const now = Date.now();

  const environmentIds = useMemo(
    () => [...new Set((keys.data ?? []).map((key) => key.environmentId).filter((id): id is string => id !== null))],
    [keys.data],
  );
  const environmentName = (id: string | null) =>
    id === null ? '—' : (environments.data?.find((environment) => environment.id === id)?.name ?? id);
  const shown = (keys.data ?? [])
    .filter((key) => key.name.toLowerCase().includes(search.trim().toLowerCase()))
    .filter((key) => environmentId === '' || key.environmentId === environmentId)
    .filter((key) => kind === '' || key.kind === kind)
    .filter((key) => status === '' || key.status === status)
    .sort(SORTS[sort].compare);

  return (
    <section aria-labelledby="keys-title">
      <div className="title-row">
        <h2 id="keys-title">Keys</h2>
        <a className="button" href={href('keys', 'new')}>
          Create a key
        </a>
      </div>
      <form className="filters" aria-label="Find keys" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="keys-search">Search by name</label>
        <input id="keys-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        <label htmlFor="keys-environment">Environment</label>
        <select id="keys-environment" value={environmentId} onChange={(event) => setEnvironmentId(event.target.value)}>
          <option value="">any</option>
          {environmentIds.map((id) => (
            <option key={id} value={id}>
              {environmentName(id)}
            </option>
          ))}
        </select>
        <label htmlFor="keys-kind">Kind</label>
        <select id="keys-kind" value={kind} onChange={(event) => setKind(event.target.value)}>
          <option value="">any</option>
          <option value="application">application</option>
          <option value="user">user</option>
        </select>
        <label htmlFor="keys-status">Status</label>
        <select id="keys-status" value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">any</option>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
          <option value="expired">expired</option>
          <option value="revoked">revoked</option>
        </select>
        <label htmlFor="keys-sort">Sort</label>
        <select
          id="keys-sort"
          value={sort}
          onChange={(event) => isSort(event.target.value) && setSort(event.target.value)}
        >
          {Object.entries(SORTS).map(([value, { label }]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </form>
      <ErrorText error={keys.error} />
      <div className="table-wrap">
        <table className="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Kind</th>
              <th scope="col">Environment</th>
              <th scope="col">Last used</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((key) => (
              <tr key={key.id}>
                <th scope="row" data-label="Name">
                  <a href={href('keys', key.id)}>{key.name}</a>
                  {key.id === me.key.id ? ' (this session)' : ''} <code className="id">{key.id}</code>
                </th>
                <td data-label="Status">
                  <StatusBadge status={statusOf(key, now)} />
                </td>
                <td data-label="Kind">
                  {key.kind}
                  {key.admin ? ', admin' : ''}
                </td>
                <td data-label="Environment">{environmentName(key.environmentId)}</td>
                <td data-label="Last used">{when(key.lastUsedAt)}</td>
                <td data-label="Created">{when(key.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {keys.loading && <p role="status">Loading…</p>}
      {!keys.loading && shown.length === 0 && keys.error === null && (
        <p>{(keys.data ?? []).length === 0 ? 'No keys yet.' : 'No key matches.'}</p>
      )}
    </section>
  );
}
