// @vitest-environment happy-dom
/**
 * The root key's tenant picker creates a tenant; a name already taken (issue 26: tenant names are
 * unique, any case) is refused by the server, and the form says why and stays open with the name.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type Api, KeywardApiError } from '../src/api';
import { TenantPicker } from '../src/tenant-picker';

const TENANT = {
  id: 'ten_01hx0000000000000000000000',
  name: 'Acme',
  tier: 'free',
};

/** An Api whose tenants are `Acme`, refusing another tenant of that name as the server does. */
function fakeApi(): { api: Api; asked: string[] } {
  const asked: string[] = [];
  const tenants = {
    list: async () => ({ items: [TENANT], nextCursor: null }),
    create: async ({ name }: { name: string }) => {
      asked.push(name);
      if (name.toLowerCase() === 'acme')
        throw new KeywardApiError(409, {
          code: 'CONFLICT',
          field: 'name',
          detail: `a tenant named "${name}" already exists; tenant names are unique`,
        });
      return { ...TENANT, id: 'ten_01hx0000000000000000000001', name };
    },
  };
  return { api: { tenants } as unknown as Api, asked };
}

afterEach(cleanup);

describe('the tenant picker', () => {
  it('shows why a tenant name already taken is refused, keeping the form open', async () => {
    const { api, asked } = fakeApi();
    let picked: string | null = null;
    render(<TenantPicker api={api} onPick={(id) => (picked = id)} />);
    await screen.findByText('Acme');
    fireEvent.click(screen.getByRole('button', { name: 'New tenant' }));
    fireEvent.change(screen.getByLabelText('Tenant name'), { target: { value: 'ACME' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create tenant' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('a tenant named "ACME" already exists; tenant names are unique (CONFLICT)');
    expect(asked).toEqual(['ACME']);
    expect(picked).toBeNull();
    expect((screen.getByLabelText('Tenant name') as HTMLInputElement).value).toBe('ACME');
  });

  it('opens a tenant created under a new name', async () => {
    const { api } = fakeApi();
    let picked: string | null = null;
    render(<TenantPicker api={api} onPick={(id) => (picked = id)} />);
    fireEvent.click(screen.getByRole('button', { name: 'New tenant' }));
    fireEvent.change(screen.getByLabelText('Tenant name'), { target: { value: 'Globex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create tenant' }));
    await waitFor(() => expect(picked).toBe('ten_01hx0000000000000000000001'));
  });
});
