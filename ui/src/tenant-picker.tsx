/**
 * Root belongs to no tenant: it picks the one to work in before any page, or creates one (issue
 * 26 item 3), which then opens on its Overview, where the set-up walk starts.
 */
import { type FormEvent, useCallback, useState } from 'react';
import { type Api, pageAt } from './api';
import { PagedTable } from './paged-table';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { usePagedList } from './use-paged-list';
import { go } from './use-route';

function NewTenant({ api, onPick }: { api: Api; onPick: (tenantId: string) => void }) {
  const [open, setOpen] = useState(false);
  const { busy, error, run } = useAction();
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        New tenant
      </button>
    );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    void run(async () => {
      const tenant = await api.tenants.create({ name });
      go('overview');
      onPick(tenant.id);
    });
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="New tenant">
      <label htmlFor="new-tenant-name">Tenant name</label>
      <input id="new-tenant-name" name="name" required maxLength={200} placeholder="Acme Inc." />
      <button type="submit" disabled={busy}>
        Create tenant
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
      <ErrorText error={error} />
    </form>
  );
}

export function TenantPicker({ api, onPick }: { api: Api; onPick: (tenantId: string) => void }) {
  const tenants = usePagedList(useCallback((cursor: string | null) => api.tenants.list(pageAt(cursor)), [api]));
  return (
    <section aria-labelledby="tenants-title">
      <h2 id="tenants-title">Pick a tenant</h2>
      <p className="help">The root key belongs to no tenant: choose the one to work in. You can switch later.</p>
      <NewTenant api={api} onPick={onPick} />
      <PagedTable
        list={tenants}
        columns={[
          'Tenant',
          'Id',
          'Tier',
          <span key="open" className="visually-hidden">
            Open
          </span>,
        ]}
        empty="No tenants yet: create the first with New tenant."
      >
        {tenants.items.map((tenant) => (
          <tr key={tenant.id}>
            <th scope="row">{tenant.name}</th>
            <td>
              <code>{tenant.id}</code>
            </td>
            <td>{tenant.tier}</td>
            <td>
              <button type="button" onClick={() => onPick(tenant.id)} aria-label={`Work in ${tenant.name}`}>
                Open
              </button>
            </td>
          </tr>
        ))}
      </PagedTable>
    </section>
  );
}
