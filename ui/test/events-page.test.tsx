// @vitest-environment happy-dom
/**
 * The console's Events area: a new endpoint's signing secret shown once, the delivery log with
 * redelivery of a dead delivery, and a test event.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { grantorFor } from '../../src/api/grants.js';
import type { Api, WebhookDeliveryObject, WebhookEndpointObject } from '../src/api';
import { ConsoleContext } from '../src/console-context';
import { EventsPage } from '../src/events-page';
import { model, rootMe } from './fixtures';

const ENDPOINT: WebhookEndpointObject = {
  id: 'whe_01jb3x8v6q0000000000000000',
  tenantId: 'ten_01jb3x8v6q0000000000000000',
  environmentId: null,
  url: 'https://hooks.example/keyward',
  description: '',
  events: ['key.revoked'],
  enabled: true,
  expiringLeadDays: 7,
  creditsLowThreshold: null,
  previousSecretValidUntil: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const DEAD: WebhookDeliveryObject = {
  id: 'whd_01jb3x8v6q0000000000000000',
  endpointId: ENDPOINT.id,
  messageId: 'msg_01jb3x8v6q0000000000000000',
  type: 'key.revoked',
  keyId: 'key_01jb3x8v6q0000000000000000',
  status: 'dead',
  attempts: 8,
  lastStatusCode: 500,
  lastError: 'HTTP 500',
  nextAttemptAt: null,
  deliveredAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function fakeApi(endpoints: WebhookEndpointObject[]) {
  const webhooks = {
    list: vi.fn(async () => ({ items: [...endpoints], nextCursor: null })),
    create: vi.fn(async (body: { url: string; events: string[] }) => {
      const made = { ...ENDPOINT, id: 'whe_01jb3x8v6q0000000000000001', url: body.url };
      endpoints.push(made);
      return { ...made, secret: 'whsec_c2hvd24gb25jZQ==' };
    }),
    deliveries: vi.fn(async () => ({ items: [DEAD], nextCursor: null })),
    redeliver: vi.fn(async () => ({ ...DEAD, status: 'pending' as const, attempts: 0 })),
    test: vi.fn(async () => ({ ...DEAD, type: 'webhook.test', status: 'pending' as const })),
    update: vi.fn(),
    delete: vi.fn(),
    rotateSecret: vi.fn(),
    get: vi.fn(),
  };
  return { api: { webhooks } as unknown as Api, webhooks };
}

function renderPage(api: Api) {
  return render(
    <ConsoleContext.Provider
      value={{
        api,
        me: rootMe,
        model,
        grantor: grantorFor(model, rootMe),
        tenantId: ENDPOINT.tenantId,
        onOwnKeyRotated: () => undefined,
        onOwnKeyRevoked: () => undefined,
      }}
    >
      <EventsPage />
    </ConsoleContext.Provider>,
  );
}

describe('the Events area', () => {
  afterEach(cleanup);

  it('shows a new endpoint’s signing secret once, then only the endpoint', async () => {
    const { api, webhooks } = fakeApi([]);
    renderPage(api);
    await screen.findByText(/^No webhook endpoints yet: add one with "New endpoint"/);
    fireEvent.click(screen.getByRole('button', { name: 'New endpoint' }));
    fireEvent.change(screen.getByLabelText('Endpoint URL'), { target: { value: 'https://hooks.example/new' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Add a webhook endpoint' }));
    const secret = (await screen.findByLabelText(/^Secret of/)) as HTMLInputElement;
    expect(secret.value).toBe('whsec_c2hvd24gb25jZQ==');
    expect(webhooks.create.mock.calls[0]?.[0]).toMatchObject({ url: 'https://hooks.example/new' });
    fireEvent.click(await screen.findByRole('button', { name: 'I have stored it' }));
    await screen.findByRole('heading', { name: 'https://hooks.example/new' });
    expect(document.body.textContent).not.toContain('whsec_');
  });

  it('redelivers a dead delivery and sends a test event', async () => {
    const { api, webhooks } = fakeApi([ENDPOINT]);
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Redeliver' }));
    await waitFor(() => expect(webhooks.redeliver).toHaveBeenCalledWith(ENDPOINT.id, DEAD.id));
    // The page is busy until the redelivery's answer is in: a click before that would be on a disabled button.
    const send = screen.getByRole('button', { name: 'Send a test event' }) as HTMLButtonElement;
    await waitFor(() => expect(send.disabled).toBe(false));
    fireEvent.click(send);
    await waitFor(() => expect(webhooks.test).toHaveBeenCalledWith(ENDPOINT.id));
    expect(screen.getByRole('table', { name: `Deliveries to ${ENDPOINT.url}` }).textContent).toContain('HTTP 500');
  });

  it('disables an endpoint and rotates its secret only after a confirmation saying what changes', async () => {
    const { api, webhooks } = fakeApi([ENDPOINT]);
    webhooks.rotateSecret.mockResolvedValue({ ...ENDPOINT, secret: 'whsec_bmV3IHNlY3JldA==' });
    renderPage(api);
    fireEvent.click(await screen.findByRole('button', { name: 'Disable' }));
    const disable = screen.getByRole('dialog', { name: `Disable the webhook to ${ENDPOINT.url}?` });
    expect(disable.textContent).toContain('they wait in its log');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(webhooks.update).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Rotate secret' }));
    const rotate = screen.getByRole('dialog', { name: `Rotate the signing secret of ${ENDPOINT.url}?` });
    expect(rotate.textContent).toContain('two signatures');
    expect(webhooks.rotateSecret).not.toHaveBeenCalled();
    fireEvent.click(rotate.querySelector('button.danger') as HTMLButtonElement);
    const secret = (await screen.findByLabelText(/^Secret of/)) as HTMLInputElement;
    expect(secret.value).toBe('whsec_bmV3IHNlY3JldA==');
  });
});
