// @vitest-environment happy-dom
/**
 * A webhook's page lists its webhook keys by hint, adds one bound to the webhook (the sender's
 * secret imported, or one generated) and shows the new secret once; rotating shows the new one.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateWebhookKeyInput } from '../../src/api/webhook-keys.js';
import type { CreatedWebhookKeyObject, WebhookKeyObject } from '../src/api';
import { WebhookKeysSection, type WebhookKeysSectionProps } from '../src/webhook-keys-section';

const WEBHOOK = {
  id: 'res_01hx0000000000000000000000',
  name: 'slack-events',
  environmentId: 'env_01hx0000000000000000000000',
};

function keyObject(id: string, name: string, secretHint: string): WebhookKeyObject {
  return {
    id,
    tenantId: 'ten_01hx0000000000000000000000',
    environmentId: WEBHOOK.environmentId,
    webhookId: WEBHOOK.id,
    name,
    scheme: 'slack',
    secretHint,
    previousSecretValidUntil: null,
    createdByKeyId: null,
    createdAt: '2026-06-01T00:00:00.000Z',
    updatedAt: '2026-06-01T00:00:00.000Z',
    rotatedAt: null,
  };
}

/** A client holding webhook keys in memory, recording what the section sent. */
function fakeClient(existing: WebhookKeyObject[]) {
  const items = [...existing];
  const created: CreateWebhookKeyInput[] = [];
  const client: WebhookKeysSectionProps['client'] = {
    list: async () => ({ items: [...items], nextCursor: null }),
    create: async (body) => {
      created.push(body);
      const made: CreatedWebhookKeyObject = {
        ...keyObject(`whk_01hx00000000000000000000${items.length}`, body.name, 'e5a5'),
        secret: body.secret ?? 'generated-secret-0123456789abcdef',
      };
      items.push(made);
      return made;
    },
    rotate: async (id) => {
      const item = items.find((candidate) => candidate.id === id) as WebhookKeyObject;
      return { ...item, secretHint: 'new1', secret: 'rotated-secret-new1' };
    },
    delete: async (id) =>
      items.splice(
        items.findIndex((candidate) => candidate.id === id),
        1,
      )[0] as WebhookKeyObject,
  };
  return { client, created };
}

describe("a webhook's webhook keys", () => {
  afterEach(cleanup);

  it('lists them by hint, never by secret', async () => {
    const { client } = fakeClient([keyObject('whk_01hx0000000000000000000001', 'from-slack', 'zz85')]);
    render(<WebhookKeysSection webhook={WEBHOOK} client={client} />);
    const list = await screen.findByRole('list', { name: 'Webhook keys of slack-events' });
    await waitFor(() => expect(list.textContent).toContain('from-slack'));
    expect(list.textContent).toContain('…zz85');
  });

  it("imports the sender's secret for a new key bound to the webhook, and shows it once", async () => {
    const { client, created } = fakeClient([]);
    render(<WebhookKeysSection webhook={WEBHOOK} client={client} />);
    await screen.findByText('No webhook key yet.');
    fireEvent.change(screen.getByLabelText('Webhook key name'), { target: { value: 'events' } });
    fireEvent.change(screen.getByLabelText("Sender's secret (empty: generate one)"), {
      target: { value: '8f742231b10e8888abcd99yyyzzz85a5' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add webhook key' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]).toEqual({
      name: 'events',
      scheme: 'slack',
      webhookId: WEBHOOK.id,
      environmentId: WEBHOOK.environmentId,
      secret: '8f742231b10e8888abcd99yyyzzz85a5',
    });
    const shown = (await screen.findByLabelText(/^Secret of whk_/)) as HTMLInputElement;
    expect(shown.value).toBe('8f742231b10e8888abcd99yyyzzz85a5');
    fireEvent.click(await screen.findByRole('button', { name: 'I have stored it' }));
    await waitFor(() => expect(screen.queryByLabelText(/^Secret of whk_/)).toBeNull());
  });

  it('shows the new secret of a rotation', async () => {
    const { client } = fakeClient([keyObject('whk_01hx0000000000000000000001', 'from-slack', 'zz85')]);
    render(<WebhookKeysSection webhook={WEBHOOK} client={client} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Rotate from-slack' }));
    const shown = (await screen.findByLabelText(/^Secret of whk_/)) as HTMLInputElement;
    expect(shown.value).toBe('rotated-secret-new1');
  });
});
