/**
 * Keys (users.manage): the tenant's keys, newest first, searched and paged on the server
 * (`GET /v1/keys?q=&status=&kind=&sort=`): by the last 4 characters of a key, an id, or the start
 * of a name or of the owner's name or email. The filters live in the URL, so a reload keeps them.
 */
import { useCallback, useEffect, useState } from 'react';
import { holds, listAll } from './api';
import { useConsole } from './console-context';
import { when } from './format';
import { statusOf, StatusBadge } from './key-status';
import {
  type KeyFilter,
  keyFilterOf,
  keyFilterParams,
  keysQuery,
  narrows,
  SORT_LABELS,
  type KeySort,
} from './key-filter';
import { ListFooter } from './paged-table';
import { ErrorText } from './problem-text';
import { useLoad } from './use-load';
import { usePagedList } from './use-paged-list';
import { href, useRoute } from './use-route';

/** How long typing must pause before the search is sent: one request per word, not per letter. */
const TYPING_PAUSE_MS = 250;

export function KeysPage() {
  const { api, me } = useConsole();
  const route = useRoute();
  const [filter, setFilter] = useState<KeyFilter>(() => keyFilterOf(route.params));
  const [typed, setTyped] = useState(filter.q);
  const environments = useLoad(
    useCallback(() => (holds(me, 'tenant.manage') ? listAll(api.environments.list) : Promise.resolve([])), [api, me]),
  );
  const keys = usePagedList(
    useCallback((cursor: string | null) => api.keys.list(keysQuery(filter, cursor)), [api, filter]),
  );
  const change = (patch: Partial<KeyFilter>) => setFilter((current) => ({ ...current, ...patch }));

  useEffect(() => {
    const pause = setTimeout(
      () => setFilter((current) => (current.q === typed ? current : { ...current, q: typed })),
      TYPING_PAUSE_MS,
    );
    return () => clearTimeout(pause);
  }, [typed]);
  // The URL follows the filter without a history entry per keystroke.
  useEffect(() => {
    const query = keyFilterParams(filter).toString();
    window.history.replaceState(null, '', `${href('keys')}${query === '' ? '' : `?${query}`}`);
  }, [filter]);

  // The owners of the keys on this page, by name (one read per owner shown, not the whole directory).
  const ownerIds = [...new Set(keys.items.flatMap((key) => (key.userId === null ? [] : [key.userId])))].join(',');
  const owners = useLoad(
    useCallback(async () => {
      const ids = ownerIds === '' ? [] : ownerIds.split(',');
      const found = await Promise.all(ids.map((id) => api.users.get(id).catch(() => null)));
      return new Map(found.flatMap((user) => (user === null ? [] : [[user.id, user.name] as const])));
    }, [api, ownerIds]),
  );

  const now = Date.now();
  const environmentName = (id: string | null) =>
    id === null ? '—' : (environments.data?.find((environment) => environment.id === id)?.name ?? id);

  return (
    <section aria-labelledby="keys-title">
      <div className="title-row">
        <h2 id="keys-title">Keys</h2>
        <a className="button" href={href('keys', 'new')}>
          Create a key
        </a>
      </div>
      <form className="filters" aria-label="Find keys" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="keys-search">Search</label>
        <input
          id="keys-search"
          type="search"
          value={typed}
          placeholder="name, last 4, key_…, owner"
          aria-describedby="keys-search-help"
          onChange={(event) => setTyped(event.target.value)}
        />
        {(environments.data ?? []).length > 0 && (
          <>
            <label htmlFor="keys-environment">Environment</label>
            <select
              id="keys-environment"
              value={filter.environmentId}
              onChange={(event) => change({ environmentId: event.target.value })}
            >
              <option value="">any</option>
              {(environments.data ?? []).map((environment) => (
                <option key={environment.id} value={environment.id}>
                  {environment.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="keys-kind">Kind</label>
        <select
          id="keys-kind"
          value={filter.kind}
          onChange={(event) => change({ kind: keyFilterOf(new URLSearchParams({ kind: event.target.value })).kind })}
        >
          <option value="">any</option>
          <option value="application">application</option>
          <option value="user">user</option>
        </select>
        <label htmlFor="keys-status">Status</label>
        <select
          id="keys-status"
          value={filter.status}
          onChange={(event) =>
            change({ status: keyFilterOf(new URLSearchParams({ status: event.target.value })).status })
          }
        >
          <option value="">any</option>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
          <option value="expired">expired</option>
          <option value="revoked">revoked</option>
        </select>
        <label htmlFor="keys-sort">Sort</label>
        <select
          id="keys-sort"
          value={filter.sort}
          onChange={(event) => change({ sort: keyFilterOf(new URLSearchParams({ sort: event.target.value })).sort })}
        >
          {(Object.entries(SORT_LABELS) as [KeySort, string][]).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </form>
      <p id="keys-search-help" className="help">
        Finds a key by the start of its name, the last 4 characters of the key, its id, or its owner's name or email.
      </p>
      <ErrorText error={keys.error} />
      <div className="table-wrap">
        <table className="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Last 4</th>
              <th scope="col">Kind</th>
              <th scope="col">Environment</th>
              <th scope="col">Last used</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {keys.items.map((key) => (
              <tr key={key.id}>
                <th scope="row" data-label="Name">
                  <a href={href('keys', key.id)}>{key.name}</a>
                  {key.id === me.key.id ? ' (this session)' : ''} <code className="id">{key.id}</code>
                </th>
                <td data-label="Status">
                  <StatusBadge status={statusOf(key, now)} />
                </td>
                <td data-label="Last 4">
                  <code>…{key.hint}</code>
                </td>
                <td data-label="Kind">
                  {key.kind}
                  {key.admin ? ', admin' : ''}
                  {key.userId !== null && (
                    <>
                      {', '}
                      <span title={key.userId}>{owners.data?.get(key.userId) ?? 'owned'}</span>
                    </>
                  )}
                </td>
                <td data-label="Environment">{environmentName(key.environmentId)}</td>
                <td data-label="Last used">{when(key.lastUsedAt)}</td>
                <td data-label="Created">{when(key.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ListFooter
        list={keys}
        empty={narrows(filter) ? 'No key matches.' : 'No keys yet: make the first with "Create a key".'}
      />
    </section>
  );
}
