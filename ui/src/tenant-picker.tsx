/** Root belongs to no tenant: it picks the one to work in before any page. */
import { useCallback } from 'react';
import { type Api, pageAt } from './api';
import { PagedTable } from './paged-table';
import { usePagedList } from './use-paged-list';

export function TenantPicker({ api, onPick }: { api: Api; onPick: (tenantId: string) => void }) {
  const tenants = usePagedList(useCallback((cursor: string | null) => api.tenants.list(pageAt(cursor)), [api]));
  return (
    <section aria-labelledby="tenants-title">
      <h2 id="tenants-title">Pick a tenant</h2>
      <p className="help">The root key belongs to no tenant: choose the one to work in. You can switch later.</p>
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
        empty="No tenants yet: create one with POST /v1/tenants or the CLI."
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
